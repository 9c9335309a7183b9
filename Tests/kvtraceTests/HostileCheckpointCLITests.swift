// Issue 15, findings 3 and 4 on the command line. A prompt that cannot fit is refused from its
// length, before a checkpoint's tokenizer merges it, on every path that tokenizes a prompt.
// A checkpoint whose weights are finite but overflow to infinite logits stops with one line
// and exit 65 naming the step, and exports nothing (no trace with `null` probabilities).

import Foundation
import Testing

@testable import kvtrace

@Suite(.tags(.unit)) struct HostileCheckpointCLITests {
  /// A vocabulary the size of a small trained one; its longest piece is `" w15419"`, 7 bytes.
  static let bigVocabulary = 15_420
  /// 100,000 characters (and bytes).
  static let longPrompt = String(
    String(repeating: "Once upon a time. ", count: 5_556).prefix(100_000))
  /// `<s>`, then the dummy space and the prompt's 100,000 bytes in pieces of at most 7 bytes.
  static let leastTokens = 1 + (100_001 + 6) / 7

  /// The tiny model with the 15,420-piece vocabulary, as `big.bin` and `big-tokenizer.bin`.
  static func bigModel(_ files: TinyLlamaFiles) throws -> [String] {
    try files.write(TinyLlamaFiles.checkpointBytes(vocabulary: bigVocabulary), to: "big.bin")
    try files.write(
      TinyLlamaFiles.tokenizerBytes(vocabulary: bigVocabulary), to: "big-tokenizer.bin")
    return ["--checkpoint", files.path("big.bin"), "--tokenizer", files.path("big-tokenizer.bin")]
  }

  /// Every command path that tokenizes a prompt: after the command come the model's options
  /// and `--prompt` with the long prompt, then these (`EXPORT` is a file in the directory).
  static let paths: [[String]] = [
    ["run"], ["step"], ["compare"], ["run", "--export", "EXPORT.json"],
    ["run", "--export", "EXPORT.jsonl"], ["compare", "--export", "EXPORT.json"],
    ["run", "--prompt", "hi"], ["compare", "--prompt", "hi"], ["run", "--detail", "summary"],
  ]

  @Test(arguments: paths)
  func aHundredThousandCharacterPromptIsRefusedByItsLength(_ path: [String]) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    let model = try Self.bigModel(files)
    let extra = path.dropFirst().map {
      $0.replacingOccurrences(of: "EXPORT", with: files.path("out"))
    }
    let result = runCLI([path[0]] + model + ["--prompt", Self.longPrompt] + extra)
    #expect(result.code == .usage)
    #expect(result.output.isEmpty)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    #expect(
      result.error.hasPrefix(
        "kvtrace: the prompt is too long: it makes at least \(Self.leastTokens) tokens but the "
          + "context holds 16 positions; use a prompt of at most 16 tokens"), "\(result.error)")
    let written = try FileManager.default.contentsOfDirectory(atPath: files.directory.path)
    #expect(Set(written) == ["tiny.bin", "tokenizer.bin", "big.bin", "big-tokenizer.bin"])
  }

  @Test(arguments: ["run", "compare"])
  func theEncoderDecoderRefusesALongSourceByItsLength(_ command: String) {
    let result = runCLI([command, "--arch", "encoder-decoder", "--prompt", Self.longPrompt])
    #expect(result.code == .usage)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    #expect(result.error.hasPrefix("kvtrace: the prompt is too long: it makes at least "))
  }

  @Test func aRandomModelSuggestsALargerContext() {
    let result = runCLI(["run", "--context", "64", "--prompt", Self.longPrompt])
    #expect(result.code == .usage)
    #expect(result.error.contains("or raise --context to at least "), "\(result.error)")
  }

  /// The tiny model with its embedding (also its classifier) scaled by 1e15 and its final
  /// norm set to 1e30: every weight finite, every logit term about 1e45, past a Float's range.
  static func overflowingCheckpoint() -> [UInt8] {
    var bytes = TinyLlamaFiles.checkpointBytes()
    func set(_ index: Int, _ value: (Float) -> Float) {
      let offset = 28 + 4 * index
      let old = bytes[offset..<(offset + 4)].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
      let new = TinyLlamaFiles.littleEndian(value(Float(bitPattern: old)).bitPattern)
      bytes.replaceSubrange(offset..<(offset + 4), with: new)
    }
    for index in 0..<(TinyLlamaFiles.vocabulary * 16) { set(index) { $0 * 1e15 } }
    let floats = (bytes.count - 28) / 4
    let finalNorm = floats - 2 * 16 * 4 - 16  // before the two RoPE tables
    for index in finalNorm..<(finalNorm + 16) { set(index) { _ in 1e30 } }
    return bytes
  }

  @Test(arguments: [
    ["run"], ["run", "--export", "EXPORT.json"], ["run", "--export", "EXPORT.jsonl"],
    ["run", "--temperature", "0.8"], ["compare"], ["compare", "--export", "EXPORT.json"],
  ])
  func logitsThatOverflowStopTheRunWithOneLineAndExit65(_ path: [String]) throws {
    let files = try TinyLlamaFiles()
    defer { files.remove() }
    try files.write(Self.overflowingCheckpoint(), to: "overflow.bin")
    let model = [
      "--checkpoint", files.path("overflow.bin"), "--tokenizer", files.path("tokenizer.bin"),
    ]
    let extra = path.dropFirst().map {
      $0.replacingOccurrences(of: "EXPORT", with: files.path("out"))
    }
    let result = runCLI([path[0]] + model + ["--prompt", "hi", "--steps", "3"] + extra)
    #expect(result.code == .dataError, "\(result.output)")
    #expect(result.output.isEmpty)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    // `<s>`, " ", "h", "i": the first token is chosen at position 4.
    #expect(
      result.error.hasPrefix(
        "kvtrace: step 0 (position 4) computed a logit that is not a finite number"),
      "\(result.error)")
    #expect(result.error.contains("the checkpoint is probably damaged"))
    let written = try FileManager.default.contentsOfDirectory(atPath: files.directory.path)
    #expect(Set(written) == ["tiny.bin", "tokenizer.bin", "overflow.bin"])
  }
}
