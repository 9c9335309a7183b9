/// A whole-number option declared once: the spec `--help` lists, and the default
/// and range the parser applies, so the help's "(default 6)" and the value used
/// cannot part.
struct IntOption: Sendable {
  /// Name, placeholder and help line.
  let spec: OptionSpec
  /// The value when the option is absent; `nil` when the command works it out from
  /// other options (the help says how, e.g. "default: --heads").
  let defaultValue: Int?
  /// The values accepted.
  let range: ClosedRange<Int>

  /// An option with a fixed default, which `help` receives to quote.
  init(
    _ name: String, placeholder: String = "N", default value: Int, range: ClosedRange<Int>,
    help: (Int) -> String
  ) {
    spec = OptionSpec(name: name, kind: .value(placeholder: placeholder), help: help(value))
    defaultValue = value
    self.range = range
  }

  /// An option whose default the command works out, as `help` describes.
  init(_ name: String, placeholder: String = "N", range: ClosedRange<Int>, help: String) {
    spec = OptionSpec(name: name, kind: .value(placeholder: placeholder), help: help)
    defaultValue = nil
    self.range = range
  }
}

/// An option with a default of another type (text, a policy name, a choice),
/// declared once with its help, which receives the default to quote.
struct ValueOption<Value: Sendable>: Sendable {
  /// Name, placeholder and help line.
  let spec: OptionSpec
  /// The value when the option is absent.
  let defaultValue: Value

  init(_ name: String, placeholder: String, default value: Value, help: (Value) -> String) {
    spec = OptionSpec(name: name, kind: .value(placeholder: placeholder), help: help(value))
    defaultValue = value
  }
}

extension ParsedArguments {
  /// The option's value: the last one given, else `defaultValue` (for an option
  /// whose default the command works out), else the declared default.
  func int(_ option: IntOption, default defaultValue: Int? = nil, range: ClosedRange<Int>? = nil)
    throws(UsageError) -> Int
  {
    try int(
      option.spec.name, default: defaultValue ?? option.defaultValue ?? option.range.lowerBound,
      range: range ?? option.range)
  }

  /// The option's value, one of `Value`'s names, else the declared default.
  func choice<Value: RawRepresentable & CaseIterable>(_ option: ValueOption<Value>)
    throws(UsageError) -> Value where Value.RawValue == String
  {
    try choice(
      option.spec.name, default: option.defaultValue,
      from: Value.allCases.map { ($0.rawValue, $0) })
  }

  /// The last value given for the option, else the declared default.
  func value(_ option: ValueOption<String>) -> String {
    last(option.spec.name) ?? option.defaultValue
  }
}
