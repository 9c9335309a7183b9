import KVTrace
import TinyTransformer

/// The commands and options of kvtrace, as `--help` shows them.
enum CommandSpecs {
  static let version = "kvtrace " + TraceIdentity.currentVersion

  typealias O = OptionCatalog

  /// The prompt `run` decodes when given none.
  static var defaultPrompt: String { O.prompt.defaultValue }

  static let modelOptions: [OptionSpec] = [
    O.prompt.spec, O.chat, O.steps.spec, O.seed.spec, O.weights.spec, O.layers.spec, O.heads.spec,
    O.kvHeads.spec,
    O.dim.spec, O.context.spec, O.threads.spec, O.checkpoint, O.tokenizer, O.temperature.spec,
    O.topK.spec,
  ]

  static let viewOptions: [OptionSpec] = [
    O.layer.spec, O.head.spec, O.showLayers, O.detail.spec, O.color.spec, O.ascii,
  ]

  static let exportOptions: [OptionSpec] = [O.export, O.format, O.frame.spec, O.logits.spec]

  static let run = CommandSpec(
    name: "run",
    summary: "decode a prompt and print the trace, step by step",
    discussion: """
      Decodes the prompt with a tiny Llama-style transformer and prints, for every step, \
      the key/value rows of every layer and KV head: computed fresh at this step, or \
      reused from the cache. Beside them, the newest query's attention weights; under \
      them, the work the step did and what a run without a cache would have done.

      The weights are kvtrace's trained model unless you ask otherwise: the demo shape, \
      trained by 'kvtrace train' and shipped with kvtrace. --weights random draws them from \
      --seed, as does any shape option the trained model lacks (the header says which), and \
      --checkpoint loads a llama2.c model.

      Cache policies:
      \(CachePolicies.all.flatMap { HelpLayout.row($0.name, $0.summary) }.joined(separator: "\n"))

      With --arch encoder-decoder the model is a T5 (by default kvtrace's tiny T5, trained to \
      summarize; --weights random draws one, --model DIR loads one): the encoder reads the \
      prompt once, then the decoder writes from its start token, and every decoder step draws two grids: \
      the self-attention cache, which grows by a row per step, and the cross-attention rows \
      projected from the encoder output, one per source token, which never grow.

      With --export FILE the trace is also written to FILE, and 'kvtrace replay FILE' \
      prints this same output again. See 'kvtrace schema' for the file format.
      """,
    options: modelOptions + ArchitectureOptions.specs + [O.cache.spec] + viewOptions
      + [O.rows.spec] + exportOptions
  )

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
      do), the max |Δlogit| while both read the same text, and a teacher-forced comparison \
      (the policy fed the reference's tokens: per step |Δlogit|, KL divergence, top token), \
      checks only its row accounting, and exits 0 when that holds. --json prints the verdict \
      as JSON instead. \
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
      O.cache.spec, O.against.spec,
    ] + viewOptions + exportOptions + [O.compareJSON])

  static let replay = CommandSpec(
    name: "replay",
    summary: "render a saved trace (no model needed)",
    discussion: """
      Reads a trace written by 'kvtrace run --export' (JSON or JSON Lines, told apart \
      by their content) and prints it as 'kvtrace run' did, byte for byte. A file cut \
      short is drawn up to its last whole step, then the cut is reported. A malformed \
      file gets one line naming the place and the problem, and exit status 65. With \
      --interactive, walks through the trace on the terminal as 'kvtrace step' does. \
      With --export FILE, also writes it to FILE: '--format html' (or a name ending in \
      .html) makes one web page that steps through it in any browser, and '--format svg' \
      (or .svg) one step of the walk-through as an image, the step --frame names.
      """,
    options: viewOptions.filter { $0.name != "detail" } + [O.rows.spec, O.interactive]
      + [O.export, O.format, O.frame.spec, O.start.spec],
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
    options: [O.runs.spec, O.tokens.spec, O.benchThreads.spec, O.shape.spec, O.json, O.model])

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
        <, >   the layers before or after those drawn, when not all fit the width
        c   the cache, the same step without a cache, or both side by side
        w   attention weights or raw scores   g, G   first or last step
        s   the other sequence, with two --prompt (its shared rows marked)
        j, k, PgDn, PgUp   scroll rows that do not fit (else: those the query weighs most)
        ?   help                              q, Esc, Ctrl-C   quit
      Past the last step, right shows the run's closing summary; left goes back.

      With --export FILE the trace is also written to FILE; 'kvtrace replay FILE --interactive' \
      walks through it again without the model.
      """,
    options: modelOptions + ArchitectureOptions.specs + [O.cache.spec] + viewOptions + exportOptions
      + [O.start.spec]
  )

  static let heads = CommandSpec(
    name: "heads",
    summary: "measure what each attention head does: previous-token, induction, sink",
    discussion: """
      Decodes prompts made to show copying (a random run of words, then its first word \
      again), records every attention weight, and scores each layer and head as a \
      previous-token, duplicate-token, induction and first-position (sink) head, as \
      TransformerLens's head detector does. Then it prints how well the model copies \
      the rest of the run under --cache: a window shorter than the run has evicted the \
      rows an induction head must read. With --prompt it measures that prompt instead; \
      with --trace FILE, a full-detail trace saved by 'kvtrace run --export', without a model; \
      with --model, a GGUF file or Llama-family folder: the heads of a real model.
      """,
    options: [HeadsCommand.promptOption]
      + modelOptions.filter { !["prompt", "chat", "temperature", "top-k"].contains($0.name) } + [
        O.model, O.cache.spec, O.prompts.spec, O.trace,
      ])

  static let parser = ArgumentParser(
    toolName: "kvtrace",
    abstract: """
      Shows how a transformer decodes with a key/value cache: a tiny model decodes your \
      prompt and every key/value row it computes or reuses is drawn, step by step. \
      With no command, runs the default demo (the same as 'kvtrace run').
      """,
    commands: [
      run, step, compare, replay, schema, bench, TrainCommand.spec, heads, ModelsCommand.spec,
    ],
    defaultCommand: "run")
}
