import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// A step of several positions (the prefill; every step without a cache) runs them
/// through each layer together, reading each weight row once for all of them; the
/// results must be those of running them one at a time, bit for bit: every logit, and
/// every byte of the trace at every detail (events, rows, FLOP counts, vectors).
@Suite(.tags(.oracle)) struct BatchPrefillTests {
  /// Decodes with the prefill batched or not: the logits and the trace's JSON bytes.
  static func decode(
    _ model: TinyTransformer, prompt: [Int], steps: Int, batched: Bool,
    policy: some CachePolicy = FullCache(), detail: TraceDetail = .full
  ) throws -> ([[UInt32]], [UInt8]) {
    var model = model
    model.prefillsInBatches = batched
    var log = TraceLog(detail: detail)
    let generation = try model.generate(
      promptTokens: prompt, steps: steps, policy: policy, collectLogits: true, recorder: &log)
    let trace = try #require(log.trace)
    return (generation.logits.map { $0.map(\.bitPattern) }, TraceEncoder.encode(trace, as: .json))
  }

  static func expectSame(
    _ model: TinyTransformer, prompt: [Int], steps: Int, policy: some CachePolicy = FullCache(),
    detail: TraceDetail = .full, _ label: String
  ) throws {
    let batched = try decode(
      model, prompt: prompt, steps: steps, batched: true, policy: policy, detail: detail)
    let single = try decode(
      model, prompt: prompt, steps: steps, batched: false, policy: policy, detail: detail)
    #expect(batched.0 == single.0, "\(label): logits differ")
    #expect(batched.1 == single.1, "\(label): trace bytes differ")
  }

  /// A small random model with grouped-query attention (four heads, two KV heads) on two
  /// threads.
  static func groupedQueryModel(contextLength: Int, seed: UInt64) throws -> TinyTransformer {
    let config = ModelConfig(
      layers: 2, heads: 4, kvHeads: 2, dim: 64, mlpDim: 96, contextLength: contextLength,
      vocabularySize: Tokenizer.demo.vocabularySize)
    var model = try TinyTransformer(config: config, seed: seed)
    model.threads = 2
    return model
  }

  @Test func theTrainedDefaultPrefillsTheSameBitsInOneBatch() throws {
    let model = try TinyTransformer.trainedDefault()
    let prompt = model.tokenizer.encode("The quick brown fox jumps over the lazy dog. The quick")
    #expect(prompt.count > 8)
    for detail in [TraceDetail.summary, .full, .vectors] {
      try Self.expectSame(model, prompt: prompt, steps: 4, detail: detail, "\(detail)")
    }
  }

  /// Every exact policy batches (a paged cache's rows sit in blocks; no cache batches every
  /// step); a window evicts between positions and runs them one at a time, unchanged.
  @Test func everyPolicyGivesTheSameBits() throws {
    let model = try Self.groupedQueryModel(contextLength: 40, seed: 3)
    let prompt = model.tokenizer.encode("a cat sat on the mat and the dog sat on the cat")
    try Self.expectSame(model, prompt: prompt, steps: 3, policy: FullCache(), "full")
    try Self.expectSame(model, prompt: prompt, steps: 3, policy: NoCache(), "none")
    try Self.expectSame(model, prompt: prompt, steps: 3, policy: PagedCache(blockSize: 4), "paged")
    try Self.expectSame(
      model, prompt: prompt, steps: 3, policy: SlidingWindow(sinks: 1, window: 4), "window")
    #expect(model.runsInBatch(0..<5, policy: FullCache()))
    #expect(model.runsInBatch(0..<5, policy: NoCache()))
    #expect(!model.runsInBatch(0..<5, policy: SlidingWindow(window: 4)))
    #expect(!model.runsInBatch(4..<5, policy: FullCache()))  // one position: nothing to share
  }

  /// A prompt long enough that its positions' attention is shared among two threads (each
  /// layer's rows are all in the cache before any position attends): the same logits and
  /// trace bytes as one position at a time, at every detail, with contiguous and paged rows.
  @Test func attentionSharedAmongThreadsGivesTheSameBits() throws {
    let model = try Self.groupedQueryModel(contextLength: 64, seed: 5)
    let config = model.config
    let prompt = (0..<48).map { ($0 * 37 + 11) % config.vocabularySize }
    // Enough rows for the threads: Σ rows × kvDim × 2 over the prompt's positions.
    #expect((1...prompt.count).reduce(0, +) * config.kvDim * 2 >= Parallel.minimumWork)
    for detail in [TraceDetail.summary, .full, .vectors] {
      try Self.expectSame(model, prompt: prompt, steps: 2, detail: detail, "full \(detail)")
    }
    try Self.expectSame(
      model, prompt: prompt, steps: 2, policy: PagedCache(blockSize: 8), "paged")
  }

  /// Heads the AVX-512 attention takes four positions at a time (32 and 96 floats, with and
  /// without grouped-query heads): positions in fours and the rest one by one, on one
  /// thread and on two (the bands' edges split the fours), contiguous and paged rows, at
  /// every detail: the same logits and trace bytes as one position at a time.
  @Test(arguments: [32, 96])
  func fourPositionsAtOnceGiveTheSameBits(headSize: Int) throws {
    let (heads, kvHeads) = headSize == 32 ? (4, 2) : (2, 2)
    let config = ModelConfig(
      layers: 2, heads: heads, kvHeads: kvHeads, dim: heads * headSize, mlpDim: 96,
      contextLength: 64, vocabularySize: Tokenizer.demo.vocabularySize)
    var model = try TinyTransformer(config: config, seed: 7)
    let prompt = (0..<51).map { ($0 * 37 + 11) % config.vocabularySize }
    #expect((1...prompt.count).reduce(0, +) * config.kvDim * 2 >= Parallel.minimumWork)
    for threads in [1, 2] {
      model.threads = threads
      for detail in [TraceDetail.summary, .full, .vectors] {
        try Self.expectSame(model, prompt: prompt, steps: 2, detail: detail, "\(threads) \(detail)")
      }
      try Self.expectSame(
        model, prompt: Array(prompt.prefix(23)), steps: 2, policy: PagedCache(blockSize: 8),
        "\(threads) paged")
    }
  }

  /// llama2.c's stories15M shape (random weights), two threads: the products' bands split
  /// the rows of a batch as they split one position's.
  @Test func aModelOfTheStories15MShapeGivesTheSameBits() throws {
    let model = try stories15MShapeModel(contextLength: 24)
    let prompt = (0..<21).map { 1 + ($0 * 7_919) % 31_999 }
    try Self.expectSame(model, prompt: prompt, steps: 2, "15M")
  }

  /// Quantized GGUF blocks take the stored-matrix path (each element a row's `dot`).
  @Test func aQuantizedGGUFModelGivesTheSameBits() throws {
    let model = try LlamaModelFileTests.ggufModel("llama_quant.gguf")
    let prompt = model.tokenizer.encode("The quick brown fox jumps")
    #expect(prompt.count > 2)
    try Self.expectSame(model, prompt: prompt, steps: 3, "q")
  }
}
