import KVTrace
import KVTraceRender
import TinyTransformer

/// The options of `run` and `compare`, decoded and checked.
struct RunOptions: Sendable {
  /// The shape the shape options describe: the trained model's when none is given (unused
  /// with `--checkpoint`, whose file fixes the shape).
  var config: ModelConfig
  /// The trained model, random weights, or a `--checkpoint`'s (`--weights`).
  var weights: ModelWeights
  /// `--checkpoint` and `--tokenizer`, when given.
  var files: ModelFiles? { weights.files }
  /// `--model`'s Hugging Face folder, when given.
  var folder: ModelFolder?
  var seed: UInt64
  var prompt: String
  /// The second `--prompt`, decoded together with the first over shared paged blocks.
  var secondPrompt: String?
  /// `--chat`: the prompts are wrapped in the model's chat format once it is loaded.
  var chat = false
  var steps: Int
  var policy: any CachePolicy
  /// What `compare` checks `policy` against: `--against`, else `none` for an exact
  /// policy and `full` for an approximate one (whose divergence is the lesson).
  var reference: any CachePolicy
  var sampling: Sampling
  /// The head `--layer` and `--head` name (layer 0 head 0 when neither is given).
  var focus: RenderFocus
  /// Whether neither `--layer` nor `--head` was given: the run then draws the trace's
  /// clearest induction head (``RenderFocus/automatic(for:)``).
  var focusIsDefault: Bool
  var detail: TraceDetail
  /// `--logits`: at `vectors` detail, how many logits each step keeps (0: all).
  var logitsKept = 0
  var style: RenderStyle
  /// Where to write the trace, if `--export` was given.
  var export: ExportRequest?
  var threads: Int
  /// `--arch` and `--cross`.
  var architecture: ArchitectureOptions

  /// Decodes `arguments`; every bad value becomes a `UsageError` naming its fix.
  init(
    _ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool
  ) throws(UsageError) {
    let vocabulary = Tokenizer.demo.vocabularySize
    typealias O = OptionCatalog
    let layers = try arguments.int(O.layers)
    let heads = try arguments.int(O.heads)
    let kvHeads = try arguments.int(O.kvHeads, default: heads)
    let dim = try arguments.int(O.dim, default: heads * O.dimPerHead)
    let context = try arguments.int(O.context)
    config = ModelConfig(
      layers: layers, heads: heads, kvHeads: kvHeads, dim: dim, mlpDim: 2 * dim,
      contextLength: context, vocabularySize: vocabulary)
    do {
      try config.validate()
    } catch {
      throw UsageError(error.description, fix: "see 'kvtrace run --help'")
    }
    seed = UInt64(try arguments.int(O.seed))
    folder = try ModelFolder.parse(arguments)
    architecture = try ArchitectureOptions(arguments)
    weights = try ModelWeights.parse(
      arguments, config: config, architecture: architecture.architecture)
    prompt = arguments.last(O.prompt.spec.name) ?? architecture.defaultPrompt
    chat = arguments.has(O.chat.name)
    // A checkpoint's context is known once it is loaded; generation checks the steps then.
    let fixedByFiles = weights.files != nil || folder != nil
    let stepLimit = fixedByFiles ? Checkpoint.maximumContextLength : config.contextLength
    steps = try arguments.int(O.steps, range: 0...stepLimit)
    let prompts = arguments.all(O.prompt.spec.name)
    secondPrompt = prompts.count == 2 ? prompts[1] : nil
    if prompts.count == 2 { prompt = prompts[0] }
    policy = try Self.cachePolicy(
      secondPrompt == nil ? arguments.value(O.cache) : arguments.last("cache") ?? O.twoPromptCache,
      option: "cache")
    try Self.checkTwoPrompts(prompts.count, policy: policy, arguments)
    reference = try Self.cachePolicy(
      policy.info.exact ? arguments.value(O.against) : arguments.last("against") ?? "full",
      option: "against")
    try Self.checkArchitecture(architecture, policy: policy, reference: reference)
    sampling = Sampling(
      temperature: try Self.float(arguments, O.temperature, range: 0...100),
      topK: try arguments.int(O.topK, range: 0...(fixedByFiles ? .max : vocabulary)))
    // With a checkpoint, `model()` checks the focus against the loaded shape.
    focus = try Self.focus(arguments, config: fixedByFiles ? nil : config)
    focusIsDefault = Self.focusIsDefault(arguments)
    threads = try arguments.int(O.threads, default: Platform.processorCount)
    detail = try arguments.choice(O.detail)
    logitsKept = try Self.logitsKept(arguments)
    style = try Self.style(arguments, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
    export = try ExportRequest(arguments, environment: environment)
  }

  /// Reports a policy the chosen architecture does not run; which ones it runs is the
  /// library's rule (``Architecture/supports(_:)``), not the command line's.
  private static func checkArchitecture(
    _ architecture: ArchitectureOptions, policy: any CachePolicy, reference: any CachePolicy
  ) throws(UsageError) {
    let arch = architecture.architecture
    for (option, chosen) in [("cache", policy), ("against", reference)]
    where !arch.supports(chosen.info.kind) {
      let what =
        switch chosen.info.kind {
        case .int8: "an int8 cache"
        case .paged: "a paged cache"
        case .window: "a window"
        case .none, .full: "a policy"
        }
      throw UsageError(
        "--\(option) \(chosen.info.name) is \(what), which kvtrace runs on the "
          + "decoder-only model; --arch encoder-decoder takes the exact policies none and full",
        fix: "use --\(option) full or --\(option) none, or leave out --arch encoder-decoder")
    }
  }

  /// The model these options describe: the trained one, random weights, or a checkpoint's.
  ///
  /// - Throws: ``CommandFailure``: a usage error (64), or a shipped model, checkpoint or
  ///   tokenizer that is missing (66) or malformed (65).
  func model() throws(CommandFailure) -> TinyTransformer {
    var model: TinyTransformer
    if let folder {  // a GGUF file or a Llama-family folder
      model = try folder.loadDecoder(seed: seed, digest: export != nil)
    } else {
      // A trace that is never written needs no digest of the checkpoint in its header.
      model = try weights.model(
        config: config, seed: seed, threads: threads, digest: export != nil)
    }
    model.threads = threads
    guard files != nil || folder != nil else { return model }
    try checkFocus(layers: model.config.layers, heads: model.config.heads)
    return model
  }

  /// Checks `--layer` and `--head` against a loaded model's shape.
  func checkFocus(layers: Int, heads: Int) throws(CommandFailure) {
    for (name, value, count) in [("layer", focus.layer, layers), ("head", focus.head, heads)]
    where value >= count {
      throw CommandFailure(
        UsageError(
          "--\(name) must be between 0 and \(count - 1), got \(value)",
          fix: "pick a value in 0...\(count - 1)"))
    }
  }

  /// The layer and head `--layer` and `--head` pick, checked against the model's shape
  /// when it is known (`nil`: a checkpoint not loaded yet).
  static func focus(_ arguments: ParsedArguments, config: ModelConfig?) throws(UsageError)
    -> RenderFocus
  {
    try LayerRangeOption.focus(
      RenderFocus(
        layer: try arguments.int(
          OptionCatalog.layer, range: 0...((config?.layers ?? .max) - 1)),
        head: try arguments.int(OptionCatalog.head, range: 0...((config?.heads ?? .max) - 1))),
      layers: try LayerRangeOption.parse(arguments, layers: config?.layers),
      explicit: arguments.has(OptionCatalog.layer.spec.name))
  }

  /// `--logits`: `all` (kept as 0) or a whole number K ≥ 0; anything else names both.
  static func logitsKept(_ arguments: ParsedArguments) throws(UsageError) -> Int {
    let raw = arguments.last(OptionCatalog.logits.spec.name)
    if raw == "all" { return 0 }
    do { return try arguments.int(OptionCatalog.logits) } catch {
      throw UsageError(
        "--logits expects all or a whole number K >= 0, got '\(raw ?? "")'",
        fix: "for example --logits all or --logits 8")
    }
  }

  /// Whether `arguments` leave the drawn head to the trace (no `--layer`, no `--head`).
  static func focusIsDefault(_ arguments: ParsedArguments) -> Bool {
    !arguments.has(OptionCatalog.layer.spec.name) && !arguments.has(OptionCatalog.head.spec.name)
  }

  /// The head to draw for `trace`: the one named, else the trace's clearest induction head.
  func focus(for trace: Trace) -> RenderFocus {
    focusIsDefault ? Self.within(.automatic(for: trace), focus.layers) : focus
  }

  /// An automatic `focus` moved among the `--show-layers` asked for.
  static func within(_ focus: RenderFocus, _ layers: ClosedRange<Int>?) -> RenderFocus {
    (try? LayerRangeOption.focus(focus, layers: layers, explicit: false)) ?? focus
  }

  /// ``focus(for:)`` from the trace's head roles already measured (`nil` when they cannot be).
  func focus(for trace: Trace, roles: HeadRoles?) -> RenderFocus {
    focusIsDefault ? Self.within(.automatic(for: trace, roles: roles), focus.layers) : focus
  }

  /// The head `arguments` ask to draw for a `trace` read from a file: the one named
  /// (checked against the trace's shape), else the trace's clearest induction head.
  /// `roles` are the trace's head roles, measured once by the caller (`nil` when they
  /// cannot be measured), which the renderer's summaries need too.
  static func focus(_ arguments: ParsedArguments, for trace: Trace, roles: HeadRoles?)
    throws(UsageError) -> RenderFocus
  {
    guard !focusIsDefault(arguments) else {
      let layers = try LayerRangeOption.parse(arguments, layers: trace.header.model.layers)
      return within(.automatic(for: trace, roles: roles), layers)
    }
    return try focus(arguments, config: trace.header.model)
  }

  /// The style `--color` and `--ascii` ask for, in this environment.
  static func style(
    _ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool
  ) throws(UsageError) -> RenderStyle {
    let color = try arguments.choice(OptionCatalog.color)
    return RenderStyle(
      width: 80, color: color.resolve(environment: environment, isTerminal: stdoutIsTerminal),
      unicode: !arguments.has(OptionCatalog.ascii.name),
      maxRows: try rows(arguments, environment: environment))
  }

  /// The usage error for a prompt the model cannot decode, with a fix that names an option
  /// (`--context` sizes only a random model: a checkpoint and the trained model fix their own).
  func usageError(_ error: DecodeError, command: String) -> UsageError {
    let help = "see 'kvtrace \(command) --help'"
    let (needed, atLeast): (Int, String)
    switch error {
    case .exceedsContext(let prompt, let steps, _) where files == nil:
      (needed, atLeast) = (prompt + steps, "")
    case .promptTooLong(let prompt, _) where files == nil:
      (needed, atLeast) = (prompt + steps, "at least ")
    default: return UsageError(error.description, fix: help)
    }
    guard needed <= ModelConfig.Limits.contextLength.upperBound else {
      return UsageError(error.description, fix: help)
    }
    let fix =
      weights == .trained
      ? "or raise --context to \(atLeast)\(needed), with random weights (the trained model "
        + "holds \(config.contextLength) positions)" : "or raise --context to \(atLeast)\(needed)"
    return UsageError(error.description, fix: fix)
  }

  /// How a command fails for a prompt the model cannot decode: a usage error (64), or, for
  /// logits that are not finite numbers, a model file that is damaged (65).
  func failure(_ error: DecodeError, command: String) -> CommandFailure {
    if case .nonFiniteLogit = error { return CommandFailure(error.description, .dataError) }
    return CommandFailure(usageError(error, command: command))
  }

  /// Two prompts share their prefix in paged blocks, on the decoder-only model; more
  /// than two is not a thing kvtrace decodes.
  private static func checkTwoPrompts(
    _ count: Int, policy: any CachePolicy, _ arguments: ParsedArguments
  ) throws(UsageError) {
    guard count >= 2 else { return }
    guard count == 2 else {
      throw UsageError(
        "--prompt is given \(count) times; kvtrace decodes one prompt, or two that share a prefix",
        fix: "give --prompt once or twice")
    }
    guard policy is PagedCache else {
      throw UsageError(
        "--cache \(policy.info.name) cannot decode two prompts; two prompts share their common "
          + "prefix through the block tables of a paged cache",
        fix: "use --cache paged:B (for example --cache paged:4), or give one --prompt")
    }
    if arguments.last("arch") == "encoder-decoder" {
      throw UsageError(
        "two prompts share a prefix on the decoder-only model, not with --arch encoder-decoder",
        fix: "give one --prompt, or leave out --arch encoder-decoder")
    }
  }

  /// The policy `name` names, or a usage error naming `--option` and a value that works.
  static func cachePolicy(_ name: String, option: String) throws(UsageError) -> any CachePolicy {
    do {
      return try CachePolicies.parse(name)
    } catch {
      throw UsageError(error.message(option: option), fix: error.fix(option: option))
    }
  }

  private static func float(
    _ arguments: ParsedArguments, _ option: ValueOption<Float>, range: ClosedRange<Float>
  ) throws(UsageError) -> Float {
    let name = option.spec.name
    guard let raw = arguments.last(name) else { return option.defaultValue }
    guard let value = Float(raw), value.isFinite else {
      throw UsageError("--\(name) expects a number, got '\(raw)'", fix: "for example --\(name) 0.8")
    }
    guard range.contains(value) else {
      throw UsageError(
        "--\(name) must be between \(range.lowerBound) and \(range.upperBound), got \(raw)",
        fix: "for example --\(name) 0.8")
    }
    return value
  }
}
