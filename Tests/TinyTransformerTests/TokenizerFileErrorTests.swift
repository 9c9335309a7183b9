// Every way a tokenizer.bin can be wrong gives its own typed error, one line with a fix,
// and never a crash.

import Foundation
import Testing
import TinyTransformer

/// A tokenizer file that must be rejected for a vocabulary size, and the error it must give.
struct BadTokenizer: Sendable, CustomTestStringConvertible {
  var testDescription: String
  var data: Data
  var vocabularySize: Int = 280
  var error: TokenizerError
}

private let good = tokenizerData(vocab: 280)

/// `good` with the 4 bytes at `offset` replaced by `value`.
private func patched(_ offset: Int, _ value: Int32) -> Data {
  var writer = LittleEndianWriter()
  writer.int32(value)
  var data = good
  data.replaceSubrange(offset..<(offset + 4), with: writer.data)
  return data
}

/// The byte offset of token `token`'s entry in a file made by `tokenizerData`.
private func entryOffset(_ token: Int, in data: Data) -> Int {
  var offset = 4
  for _ in 0..<token {
    let length = data[(offset + 4)..<(offset + 8)].enumerated().reduce(0) {
      $0 | Int($1.element) << (8 * $1.offset)
    }
    offset += 8 + length
  }
  return offset
}

private let badTokenizers: [BadTokenizer] = [
  BadTokenizer(testDescription: "empty", data: Data(), error: .truncatedHeader(byteCount: 0)),
  BadTokenizer(
    testDescription: "3 bytes", data: good.prefix(3), error: .truncatedHeader(byteCount: 3)),
  BadTokenizer(
    testDescription: "zero max length", data: patched(0, 0), error: .invalidMaxTokenLength(0)),
  BadTokenizer(
    testDescription: "negative max length", data: patched(0, -7),
    error: .invalidMaxTokenLength(-7)),
  BadTokenizer(
    testDescription: "absurd max length", data: patched(0, 1 << 30),
    error: .invalidMaxTokenLength(1 << 30)),
  BadTokenizer(
    testDescription: "cut inside the last piece", data: good.dropLast(2),
    error: .truncated(token: 279, vocabularySize: 280)),
  BadTokenizer(
    testDescription: "cut inside a score", data: good.prefix(entryOffset(10, in: good) + 2),
    error: .truncated(token: 10, vocabularySize: 280)),
  BadTokenizer(
    testDescription: "negative piece length", data: patched(entryOffset(5, in: good) + 4, -1),
    error: .invalidPieceLength(token: 5, length: -1, maxTokenLength: 6)),
  BadTokenizer(
    testDescription: "piece longer than the maximum",
    data: patched(entryOffset(5, in: good) + 4, 7),
    error: .invalidPieceLength(token: 5, length: 7, maxTokenLength: 6)),
  BadTokenizer(
    testDescription: "fewer tokens than the checkpoint", data: tokenizerData(vocab: 270),
    error: .vocabularyMismatch(tokenizer: 270, checkpoint: 280)),
  BadTokenizer(
    testDescription: "more tokens than the checkpoint", data: tokenizerData(vocab: 32_000),
    error: .vocabularyMismatch(tokenizer: 32_000, checkpoint: 280)),
  BadTokenizer(
    testDescription: "trailing garbage", data: good + Data([1, 2, 3]),
    error: .trailingBytes(count: 3, vocabularySize: 280)),
  BadTokenizer(
    testDescription: "too small for the byte tokens", data: good.prefix(entryOffset(200, in: good)),
    vocabularySize: 200, error: .tooFewTokens(200)),
  BadTokenizer(
    testDescription: "a byte token replaced",
    data: tokenizerData(vocab: 280).replacing(Data("<0x41>".utf8), with: Data("AAAAAA".utf8)),
    error: .missingByteToken(id: 3 + 0x41, found: "AAAAAA")),
]

@Test(.tags(.unit), arguments: badTokenizers)
func aBadTokenizerGivesItsTypedError(_ bad: BadTokenizer) {
  #expect(throws: bad.error) {
    try Tokenizer(llama2cTokenizer: bad.data, vocabularySize: bad.vocabularySize)
  }
  let line = bad.error.description
  #expect(!line.contains("\n"))
  #expect(line.contains("tokenizer"))
  #expect(line.contains("; "), "a problem, then a fix")
}

@Test(.tags(.unit)) func theByteTokenErrorNamesTheExpectedToken() {
  let error = TokenizerError.missingByteToken(id: 3 + 0x41, found: "AAAAAA")
  #expect(error.description.contains("should be the byte token <0x41> but is 'AAAAAA'"))
}

/// Every prefix of a tokenizer file is rejected with a `TokenizerError`; only the whole
/// file loads.
@Test(.tags(.unit)) func everyTruncationOfATokenizerIsRejected() throws {
  let data = tokenizerData(vocab: 260, pieces: [("ab", 1)])
  for length in 0..<data.count {
    #expect(throws: TokenizerError.self) {
      try Tokenizer(llama2cTokenizer: data.prefix(length), vocabularySize: 260)
    }
  }
  #expect(try Tokenizer(llama2cTokenizer: data, vocabularySize: 260).vocabularySize == 260)
}

/// A vocabulary size the file cannot hold never reserves memory for it.
@Test(.tags(.unit)) func anAbsurdVocabularySizeIsAMismatchNotAnAllocation() {
  #expect(throws: TokenizerError.vocabularyMismatch(tokenizer: 280, checkpoint: 1_000_000)) {
    try Tokenizer(llama2cTokenizer: good, vocabularySize: 1_000_000)
  }
}
