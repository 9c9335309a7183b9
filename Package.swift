// swift-tools-version:6.0
//
// kvtrace: see how a transformer decodes with a key/value cache.
//
// Four targets, one data flow (see ARCHITECTURE.md in this repository):
//   TinyTransformer ──events──► KVTrace (the trace) ──► KVTraceRender ──► kvtrace (the CLI)
// No package dependencies: only what the Swift toolchain ships.

import PackageDescription

let package = Package(
  name: "kvtrace",
  products: [
    .library(name: "KVTrace", targets: ["KVTrace"]),
    .library(name: "TinyTransformer", targets: ["TinyTransformer"]),
    .library(name: "KVTraceRender", targets: ["KVTraceRender"]),
    .executable(name: "kvtrace", targets: ["kvtrace"]),
  ],
  targets: [
    // The trace: events, header, counters. Foundation only.
    .target(name: "KVTrace"),
    // Wider (AVX2) kernels the model picks at run time, bit for bit its own Swift ones,
    // which run wherever AVX2 does not: the F32 products, attention loops, softmax, SwiGLU
    // and top-k scan, and the GGUF block formats' dot products.
    .target(name: "FastKernelsC"),
    .target(name: "GGUFKernelsC"),
    // The model: kernels, weights, tokenizer, attention, cache policies, decoding, and the
    // trained defaults (`kvtrace train`'s checkpoint and its provenance; the T5 summarizer's
    // Hugging Face files) as resources; their training logs stay in the repository only, for
    // the tests that retrain them.
    // Links libm on Linux: `rounded()` and `squareRoot()` call into it there.
    .target(
      name: "TinyTransformer", dependencies: ["KVTrace", "FastKernelsC", "GGUFKernelsC"],
      exclude: ["Resources/default-model-log.txt", "Resources/default-t5-log.txt"],
      resources: [
        .copy("Resources/default-model.bin"), .copy("Resources/default-model.json"),
        .copy("Resources/default-t5-config.json"), .copy("Resources/default-t5.safetensors"),
      ],
      linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
    // Pure functions from a trace to lines of text.
    .target(name: "KVTraceRender", dependencies: ["KVTrace"]),
    // The trainer: corpus, backward passes, AdamW; never on the inference path.
    .target(name: "Training", dependencies: ["TinyTransformer", "KVTrace"]),
    // The command line: arguments, terminal, files, exit codes.
    .executableTarget(
      name: "kvtrace", dependencies: ["KVTrace", "TinyTransformer", "KVTraceRender", "Training"]),
    // The classic encoder-decoder flow (`summarize: …`) done right, through the library API.
    .executableTarget(
      name: "summarize", dependencies: ["KVTrace", "TinyTransformer"], path: "Examples/summarize"),

    // Examples/: small programs that use the libraries, shown by the tutorials.
    .executableTarget(
      name: "quick-brown-fox", dependencies: ["KVTrace", "TinyTransformer"],
      path: "Examples/quick-brown-fox"),
    .executableTarget(
      name: "export-trace", dependencies: ["KVTrace", "TinyTransformer"],
      path: "Examples/export-trace"),
    .executableTarget(
      name: "custom-recorder", dependencies: ["KVTrace", "TinyTransformer"],
      path: "Examples/custom-recorder"),
    .executableTarget(
      name: "cache-policies", dependencies: ["KVTrace", "TinyTransformer"],
      path: "Examples/cache-policies"),

    // Golden files for the tests: output kept in Snapshots/ beside them, recorded on demand.
    .target(name: "GoldenFiles", path: "Tests/GoldenFiles"),
    .testTarget(
      name: "KVTraceTests", dependencies: ["KVTrace", "TinyTransformer", "GoldenFiles"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "TinyTransformerTests", dependencies: ["TinyTransformer", "KVTrace", "GoldenFiles"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KVTraceRenderTests",
      dependencies: ["KVTraceRender", "KVTrace", "TinyTransformer", "GoldenFiles"],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "TrainingTests",
      dependencies: ["Training", "TinyTransformer", "KVTrace", "GoldenFiles"],
      exclude: ["Fixtures"]),
    .testTarget(name: "kvtraceTests", dependencies: ["kvtrace", "GoldenFiles"]),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "kvtrace", "summarize", "quick-brown-fox", "export-trace", "custom-recorder",
        "cache-policies", "GoldenFiles",
      ],
      exclude: ["Snapshots"]),
    // The golden-file check itself; the house rules (file and function length, imports).
    .testTarget(name: "GoldenFilesTests", dependencies: ["GoldenFiles"]),
    .testTarget(name: "HouseRulesTests", dependencies: ["GoldenFiles"]),
  ],
  swiftLanguageModes: [.v6]
)
