import KVTrace

/// What a full cache of the model would hold at its whole context length: the figure
/// that decides whether a real model's cache fits in memory.
///
/// A run of a few hundred positions holds a small cache; the model was built for
/// many more. Every position keeps a key row and a value row in every layer, each
/// `kvHeads × headSize` numbers wide, so a full context costs
/// `layers × 2 × kvDim × contextLength` numbers: for SmolLM2-135M (30 layers, 3 KV
/// heads of 64, 8,192 positions) 377 MB in fp32 and 189 MB in fp16. Grouped-query
/// attention is what keeps it that small: with a KV head per query head (9) it would
/// be three times as much.
enum FullContextCache {
  /// Below this many bytes in fp32 the figure is not worth a line: the grid shows
  /// such a cache whole (the demo model's full context holds 64 KiB).
  static let worthSaying = 1 << 20

  /// The bytes of keys and values for every position of the model's context, at
  /// `bytesPerNumber` bytes a number (4 for fp32, 2 for fp16).
  static func bytes(_ config: ModelConfig, bytesPerNumber: Int) -> Int {
    let numbers = config.layers.multipliedReportingOverflow(by: 2 * config.kvDim)
    let all = numbers.partialValue.multipliedReportingOverflow(by: config.contextLength)
    let stored = all.partialValue.multipliedReportingOverflow(by: bytesPerNumber)
    return numbers.overflow || all.overflow || stored.overflow ? .max : stored.partialValue
  }

  /// `memory   at its full 8,192-position context a full cache would hold 377 MB in fp32,
  /// 189 MB in fp16`; `nil` for a model whose whole cache is under a mebibyte.
  static func line(_ config: ModelConfig) -> String? {
    let fp32 = bytes(config, bytesPerNumber: 4)
    guard fp32 >= worthSaying else { return nil }
    return "memory   at its full \(grouped(config.contextLength))-position context a full "
      + "cache would hold \(decimal(fp32)) in fp32, "
      + "\(decimal(bytes(config, bytesPerNumber: 2))) in fp16"
  }

  /// `8,192`: an integer with its thousands separated.
  static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (index, digit) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out += "," }
      out.append(digit)
    }
    return (n < 0 ? "-" : "") + out
  }

  /// Bytes in decimal units, three significant digits: `377 MB`, `11.8 MB`, `5.90 MB`,
  /// `1.21 GB`, as memory and disk sizes are sold.
  static func decimal(_ value: Int) -> String {
    let units = ["B", "kB", "MB", "GB", "TB", "PB"]
    var v = Double(value)
    var unit = 0
    while v >= 999.5, unit < units.count - 1 {
      v /= 1000
      unit += 1
    }
    if unit == 0 { return "\(value) B" }
    let decimals = v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2
    return TextLayout.fixed(v, decimals) + " " + units[unit]
  }
}
