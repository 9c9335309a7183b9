import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// Loads a fixture checkpoint with a tokenizer of the right size.
func fixtureModel(_ shape: FixtureShape, data: Data, name: String = "fixture.bin") throws
  -> TinyTransformer
{
  let checkpoint = try Checkpoint(data)
  let tokenizer = try Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: shape.vocab), vocabularySize: shape.vocab)
  return try TinyTransformer(checkpoint: checkpoint, tokenizer: tokenizer, name: name)
}

/// The largest |a - b| over two equally long lists of logits.
func maxDifference(_ a: [[Float]], _ b: [[Float]]) -> Float {
  #expect(a.count == b.count)
  var largest: Float = 0
  for (x, y) in zip(a, b) {
    #expect(x.count == y.count)
    for (u, v) in zip(x, y) { largest = max(largest, abs(u - v)) }
  }
  return largest
}

@Test(.tags(.unit), arguments: fixtureShapes)
func checkpointHeaderBecomesTheModelShape(_ shape: FixtureShape) throws {
  let checkpoint = try Checkpoint(checkpointData(shape))
  #expect(
    checkpoint.config
      == ModelConfig(
        layers: shape.layers, heads: shape.heads, kvHeads: shape.kvHeads, dim: shape.dim,
        mlpDim: shape.hidden, contextLength: shape.seq, vocabularySize: shape.vocab))
  #expect(checkpoint.sharesClassifier == shape.shared)
  let sizes = shape.tensorSizes
  let ropeTables = sizes[11] + sizes[12]
  #expect(checkpoint.parameterCount == sizes.reduce(0, +) - ropeTables)
}

/// The heart of the matter: for every position of a full context, the loaded model's logits
/// are the reference implementation's, within float rounding.
@Test(.tags(.oracle), arguments: fixtureShapes)
func loadedModelGivesTheReferenceLogits(_ shape: FixtureShape) throws {
  let data = checkpointData(shape, seed: 7)
  let model = try fixtureModel(shape, data: data)
  let prompt = [1, 100, 259, 3 + 0x41, shape.vocab - 1]
  let steps = shape.seq - prompt.count
  var recorder = NoRecorder()
  let generation = try model.generate(
    promptTokens: prompt, steps: steps, collectLogits: true, recorder: &recorder)
  let sequence = prompt + generation.tokens.dropLast()
  let reference = ReferenceLlama(data).logits(sequence)
  let compared = Array(reference[(prompt.count - 1)...])
  #expect(generation.logits.allSatisfy { $0.allSatisfy(\.isFinite) })
  #expect(maxDifference(generation.logits, compared) <= 1e-4)
  // The logits are not trivially small, so the tolerance means something.
  #expect(compared.joined().map(abs).max() ?? 0 > 0.5)
}

@Test(.tags(.oracle), arguments: fixtureShapes)
func cachedAndUncachedDecodingAgreeOnACheckpoint(_ shape: FixtureShape) throws {
  let model = try fixtureModel(shape, data: checkpointData(shape, seed: 3))
  let prompt = model.tokenizer.encode("a b")
  let report = try Oracle.check(
    model: model, promptTokens: prompt, promptText: "a b", steps: shape.seq - prompt.count)
  #expect(report.passed, "\(report.accountingProblems)")
  #expect(report.tokensMatch)
  #expect(report.maxLogitDifference <= OracleReport.tolerance)
}

@Test(.tags(.unit)) func theWeightsAreReadInPlaceNotCopied() throws {
  let shape = fixtureShapes[1]
  let data = checkpointData(shape)
  let model = try fixtureModel(shape, data: data)
  let fileFloats = data.withUnsafeBytes { Int(bitPattern: $0.baseAddress) + 28 }
  let embedding = model.weights.flat.withTensors { Int(bitPattern: $0.tokenEmbedding) }
  #expect(embedding == fileFloats)
}

@Test(.tags(.unit), arguments: [true, false])
func theClassifierIsTheEmbeddingOnlyWhenShared(_ shared: Bool) throws {
  var shape = fixtureShapes[0]
  shape.shared = shared
  let model = try fixtureModel(shape, data: checkpointData(shape))
  let (embedding, classifier) = model.weights.flat.withTensors {
    (Int(bitPattern: $0.tokenEmbedding), Int(bitPattern: $0.classifier))
  }
  #expect((embedding == classifier) == shared)
}

/// A `Data` slice whose floats are not 4-byte aligned is copied once, and gives the same
/// logits as the aligned bytes.
@Test(.tags(.unit)) func aMisalignedSliceLoadsLikeTheAlignedBytes() throws {
  let shape = fixtureShapes[2]
  let data = checkpointData(shape)
  let slice = (Data([0xAB]) + data).dropFirst()
  #expect(slice.startIndex == 1)
  let aligned = try fixtureModel(shape, data: data)
  let shifted = try fixtureModel(shape, data: slice)
  let a = try aligned.generate(prompt: "ab", steps: 4, collectLogits: true)
  let b = try shifted.generate(prompt: "ab", steps: 4, collectLogits: true)
  #expect(a == b)
}

@Test(.tags(.unit)) func aCheckpointTraceNamesTheFileAndItsTokens() throws {
  let shape = fixtureShapes[0]
  let model = try fixtureModel(shape, data: checkpointData(shape), name: "stories-test.bin")
  var log = TraceLog(detail: .summary)
  _ = try model.generate(prompt: "ab", steps: 2, recorder: &log)
  let header = try #require(log.trace?.header)
  #expect(header.weights == "checkpoint stories-test.bin")
  #expect(header.model == model.config)
  #expect(header.promptTokens.map(\.text) == ["<s>", " ", "a", "b"])
}

/// A context of 100 000 positions decodes a short run; the cache holds the run's rows.
@Test(.tags(.unit)) func aLongContextCheckpointDecodesAShortRun() throws {
  let shape = FixtureShape(
    dim: 8, hidden: 8, layers: 1, heads: 2, kvHeads: 1, vocab: 259, seq: 100_000, shared: true)
  let model = try fixtureModel(shape, data: checkpointData(shape))
  var log = TraceLog(detail: .summary)
  let generation = try model.generate(prompt: "a", steps: 3, recorder: &log)
  #expect(generation.promptTokens.count == 3)  // <s>, " ", "a"
  let counters = try #require(log.trace?.steps.last?.counters)
  // 3 prompt positions and 3 fed-back tokens, K and V, one layer, one KV head.
  #expect(counters.cacheBytes == 6 * 2 * shape.kvDim * 4)
}
