// Issue 15, findings 3 and 4 through the built binary, with a llama2.c model written here: a
// 15,420-piece vocabulary whose pieces really merge, and a one-layer checkpoint for it.

import Foundation
import Testing

/// A llama2.c model as bytes: a `tokenizer.bin` and a checkpoint with a shared classifier.
enum SyntheticLlama {
  static let vocabulary = 15_420
  static let context = 64
  static let letters = "etaoinshr ".map { String($0) }

  /// The letters, every pair of them, every triple, … up to the vocabulary's size: merging
  /// `"t"`, `"h"` gives `"th"`, then `"th"`, `"e"` gives `"the"`, and so on.
  static var textPieces: [String] {
    var pieces = letters
    var level = letters
    while 259 + pieces.count < vocabulary {
      level = level.flatMap { piece in letters.map { piece + $0 } }
      pieces += level
    }
    return Array(pieces.prefix(vocabulary - 259))
  }

  /// `<unk>`, `<s>`, `</s>`, the byte tokens, then the text pieces, shorter ones scoring higher.
  static func tokenizer() -> Data {
    let bytes = (0...255).map { String(format: "<0x%02X>", $0) }
    let names = ["<unk>", "\n<s>\n", "\n</s>\n"] + bytes + textPieces
    var data = Data()
    append(Int32(names.map(\.utf8.count).max() ?? 1), to: &data)
    for (id, name) in names.enumerated() {
      append(Float(id < 259 ? 0 : -id).bitPattern, to: &data)
      append(Int32(name.utf8.count), to: &data)
      data.append(contentsOf: Array(name.utf8))
    }
    return data
  }

  /// One layer, dim 16, 2 heads, hidden 32; small pseudo-random weights and unit norms.
  /// `overflowing` scales the embedding (also the classifier) by 1e15 and sets the final
  /// norm to 1e30: each weight finite, each logit term about 1e45, past a Float's range.
  static func checkpoint(overflowing: Bool = false) -> Data {
    let (dim, hidden, headSize) = (16, 32, 8)
    var data = Data()
    for field in [dim, hidden, 1, 2, 2, vocabulary, context] { append(Int32(field), to: &data) }
    var state: UInt32 = 12_345
    func weights(_ count: Int, scale: Float = 1) {
      for _ in 0..<count {
        state = state &* 1_664_525 &+ 1_013_904_223
        append((Float(state >> 8) / Float(1 << 24) - 0.5) * scale, to: &data)
      }
    }
    func norm(_ value: Float) { for _ in 0..<dim { append(value, to: &data) } }
    weights(vocabulary * dim, scale: overflowing ? 1e15 : 1)  // token embedding
    norm(1)
    weights(4 * dim * dim)  // wq, wk, wv, wo
    norm(1)
    weights(3 * dim * hidden)  // w1, w2, w3
    norm(overflowing ? 1e30 : 1)  // the final norm
    weights(context * headSize)  // the two RoPE tables, unused
    return data
  }

  static func append(_ value: Int32, to data: inout Data) {
    append(UInt32(bitPattern: value), to: &data)
  }

  static func append(_ value: Float, to data: inout Data) { append(value.bitPattern, to: &data) }

  static func append(_ value: UInt32, to data: inout Data) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
  }
}

@Suite(.tags(.endToEnd)) struct HostileModelEndToEndTests {
  /// The model's files in `directory`, as command-line options.
  static func model(_ directory: ScratchDirectory, overflowing: Bool = false) throws -> [String] {
    try SyntheticLlama.checkpoint(overflowing: overflowing)
      .write(to: URL(fileURLWithPath: directory.path("model.bin")))
    try SyntheticLlama.tokenizer().write(to: URL(fileURLWithPath: directory.path("tokenizer.bin")))
    return [
      "--checkpoint", directory.path("model.bin"), "--tokenizer", directory.path("tokenizer.bin"),
    ]
  }

  @Test func aHundredThousandCharacterPromptIsRefusedBeforeTokenizing() throws {
    let directory = try ScratchDirectory()
    let model = try Self.model(directory)
    let short = try runKVTrace(
      ["run"] + model + ["--prompt", "the hat on the sea", "--steps", "2"])
    #expect(short.status == 0, "\(short.error)")
    // The vocabulary works and merges: shorter pieces score higher, so pairs form first.
    #expect(
      short.output.contains("tokens   8: <s> | th | e␣ha | t␣ | on␣ | th | e␣s | ea"),
      "\(short.output)")

    let long = String(
      String(repeating: "the hat on the sea is a rose ", count: 3_449).prefix(100_000))
    let result = try runKVTrace(["run"] + model + ["--prompt", long])
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(isOneErrorLine(result.error), "\(result.error)")
    // `<s>`, then the dummy space and 100,000 bytes in pieces of at most 6 stored bytes.
    #expect(
      result.error.hasPrefix(
        "kvtrace: the prompt is too long: it makes at least \(1 + (100_001 + 5) / 6) tokens but "
          + "the context holds 64 positions"), "\(result.error)")
  }

  @Test func logitsThatOverflowExit65AndExportNothing() throws {
    let directory = try ScratchDirectory()
    let model = try Self.model(directory, overflowing: true)
    let export = directory.path("out.json")
    let result = try runKVTrace(["run"] + model + ["--prompt", "the hat", "--export", export])
    #expect(result.status == 65)
    #expect(result.stdout.isEmpty)
    #expect(isOneErrorLine(result.error), "\(result.error)")
    #expect(
      result.error.hasPrefix(
        "kvtrace: step 0 (position 4) computed a logit that is not a finite number"),
      "\(result.error)")
    #expect(result.error.contains("the checkpoint is probably damaged"))
    #expect(!FileManager.default.fileExists(atPath: export))
  }
}
