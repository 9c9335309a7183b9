// `kvtrace run --model FOLDER` on the tiny T5 folder of the reference tests, whole and
// broken one file at a time: a broken folder exits 65 with one line on standard error
// that names the file, the problem and the fix.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct ModelFolderExitCodeTests {
  /// The reference tests' T5 v1.1 folder.
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("TinyTransformerTests/Fixtures/t5/t5-v1_1")

  /// A copy of the fixture folder (links followed) in a fresh temporary directory.
  static func copy() throws -> URL {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-t5-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for file in ["config.json", "model.safetensors", "spiece.model", "tokenizer.json"] {
      try Data(contentsOf: fixture.appendingPathComponent(file))
        .write(to: folder.appendingPathComponent(file))
    }
    return folder
  }

  /// Runs `kvtrace run --model` on a copy broken by `breaking`; expects 65 and one line
  /// naming `file` and containing `problem`.
  func expectDataError(file: String, problem: String, _ breaking: (URL) throws -> Void) throws {
    let folder = try Self.copy()
    defer { try? FileManager.default.removeItem(at: folder) }
    try breaking(folder)
    let result = try runKVTrace(["run", "--model", folder.path, "--steps", "2"])
    #expect(result.status == 65, "\(result.error)")
    #expect(result.stdout.isEmpty)
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
    #expect(result.error.contains(file), "\(result.error)")
    #expect(result.error.contains(problem), "\(result.error)")
  }

  /// Replaces `old` by `new` in the copy's `config.json`.
  static func editConfig(_ folder: URL, _ old: String, _ new: String) throws {
    let url = folder.appendingPathComponent("config.json")
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains(old))
    try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
  }

  @Test func theWholeFolderRuns() throws {
    let result = try runKVTrace(["run", "--model", Self.fixture.path, "--steps", "2"])
    #expect(result.status == 0, "\(result.error)")
    #expect(String(decoding: result.stdout, as: UTF8.self).contains("t5-v1_1 (Hugging Face T5)"))
  }

  @Test func aMissingConfigJSON() throws {
    try expectDataError(file: "config.json", problem: "missing") {
      try FileManager.default.removeItem(at: $0.appendingPathComponent("config.json"))
    }
  }

  @Test func anUnsupportedFeedForward() throws {
    try expectDataError(file: "config.json", problem: "feed_forward_proj 'swiglu'") {
      try Self.editConfig($0, "\"gated-gelu\"", "\"swiglu\"")
    }
  }

  @Test func anotherModelType() throws {
    // llama now runs as the decoder-only model; a type of no supported family is refused.
    try expectDataError(file: "config.json", problem: "model type 'bert' is not supported") {
      try Self.editConfig($0, "\"t5\"", "\"bert\"")
    }
  }

  @Test func aTensorOfTheWrongShape() throws {
    // d_ff 24 -> 25: every feed-forward tensor now disagrees with the file.
    try expectDataError(file: "model.safetensors", problem: "has shape [24, 16]") {
      try Self.editConfig($0, "\"d_ff\": 24", "\"d_ff\": 25")
    }
  }

  @Test func aTruncatedSafetensorsHeader() throws {
    try expectDataError(file: "model.safetensors", problem: "header is truncated") { folder in
      let url = folder.appendingPathComponent("model.safetensors")
      try Data(contentsOf: url).prefix(100).write(to: url)
    }
  }
}
