import KVTrace
import TinyTransformer

/// Every option of kvtrace, each declared once: its name, placeholder, default and
/// help. ``CommandSpecs`` lists their specs in `--help`, and the commands read their
/// values through the same declarations.
enum OptionCatalog {
  static let prompt = ValueOption(
    "prompt", placeholder: "TEXT", default: "The quick brown fox jumps over the lazy dog."
  ) {
    "the text to continue (default: \"\($0)\"); twice: two prompts decoded together, their "
      + "common prefix shared (paged blocks)"
  }
  static let chat = OptionSpec(
    name: "chat", kind: .flag,
    help: "wrap the prompt as a user's turn in the model's chat format (ChatML, Llama 2 or "
      + "Llama 3, read from its chat template)")
  static let steps = IntOption("steps", default: 6, range: 0...Int.max) {
    "decode steps after the prefill (default \($0))"
  }
  static let start = IntOption("start", default: 0, range: 0...Int.max) {
    "the step the walk-through opens at; 0 is the prefill (default \($0)); a web page's #step=N"
  }
  static let seed = IntOption("seed", default: 0, range: 0...Int(Int32.max)) {
    "seed of sampling, and of the weights when they are random (default \($0)); the trained "
      + "model's weights are fixed"
  }
  static let weights = ValueOption("weights", placeholder: "KIND", default: WeightsChoice.trained) {
    "\($0.rawValue) (default): the demo model trained by 'kvtrace train', shipped with kvtrace; "
      + "random: drawn from --seed (a shape option unlike the trained model's also gives random)"
  }
  static let layers = IntOption("layers", default: 2, range: ModelConfig.Limits.layers) {
    "transformer layers (default \($0))"
  }
  static let heads = IntOption("heads", default: 4, range: 1...32) {
    "query heads per layer (default \($0))"
  }
  static let kvHeads = IntOption(
    "kv-heads", range: 1...32,
    help:
      "key/value heads per layer; fewer than --heads is grouped-query attention (default: --heads)"
  )
  /// Sixteen dimensions per head, as the trained model has, unless `--dim` says otherwise.
  static let dimPerHead = 16
  static let dim = IntOption(
    "dim", range: 2...1024,
    help: "model width, a multiple of --heads (default \(dimPerHead) per head)")
  static let context = IntOption(
    "context", default: 64, range: ModelConfig.Limits.contextLength
  ) { "positions the model holds: the prompt plus the decode steps (default \($0))" }
  static let threads = IntOption(
    "threads", range: 1...256,
    help: "threads for the large matrix products; results are identical for any N "
      + "(default: the number of cores)")
  static let checkpoint = OptionSpec(
    name: "checkpoint", kind: .value(placeholder: "FILE"),
    help: "a llama2.c model such as stories15M.bin, or one 'kvtrace train' wrote, instead of "
      + "kvtrace's own weights")
  static let model = OptionSpec(
    name: "model", kind: .value(placeholder: "PATH"),
    help: "a GGUF file or a Hugging Face folder of the Llama family (Llama, SmolLM, Qwen2, "
      + "Mistral), or a T5 folder such as t5-small (the encoder-decoder); or the name of a "
      + "model in Ollama's store or the Hugging Face cache (kvtrace models lists them)")
  static let tokenizer = OptionSpec(
    name: "tokenizer", kind: .value(placeholder: "FILE"),
    help: "the llama2.c tokenizer.bin that goes with --checkpoint (default: the demo "
      + "vocabulary, for a checkpoint of its size)")
  static let temperature = ValueOption("temperature", placeholder: "T", default: Float(0)) {
    "\(Int($0)) picks the most probable token (default); above 0 samples, seeded"
  }
  static let topK = IntOption("top-k", placeholder: "K", default: 0, range: 0...Int.max) {
    _ in "sample only among the K most probable tokens (default: all)"
  }

  static let layer = IntOption("layer", placeholder: "L", default: 0, range: 0...Int.max) {
    "the layer whose attention is drawn (default: the run's clearest induction head, else "
      + "layer \($0))"
  }
  static let head = IntOption("head", placeholder: "H", default: 0, range: 0...Int.max) {
    "the query head whose attention is drawn (default: with --layer, head \($0))"
  }
  static let showLayers = OptionSpec(
    name: "show-layers", kind: .value(placeholder: "A-B"),
    help: "the layers the cache grid draws, such as 10-14 or 3; a model too wide for the "
      + "screen draws a window of layers holding --layer (default: all that fit the width)")
  static let detail = ValueOption("detail", placeholder: "LEVEL", default: TraceDetail.full) {
    "summary (rows only), \($0.rawValue) (also scores and weights; default) or vectors (also q, "
      + "K, V, each head's output and the logits, for checking the arithmetic)"
  }
  static let logits = IntOption("logits", placeholder: "K", default: 0, range: 0...Int.max) {
    _ in "with --detail vectors, keep each step's K largest logits, or all (default: all)"
  }
  static let color = ValueOption("color", placeholder: "WHEN", default: ColorChoice.auto) {
    "\($0.rawValue) (default), always or never; auto honors NO_COLOR and CLICOLOR_FORCE"
  }
  static let ascii = OptionSpec(name: "ascii", kind: .flag, help: "draw with ASCII characters only")
  static let rows = ValueOption("rows", placeholder: "N", default: "auto") {
    "cache rows drawn per step: \($0) (default) fits the terminal's height (LINES), all draws "
      + "every row, N at most N; rows left out carry less attention than those shown"
  }

  static let export = OptionSpec(
    name: "export", kind: .value(placeholder: "FILE"),
    help:
      "also write the trace to FILE: .json, .jsonl (streamed), .chrome.json (Perfetto), "
      + ".html (a web page) or .svg (one step's screen, an image)")
  static let format = OptionSpec(
    name: "format", kind: .value(placeholder: "FORMAT"),
    help: "json, jsonl, chrome, html or svg (default: from the name of FILE)")
  static let frame = IntOption(
    "frame", placeholder: "STEP", default: ExportRequest.defaultFrame, range: 0...Int.max
  ) {
    "with --format svg: the step drawn, as 'kvtrace step' shows it on a COLUMNS×LINES screen "
      + "(else 80×24), in color unless --color never; 0 is the prefill (default \($0))"
  }

  static let cache = ValueOption("cache", placeholder: "POLICY", default: "full") {
    "the cache policy: \(CachePolicies.all.map(\.name).joined(separator: ", ")) (default \($0))"
  }
  /// `--cache`'s default when two prompts are decoded together.
  static let twoPromptCache = "paged:4"
  static let against = ValueOption("against", placeholder: "POLICY", default: "none") {
    "the policy to compare with (default \($0); full when --cache is approximate)"
  }

  static let arch = ValueOption("arch", placeholder: "ARCH", default: Architecture.decoder) {
    "\($0.rawValue) (default) or encoder-decoder: a tiny T5 trained to summarize, whose "
      + "encoder reads the prompt once (default prompt \"\(ArchitectureOptions.encoderDecoderPrompt)\")"
  }
  static let cross = ValueOption("cross", placeholder: "MODE", default: CrossAttentionMode.once) {
    "encoder-decoder only: \($0.rawValue) projects the cross-attention K/V at the first decoder "
      + "step and reuses them (default); recompute projects them at every step"
  }

  static let interactive = OptionSpec(
    name: "interactive", kind: .flag,
    help: "walk through the trace interactively, as 'kvtrace step' does")

  static let runs = IntOption("runs", default: 5, range: 1...100) {
    "runs per measurement; medians are reported (default \($0))"
  }
  static let tokens = IntOption("tokens", default: 256, range: 2...256) {
    "tokens to decode per run (default \($0))"
  }
  static let benchThreads = IntOption(
    "threads", range: 1...256,
    help: "threads for the threaded measurement (default: the number of cores)")
  static let shape = ValueOption("shape", placeholder: "NAME", default: "all") {
    "demo, 15M or all (default \($0))"
  }
  static let prompts = IntOption("prompts", default: 10, range: 1...1000) {
    "how many repeat prompts to decode, each a random run of words said twice (default \($0))"
  }
  static let trace = OptionSpec(
    name: "trace", kind: .value(placeholder: "FILE"),
    help: "measure a full-detail trace saved by 'kvtrace run --export' instead of running a model")

  static let json = OptionSpec(name: "json", kind: .flag, help: "print the measurements as JSON")
  static let compareJSON = OptionSpec(
    name: "json", kind: .flag,
    help: "compare only: print the verdict as JSON (parting step, teacher-forced figures)")
}
