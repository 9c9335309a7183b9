import TinyTransformer

/// The commands and options of kvtrace, as `--help` shows them.
enum CommandSpecs {
  static let version = "kvtrace 0.1.0"
  static let defaultPrompt = "The quick brown fox jumps over the lazy dog."

  static let modelOptions: [OptionSpec] = [
    OptionSpec(
      name: "prompt", kind: .value(placeholder: "TEXT"),
      help: "the text to continue (default: \"\(defaultPrompt)\"); twice: two prompts "
        + "decoded together, their common prefix shared (paged blocks)"),
    OptionSpec(
      name: "steps", kind: .value(placeholder: "N"),
      help: "decode steps after the prefill (default 6)"),
    OptionSpec(
      name: "seed", kind: .value(placeholder: "N"),
      help: "seed of the weights and of sampling (default 0)"),
    OptionSpec(
      name: "layers", kind: .value(placeholder: "N"), help: "transformer layers (default 2)"),
    OptionSpec(
      name: "heads", kind: .value(placeholder: "N"), help: "query heads per layer (default 4)"),
    OptionSpec(
      name: "kv-heads", kind: .value(placeholder: "N"),
      help:
        "key/value heads per layer; fewer than --heads is grouped-query attention (default: --heads)"
    ),
    OptionSpec(
      name: "dim", kind: .value(placeholder: "N"),
      help: "model width, a multiple of --heads (default 8 per head)"),
    OptionSpec(
      name: "context", kind: .value(placeholder: "N"),
      help: "positions the model holds: the prompt plus the decode steps (default 64)"),
    OptionSpec(
      name: "threads", kind: .value(placeholder: "N"),
      help: "threads for the large matrix products; results are identical for any N "
        + "(default: the number of cores)"),
    OptionSpec(
      name: "checkpoint", kind: .value(placeholder: "FILE"),
      help: "a trained llama2.c model such as stories15M.bin, instead of random weights"),
    OptionSpec(
      name: "tokenizer", kind: .value(placeholder: "FILE"),
      help: "the llama2.c tokenizer.bin that goes with --checkpoint"),
    OptionSpec(
      name: "temperature", kind: .value(placeholder: "T"),
      help: "0 picks the most probable token (default); above 0 samples, seeded"),
    OptionSpec(
      name: "top-k", kind: .value(placeholder: "K"),
      help: "sample only among the K most probable tokens (default: all)"),
  ]

  static let viewOptions: [OptionSpec] = [
    OptionSpec(
      name: "layer", kind: .value(placeholder: "L"),
      help: "the layer whose attention is drawn (default 0)"),
    OptionSpec(
      name: "head", kind: .value(placeholder: "H"),
      help: "the query head whose attention is drawn (default 0)"),
    OptionSpec(
      name: "detail", kind: .value(placeholder: "LEVEL"),
      help: "summary (rows only) or full (also scores and weights; default)"),
    OptionSpec(
      name: "color", kind: .value(placeholder: "WHEN"),
      help: "auto (default), always or never; auto honors NO_COLOR and CLICOLOR_FORCE"),
    OptionSpec(name: "ascii", kind: .flag, help: "draw with ASCII characters only"),
  ]

  static let exportOptions: [OptionSpec] = [
    OptionSpec(
      name: "export", kind: .value(placeholder: "FILE"),
      help: "also write the trace to FILE: .json, .jsonl (streamed) or .chrome.json (Perfetto)"),
    OptionSpec(
      name: "format", kind: .value(placeholder: "FORMAT"),
      help: "json, jsonl or chrome (default: from the name of FILE)"),
  ]

  static var cacheOption: OptionSpec {
    let names = CachePolicies.all.map(\.name).joined(separator: ", ")
    return OptionSpec(
      name: "cache", kind: .value(placeholder: "POLICY"),
      help: "the cache policy: \(names) (default full)")
  }

  static let run = CommandSpec(
    name: "run",
    summary: "decode a prompt and print the trace, step by step",
    discussion: """
      Decodes the prompt with a tiny Llama-style transformer and prints, for every step, \
      the key/value rows of every layer and KV head: computed fresh at this step, or \
      reused from the cache. Beside them, the newest query's attention weights; under \
      them, the work the step did and what a run without a cache would have done.

      Cache policies:
      \(CachePolicies.all.flatMap { HelpLayout.row($0.name, $0.summary) }.joined(separator: "\n"))

      With --arch encoder-decoder the model is T5-style: the encoder reads the prompt once, \
      then the decoder writes from its start token, and every decoder step draws two grids: \
      the self-attention cache, which grows by a row per step, and the cross-attention rows \
      projected from the encoder output, one per source token, which never grow.

      With --export FILE the trace is also written to FILE, and 'kvtrace replay FILE' \
      prints this same output again. See 'kvtrace schema' for the file format.
      """,
    options: modelOptions + ArchitectureOptions.specs + [cacheOption] + viewOptions + exportOptions)

  static let compare = CommandSpec(
    name: "compare",
    summary: "decode without a cache and with one, and check they agree",
    discussion: """
      Decodes the same prompt twice, with the policy under test (--cache, default full) \
      and with a reference (--against; default none for an exact policy, full for an \
      approximate one). For an exact pair it checks what a correct cache must give: \
      identical tokens, logits equal within 1e-4 (the maximum difference is printed), and \
      the row accounting of each policy; it exits 0 when the check passes and 1 when it \
      fails. An approximate policy (window, sinks, int8) may rightly change the output: compare \
      prints the first step where its tokens part from the reference (or that they never \
      do) and the max |Δlogit|, checks only its row accounting, and exits 0 when that holds. \
      With --arch encoder-decoder it checks the cross-attention rows too: computed once \
      (--cross once) or at every step (--cross recompute), and never more than the source \
      has tokens; the encoder-decoder takes the exact policies only (none, full). With two \
      --prompt it decodes them together, sharing their prefix (paged:B), and checks each \
      against its prompt decoded alone with a full cache: tokens, logits, and the prefix \
      computed once.

      With --export t.json it writes both traces: t.reference.json (the reference) and \
      t.full.json (the policy under test, named after it).
      """,
    options: modelOptions + ArchitectureOptions.specs + [
      cacheOption,
      OptionSpec(
        name: "against", kind: .value(placeholder: "POLICY"),
        help: "the policy to compare with (default none; full when --cache is approximate)"),
    ] + viewOptions + exportOptions)

  static let replay = CommandSpec(
    name: "replay",
    summary: "render a saved trace (no model needed)",
    discussion: """
      Reads a trace written by 'kvtrace run --export' (JSON or JSON Lines, told apart \
      by their content) and prints it as 'kvtrace run' did, byte for byte. A file cut \
      short is drawn up to its last whole step, then the cut is reported. A malformed \
      file gets one line naming the place and the problem, and exit status 65. With \
      --interactive, walks through the trace on the terminal as 'kvtrace step' does.
      """,
    options: viewOptions.filter { $0.name != "detail" } + [
      OptionSpec(
        name: "interactive", kind: .flag,
        help: "walk through the trace interactively, as 'kvtrace step' does")
    ],
    positionals: [PositionalSpec(name: "FILE", help: "a .json or .jsonl trace")])

  static let schema = CommandSpec(
    name: "schema",
    summary: "print the JSON Schema of the trace format",
    discussion: """
      Prints the JSON Schema (draft 2020-12) of the files 'kvtrace run --export' \
      writes. It validates a .json trace; for JSON Lines, the first line matches \
      #/$defs/headerLine and every other line #/$defs/event.
      """)

  static let bench = CommandSpec(
    name: "bench",
    summary: "measure decoding speed: cache none vs full, tracing cost, threads",
    discussion: """
      Builds the demo model and the shape of llama2.c's stories15M (random weights, in \
      memory) and measures, in one run: tokens per second with and without the cache next \
      to the saving the FLOP counts predict; the cost of tracing at summary and full \
      detail; the speed-up from threads; one core's memory read bandwidth and how close \
      decoding gets to the bound it sets. Run it in a release build: \
      swift run -c release kvtrace bench
      """,
    options: [
      OptionSpec(
        name: "runs", kind: .value(placeholder: "N"),
        help: "runs per measurement; medians are reported (default 5)"),
      OptionSpec(
        name: "tokens", kind: .value(placeholder: "N"),
        help: "tokens to decode per run (default 256)"),
      OptionSpec(
        name: "threads", kind: .value(placeholder: "N"),
        help: "threads for the threaded measurement (default: the number of cores)"),
      OptionSpec(
        name: "shape", kind: .value(placeholder: "NAME"), help: "demo, 15M or all (default all)"),
      OptionSpec(name: "json", kind: .flag, help: "print the measurements as JSON"),
    ])

  static let step = CommandSpec(
    name: "step",
    summary: "walk through the decoding interactively, a key press per step",
    discussion: """
      Decodes the prompt like 'kvtrace run', then shows one step at a time, full screen: \
      the cache grid of every layer and KV head (fresh and reused rows), the attention of \
      the newest query as a heatmap (at the prefill, the whole causal triangle), and what \
      the step did in a sentence. Needs a terminal; without one it prints what \
      'kvtrace run' prints, with a note on standard error.

      Keys:
        right, space, l   next step          left, h   previous step
        up, down          layer              tab, ], [ head
        c   the cache, the same step without a cache, or both side by side
        w   attention weights or raw scores   g, G   first or last step
        s   the other sequence, with two --prompt (its shared rows marked)
        ?   help                              q, Esc, Ctrl-C   quit

      With --export FILE the trace is also written to FILE; 'kvtrace replay FILE --interactive' \
      walks through it again without the model.
      """,
    options: modelOptions + ArchitectureOptions.specs + [cacheOption] + viewOptions + exportOptions)

  static let parser = ArgumentParser(
    toolName: "kvtrace",
    abstract: """
      Shows how a transformer decodes with a key/value cache: a tiny model decodes your \
      prompt and every key/value row it computes or reuses is drawn, step by step. \
      With no command, runs the default demo (the same as 'kvtrace run').
      """,
    commands: [run, step, compare, replay, schema, bench], defaultCommand: "run")
}
