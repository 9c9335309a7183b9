// Every way a checkpoint can be wrong gives its own typed error, one line with a fix, and
// never a crash or a large allocation.

import Foundation
import Testing
import TinyTransformer

/// A file that must be rejected, and the error it must give.
struct BadCheckpoint: Sendable, CustomTestStringConvertible {
  var testDescription: String
  var data: Data
  var error: CheckpointError
}

/// A header with the seven fields and nothing after it.
private func header(_ fields: [Int32]) -> Data {
  var writer = LittleEndianWriter()
  fields.forEach { writer.int32($0) }
  return writer.data
}

private let good = fixtureShapes[1]
private let goodData = checkpointData(good)

/// Header fields that a small shape would take, with one field replaced.
private func fields(_ index: Int, _ value: Int32) -> Data {
  var fields: [Int32] = [16, 32, 2, 4, 2, 300, 8]
  fields[index] = value
  return header(fields)
}

private let badCheckpoints: [BadCheckpoint] = [
  BadCheckpoint(testDescription: "empty", data: Data(), error: .truncatedHeader(byteCount: 0)),
  BadCheckpoint(
    testDescription: "27 bytes", data: goodData.prefix(27), error: .truncatedHeader(byteCount: 27)),
  BadCheckpoint(
    testDescription: "versioned export", data: header([0x616B_3432, 1, 0, 0, 0, 0, 0]),
    error: .versionedExport(version: 1)),
  BadCheckpoint(
    testDescription: "zero dim", data: fields(0, 0), error: .nonPositive(field: "dim", value: 0)),
  BadCheckpoint(
    testDescription: "negative layers", data: fields(2, -2),
    error: .nonPositive(field: "n_layers", value: -2)),
  BadCheckpoint(
    testDescription: "zero vocabulary", data: fields(5, 0),
    error: .nonPositive(field: "vocab_size", value: 0)),
  BadCheckpoint(
    testDescription: "zero context", data: fields(6, 0),
    error: .nonPositive(field: "seq_len", value: 0)),
  BadCheckpoint(
    testDescription: "absurd dim", data: fields(0, 70_000),
    error: .tooLarge(field: "dim", value: 70_000, limit: 65_536)),
  BadCheckpoint(
    testDescription: "absurd layers", data: fields(2, 5_000),
    error: .tooLarge(field: "n_layers", value: 5_000, limit: 1_024)),
  BadCheckpoint(
    testDescription: "absurd separate vocabulary", data: fields(5, -2_000_000),
    error: .tooLarge(field: "vocab_size", value: 2_000_000, limit: 1_000_000)),
  BadCheckpoint(
    testDescription: "Int32.min vocabulary", data: fields(5, .min),
    error: .tooLarge(field: "vocab_size", value: 2_147_483_648, limit: 1_000_000)),
  BadCheckpoint(
    testDescription: "absurd context", data: fields(6, .max),
    error: .tooLarge(field: "seq_len", value: Int(Int32.max), limit: 1_048_576)),
  BadCheckpoint(
    testDescription: "heads do not divide dim", data: header([10, 32, 2, 4, 2, 300, 8]),
    error: .headsDoNotDivideDim(dim: 10, heads: 4)),
  BadCheckpoint(
    testDescription: "more heads than dim", data: header([16, 32, 2, 32, 2, 300, 8]),
    error: .headsDoNotDivideDim(dim: 16, heads: 32)),
  BadCheckpoint(
    testDescription: "KV heads do not divide heads", data: header([16, 32, 2, 4, 3, 300, 8]),
    error: .kvHeadsDoNotDivideHeads(heads: 4, kvHeads: 3)),
  BadCheckpoint(
    testDescription: "more KV heads than heads", data: header([16, 32, 2, 2, 4, 300, 8]),
    error: .kvHeadsDoNotDivideHeads(heads: 2, kvHeads: 4)),
  BadCheckpoint(
    testDescription: "odd head size", data: header([12, 32, 2, 4, 4, 300, 8]),
    error: .oddHeadSize(3)),
]

/// The size the good fixture's header promises.
private let goodSize = 28 + 4 * good.tensorSizes.reduce(0, +)

private let sizeMismatches: [BadCheckpoint] = [
  BadCheckpoint(
    testDescription: "one byte short", data: goodData.dropLast(),
    error: .sizeMismatch(expected: goodSize, actual: goodSize - 1, shape: goodShape)),
  BadCheckpoint(
    testDescription: "four bytes too many", data: goodData + Data(count: 4),
    error: .sizeMismatch(expected: goodSize, actual: goodSize + 4, shape: goodShape)),
  BadCheckpoint(
    testDescription: "the header alone", data: goodData.prefix(28),
    error: .sizeMismatch(expected: goodSize, actual: 28, shape: goodShape)),
]

private let goodShape =
  "dim 24, hidden_dim 32, n_layers 3, n_heads 6, n_kv_heads 2, vocab_size -280, seq_len 20"

@Test(.tags(.unit), arguments: badCheckpoints + sizeMismatches)
func aBadCheckpointGivesItsTypedError(_ bad: BadCheckpoint) {
  #expect(throws: bad.error) { try Checkpoint(bad.data) }
  let line = bad.error.description
  #expect(!line.contains("\n"))
  #expect(line.hasPrefix("the checkpoint"), "names the file it is about")
  #expect(line.contains(";") || line.contains(":"), "a problem, then a fix")
}

@Test(.tags(.unit)) func theSizeMismatchNamesBothSizesAndTheCause() {
  let short = CheckpointError.sizeMismatch(expected: 100, actual: 60, shape: "dim 2")
  #expect(short.description.contains("needs 100 bytes but the file has 60"))
  #expect(short.description.contains("truncated; download it again"))
  let long = CheckpointError.sizeMismatch(expected: 100, actual: 104, shape: "dim 2")
  #expect(long.description.contains("4 bytes too many"))
}

/// A checkpoint written with a separate classifier but a positive (shared) vocab_size in
/// its header is too long by exactly the classifier.
@Test(.tags(.unit)) func aClassifierFlagThatLiesIsASizeMismatch() {
  var data = goodData
  data.replaceSubrange(20..<24, with: header([280]))
  let classifierBytes = 4 * good.vocab * good.dim
  #expect(throws: CheckpointError.self) { try Checkpoint(data) }
  do {
    _ = try Checkpoint(data)
  } catch {
    guard case .sizeMismatch(let expected, let actual, _) = error else {
      Issue.record("expected a size mismatch, got \(error)")
      return
    }
    #expect(actual - expected == classifierBytes)
  }
}

/// Every prefix of a checkpoint, and every header byte set to a few extremes, is either
/// rejected with a `CheckpointError` or loads and decodes: never a trap.
@Test(.tags(.unit)) func damagedCheckpointsNeverCrash() throws {
  let shape = fixtureShapes[3]
  let data = checkpointData(shape)
  for length in 0..<data.count {
    #expect(throws: CheckpointError.self) { try Checkpoint(data.prefix(length)) }
  }
  for index in 0..<28 {
    for byte: UInt8 in [0x00, 0x01, 0x7F, 0x80, 0xFF] {
      var damaged = data
      damaged[index] = byte
      guard let checkpoint = try? Checkpoint(damaged) else { continue }
      let vocabulary = checkpoint.config.vocabularySize
      let tokenizer = try Tokenizer(
        llama2cTokenizer: tokenizerData(vocab: vocabulary), vocabularySize: vocabulary)
      let model = try TinyTransformer(checkpoint: checkpoint, tokenizer: tokenizer, name: "x")
      #expect(try model.generate(prompt: "a", steps: 1).tokens.count == 2)
    }
  }
}

@Test(.tags(.unit)) func aTokenizerForAnotherModelIsRejected() throws {
  let checkpoint = try Checkpoint(goodData)
  let other = try Tokenizer(llama2cTokenizer: tokenizerData(vocab: 300), vocabularySize: 300)
  let error = CheckpointError.vocabularyMismatch(checkpoint: 280, tokenizer: 300)
  #expect(throws: error) {
    try TinyTransformer(checkpoint: checkpoint, tokenizer: other, name: "x.bin")
  }
  let demo = Tokenizer.demo.vocabularySize
  #expect(throws: CheckpointError.vocabularyMismatch(checkpoint: 280, tokenizer: demo)) {
    try TinyTransformer(checkpoint: checkpoint, tokenizer: .demo, name: "x.bin")
  }
  #expect(error.description.contains("use the tokenizer the checkpoint was trained with"))
}
