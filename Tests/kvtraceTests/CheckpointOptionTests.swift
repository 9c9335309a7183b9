// `--checkpoint FILE --tokenizer FILE`: a trained llama2.c model on the command line, and
// the exit code of every way its files can be missing or wrong.

import Foundation
import Testing
import TinyTransformer

@testable import kvtrace

/// A one-layer llama2.c model (dim 16, 2 heads, 1 KV head, hidden 24, context 16, 260
/// tokens, shared classifier) and its tokenizer, written into a fresh temporary directory.
struct TinyLlamaFiles {
  static let vocabulary = 260
  let directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    try write(Self.checkpointBytes(), to: "tiny.bin")
    try write(Self.tokenizerBytes(vocabulary: Self.vocabulary), to: "tokenizer.bin")
  }

  func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

  func write(_ bytes: [UInt8], to name: String) throws {
    try Data(bytes).write(to: directory.appendingPathComponent(name))
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }

  static func littleEndian(_ value: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
  }

  /// Header, then every float of the llama2.c layout: embedding, norms and matrices of one
  /// layer, final norm, two RoPE tables of 16 × 4 floats.
  static func checkpointBytes(vocabulary: Int = vocabulary) -> [UInt8] {
    let (dim, hidden, kvDim, seq) = (16, 24, 8, 16)
    let header: [Int32] = [Int32(dim), Int32(hidden), 1, 2, 1, Int32(vocabulary), Int32(seq)]
    let floats =
      vocabulary * dim + dim + dim * dim + 2 * dim * kvDim + dim * dim + dim + 3 * dim * hidden
      + dim + 2 * seq * 4
    var bytes = header.flatMap { littleEndian(UInt32(bitPattern: $0)) }
    for i in 0..<floats {
      bytes += littleEndian(Float(sin(Double(i) * 0.7) * 0.5).bitPattern)
    }
    return bytes
  }

  /// `<unk>`, `<s>`, `</s>`, the byte tokens, then two-letter pieces.
  static func tokenizerBytes(vocabulary: Int) -> [UInt8] {
    var pieces = ["<unk>", "\n<s>\n", "\n</s>\n"]
    pieces += (0...255).map {
      "<0x" + ($0 < 16 ? "0" : "") + String($0, radix: 16).uppercased() + ">"
    }
    while pieces.count < vocabulary { pieces.append(" w\(pieces.count)") }
    var bytes = littleEndian(16)
    for piece in pieces {
      bytes += littleEndian(Float(-1).bitPattern) + littleEndian(UInt32(piece.utf8.count))
      bytes += Array(piece.utf8)
    }
    return bytes
  }
}

/// Runs `command` on the tiny model with `arguments` after the model options.
func runTinyModel(_ command: String, _ arguments: [String]) throws -> CommandResult {
  let files = try TinyLlamaFiles()
  defer { files.remove() }
  let model = ["--checkpoint", files.path("tiny.bin"), "--tokenizer", files.path("tokenizer.bin")]
  return runCLI([command] + model + arguments)
}

@Test(.tags(.unit)) func runTracesACheckpointWithItsTokens() throws {
  let result = try runTinyModel("run", ["--prompt", "hi", "--steps", "3"])
  #expect(result.code == .ok, "\(result.error)")
  #expect(result.output.contains("weights  checkpoint tiny.bin\n"))
  #expect(!result.output.contains("random"))
  #expect(result.output.contains("model    decoder-only, 1 layers × 2 heads (1 KV), head size 8"))
  #expect(result.output.contains("tokens   4: <s> | ␣ | h | i"))
  #expect(result.output.contains("step 3 (decode)"))
}

@Test(.tags(.unit)) func compareChecksTheCacheOnACheckpoint() throws {
  let result = try runTinyModel("compare", ["--steps", "10", "--prompt", "a"])
  #expect(result.code == .ok, "\(result.output)")
  #expect(result.output.contains("PASS"))
}

/// A bad command line around model files: the arguments (with `FILES/` standing for the
/// temporary directory), the exit code and words of the one error line.
struct BadModelFiles: Sendable, CustomTestStringConvertible {
  var arguments: [String]
  var code: ExitCode
  var message: String

  var testDescription: String { arguments.joined(separator: " ") }
}

let badModelFiles: [BadModelFiles] = [
  BadModelFiles(
    arguments: ["--checkpoint", "FILES/tiny.bin"], code: .usage,
    message: "has a vocabulary of 260 tokens, not the demo vocabulary's "
      + "\(Tokenizer.demo.vocabularySize), so it needs its own tokenizer; add --tokenizer FILE"),
  BadModelFiles(
    arguments: ["compare", "--tokenizer", "FILES/tokenizer.bin"], code: .usage,
    message: "--tokenizer needs --checkpoint; give the model too"),
  BadModelFiles(
    arguments: [
      "--checkpoint", "FILES/tiny.bin", "--tokenizer", "FILES/tokenizer.bin", "--dim", "8",
    ],
    code: .usage, message: "--dim cannot be used with --checkpoint"),
  BadModelFiles(
    arguments: [
      "--checkpoint", "FILES/tiny.bin", "--tokenizer", "FILES/tokenizer.bin", "--head", "2",
    ],
    code: .usage, message: "--head must be between 0 and 1, got 2; pick a value in 0...1"),
  BadModelFiles(
    arguments: [
      "--checkpoint", "FILES/tiny.bin", "--tokenizer", "FILES/tokenizer.bin", "--steps", "20",
    ],
    code: .usage, message: "but the context holds 16"),
  BadModelFiles(
    arguments: ["--checkpoint", "FILES/none.bin", "--tokenizer", "FILES/tokenizer.bin"],
    code: .noInput, message: "no checkpoint file at"),
  BadModelFiles(
    arguments: ["--checkpoint", "FILES/tiny.bin", "--tokenizer", "FILES/none.bin"],
    code: .noInput, message: "no tokenizer file at"),
  BadModelFiles(
    arguments: ["--checkpoint", "FILES", "--tokenizer", "FILES/tokenizer.bin"],
    code: .noInput, message: "is a directory, not a checkpoint file"),
  BadModelFiles(
    arguments: ["--checkpoint", "FILES/short.bin", "--tokenizer", "FILES/tokenizer.bin"],
    code: .dataError, message: "it is truncated; download it again"),
  BadModelFiles(
    arguments: ["compare", "--checkpoint", "FILES/tokenizer.bin", "--tokenizer", "FILES/tiny.bin"],
    code: .dataError, message: "this is not a llama2.c checkpoint"),
  BadModelFiles(
    arguments: ["--checkpoint", "FILES/tiny.bin", "--tokenizer", "FILES/big-tokenizer.bin"],
    code: .dataError,
    message: "the tokenizer has 300 tokens but the checkpoint's vocabulary has 260"),
]

@Test(.tags(.unit), arguments: badModelFiles)
func badModelFilesGiveOneLineAndTheirExitCode(_ bad: BadModelFiles) throws {
  let files = try TinyLlamaFiles()
  defer { files.remove() }
  try files.write(Array(TinyLlamaFiles.checkpointBytes().dropLast(4)), to: "short.bin")
  try files.write(TinyLlamaFiles.tokenizerBytes(vocabulary: 300), to: "big-tokenizer.bin")
  let arguments = bad.arguments.map {
    $0.replacingOccurrences(of: "FILES", with: files.directory.path)
  }
  let result = runCLI(arguments)
  #expect(result.code == bad.code)
  #expect(result.output.isEmpty)
  #expect(result.error.hasPrefix("kvtrace: "))
  #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
  #expect(result.error.contains(bad.message), "\(result.error)")
}

@Test(.tags(.unit)) func helpDescribesTheModelFileOptions() {
  let help = runCLI(["run", "--help"]).output
  #expect(help.contains("  --checkpoint FILE "))
  #expect(help.contains("  --tokenizer FILE "))
}
