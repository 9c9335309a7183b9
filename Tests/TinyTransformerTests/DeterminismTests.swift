import KVTrace
import Testing

@testable import TinyTransformer

private let vocabulary = Tokenizer.demo.vocabularySize
private let pangram = "The quick brown fox jumps over the lazy dog."

private func config(
  layers: Int = 2, heads: Int = 4, kvHeads: Int = 4, dim: Int = 32, mlpDim: Int = 64,
  context: Int = 64, vocabularySize: Int = vocabulary
) -> ModelConfig {
  ModelConfig(
    layers: layers, heads: heads, kvHeads: kvHeads, dim: dim, mlpDim: mlpDim,
    contextLength: context, vocabularySize: vocabularySize)
}

/// A few weights from every tensor, as bit patterns.
private func sample(_ weights: Weights) -> [UInt32] {
  weights.withTensors { w in
    let tensors = [w.tokenEmbedding, w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3, w.classifier]
    return tensors.flatMap { tensor in [0, 1, 7, 31].map { tensor[$0].bitPattern } }
  }
}

private func trace(
  _ model: TinyTransformer, _ prompt: String, steps: Int, policy: some CachePolicy = FullCache()
) throws -> (Generation, Trace) {
  var log = TraceLog(detail: .full)
  let generation = try model.generate(prompt: prompt, steps: steps, policy: policy, recorder: &log)
  return (generation, try #require(log.trace))
}

@Test(.tags(.unit)) func sameSeedGivesTheSameWeights() throws {
  let a = try TinyTransformer(config: config(kvHeads: 2), seed: 42)
  let b = try TinyTransformer(config: config(kvHeads: 2), seed: 42)
  let c = try TinyTransformer(config: config(kvHeads: 2), seed: 43)
  #expect(a.parameterCount == b.parameterCount)
  #expect(sample(a.weights.flat) == sample(b.weights.flat))
  #expect(sample(a.weights.flat) != sample(c.weights.flat))
  func all(_ model: TinyTransformer) -> [Float] {  // the whole buffer
    model.weights.flat.withTensors { w in (0..<model.parameterCount).map { w.tokenEmbedding[$0] } }
  }
  #expect(all(a) == all(b))
  // Norm weights start at one; matrices stay within their ±scale.
  a.weights.flat.withTensors { w in
    #expect((0..<(2 * 32)).allSatisfy { w.attentionNorm[$0] == 1 })
    #expect((0..<32).allSatisfy { w.finalNorm[$0] == 1 })
    let wqScale = 2.5 / Float(32).squareRoot()
    #expect((0..<(2 * 32 * 32)).allSatisfy { abs(w.wq[$0]) <= wqScale })
  }
}

@Test(.tags(.unit)) func parameterCountFollowsTheShape() throws {
  let c = config(layers: 3, heads: 4, kvHeads: 2, dim: 16, mlpDim: 24)
  let model = try TinyTransformer(config: c, seed: 0)
  let perLayer = 2 * c.dim + 2 * c.dim * c.dim + 2 * c.kvDim * c.dim + 3 * c.dim * c.mlpDim
  #expect(model.parameterCount == 2 * vocabulary * c.dim + c.layers * perLayer + c.dim)
  #expect(TinyTransformer.demo().config == .demo(vocabularySize: vocabulary))
}

@Test(.tags(.unit)) func piecesThatDoNotBeginAWordGetATenthOfTheClassifierScale() throws {
  let model = try TinyTransformer(config: config(), seed: 9)
  let scale = 2 / Float(32).squareRoot()
  let dim = 32
  let tokenizer = Tokenizer.demo
  var rare: [Float] = []
  var words: [Float] = []
  for token in 0..<vocabulary {
    let row = model.weights.flat.withTensors { w in
      (0..<dim).map { abs(w.classifier[token * dim + $0]) }
    }
    let piece = tokenizer.piece(of: token)
    if piece.count > 1 && piece.hasPrefix(" ") { words += row } else { rare += row }
  }
  #expect(rare.count >= (Tokenizer.firstWordToken + 1) * dim)  // specials, bytes, " " at least
  #expect(rare.allSatisfy { $0 <= scale / 10 + 1e-7 })
  #expect(words.contains { $0 > scale / 10 })
}

@Test(.tags(.unit)) func sameSeedGivesTheSameTokensAndTrace() throws {
  let a = TinyTransformer.demo(seed: 7)
  let b = TinyTransformer.demo(seed: 7)
  let (generationA, traceA) = try trace(a, pangram, steps: 12)
  let (generationB, traceB) = try trace(b, pangram, steps: 12)
  #expect(generationA == generationB)
  #expect(traceA == traceB)
  #expect(traceA.header.seed == 7)
  #expect(traceA.header.weights == "random, seed 7")
  // Decoding twice with one model changes nothing either.
  #expect(try trace(a, pangram, steps: 12).1 == traceA)
  // The trace's tokens are the generation's.
  #expect(traceA.generatedTokens.map(\.id) == generationA.tokens)
  #expect(traceA.header.promptTokens.map(\.id) == generationA.promptTokens)
}

@Test(.tags(.unit)) func differentSeedsGiveDifferentTokens() throws {
  var outputs = Set<[Int]>()
  for seed: UInt64 in [0, 1, 2, 3] {
    let (generation, _) = try trace(.demo(seed: seed), pangram, steps: 10)
    outputs.insert(generation.tokens)
  }
  #expect(outputs.count == 4)
}

@Test(.tags(.unit)) func noCacheAndFullCacheTracesDifferOnlyInWork() throws {
  let model = TinyTransformer.demo(seed: 11)
  let (full, fullTrace) = try trace(model, "Once upon a time", steps: 6)
  let (none, noneTrace) = try trace(model, "Once upon a time", steps: 6, policy: NoCache())
  #expect(full.tokens == none.tokens)
  #expect(fullTrace != noneTrace)
  #expect(fullTrace.tokens == noneTrace.tokens)
  #expect(fullTrace.header.policy.name == "full" && noneTrace.header.policy.name == "none")
}

@Test(.tags(.unit)) func generationDoesNotDependOnTheRecorder() throws {
  let model = TinyTransformer.demo(seed: 5)
  var none = NoRecorder()
  let silent = try model.generate(prompt: pangram, steps: 8, collectLogits: true, recorder: &none)
  let (recorded, _) = try trace(model, pangram, steps: 8)
  #expect(silent.tokens == recorded.tokens)
  var summary = TraceLog(detail: .summary)
  let summarized = try model.generate(prompt: pangram, steps: 8, recorder: &summary)
  #expect(summarized.tokens == recorded.tokens)
  #expect(silent.logits.count == 9)
  #expect(recorded.logits.isEmpty)  // not asked for
}

// MARK: - Validation

@Test(.tags(.unit)) func kvHeadsMustDivideHeads() throws {
  let error = try #require(throws: ModelConfigError.self) {
    try TinyTransformer(config: config(heads: 3, kvHeads: 2, dim: 24), seed: 0)
  }
  #expect(error.description.contains("kv-heads (2) must divide heads (3)"))
  #expect(error.description.contains("--kv-heads 1"))
  #expect(throws: ModelConfigError.self) {
    try TinyTransformer(config: config(heads: 2, kvHeads: 4, dim: 16), seed: 0)
  }
  #expect(throws: Never.self) {
    try TinyTransformer(config: config(heads: 8, kvHeads: 2, dim: 32), seed: 0)
  }
}

@Test(.tags(.unit)) func dimMustBeAMultipleOfHeads() throws {
  let error = try #require(throws: ModelConfigError.self) {
    try ModelConfig(
      layers: 1, heads: 4, kvHeads: 4, dim: 10, mlpDim: 4, contextLength: 8,
      vocabularySize: vocabulary
    ).validate()
  }
  #expect(error.description.contains("dim (10) must be a multiple of heads (4)"))
  #expect(error.description.contains("--dim 32"))
}

@Test(.tags(.unit)) func headSizeMustBeEven() throws {
  let error = try #require(throws: ModelConfigError.self) {
    try TinyTransformer(config: config(heads: 4, kvHeads: 4, dim: 12), seed: 0)
  }
  #expect(error.description.contains("head size dim / heads = 3 must be even"))
}

@Test(
  .tags(.unit),
  arguments: [
    (config(layers: 0), "layers"), (config(heads: 0), "heads"), (config(kvHeads: 0), "kv-heads"),
    (config(dim: 1), "dim"), (config(mlpDim: 0), "mlp dim"), (config(context: 0), "context length"),
  ])
func outOfRangeValuesAreNamed(_ bad: ModelConfig, name: String) throws {
  let error = try #require(throws: ModelConfigError.self) { try bad.validate() }
  #expect(error.description.hasPrefix("\(name) must be in"))
}

@Test(.tags(.unit)) func vocabularyMustMatchTheTokenizer() throws {
  let error = try #require(throws: ModelConfigError.self) {
    try TinyTransformer(config: config(vocabularySize: vocabulary + 1), seed: 0)
  }
  #expect(error.description.contains("\(vocabulary + 1)"))
  #expect(error.description.contains("tokenizer"))
}

@Test(.tags(.unit)) func emptyPromptIsADecodeError() throws {
  let model = TinyTransformer.demo()
  var recorder = NoRecorder()
  let error = try #require(throws: DecodeError.self) {
    try model.generate(prompt: "", steps: 3, recorder: &recorder)
  }
  #expect(error == .emptyPrompt)
  #expect(error.description.contains("--prompt"))
}

@Test(.tags(.unit)) func promptPlusStepsMustFitTheContext() throws {
  let model = try TinyTransformer(config: config(context: 16), seed: 0)
  var log = TraceLog()
  let tokens = model.tokenizer.encode(pangram)  // 10 tokens
  let error = try #require(throws: DecodeError.self) {
    try model.generate(promptTokens: tokens, steps: 7, recorder: &log)
  }
  #expect(error == .exceedsContext(promptTokens: 10, steps: 7, contextLength: 16))
  #expect(error.description.contains("needs 17 positions but the context holds 16"))
  #expect(error.description.contains("--steps 6"))
  #expect(log.trace == nil)  // nothing was recorded
  // The largest run that fits is accepted.
  #expect(throws: Never.self) { try model.generate(promptTokens: tokens, steps: 6, recorder: &log) }
  #expect(throws: DecodeError.self) {
    try model.generate(promptTokens: tokens, steps: -1, recorder: &log)
  }
}

@Test(.tags(.unit)) func tokensOutsideTheVocabularyAreRejected() throws {
  let model = TinyTransformer.demo()
  var recorder = NoRecorder()
  let error = try #require(throws: DecodeError.self) {
    try model.generate(promptTokens: [5, vocabulary], steps: 1, recorder: &recorder)
  }
  #expect(error == .tokenOutOfRange(token: vocabulary, vocabularySize: vocabulary))
  #expect(throws: DecodeError.tokenOutOfRange(token: -1, vocabularySize: vocabulary)) {
    try model.generate(promptTokens: [-1], steps: 1, recorder: &recorder)
  }
}
