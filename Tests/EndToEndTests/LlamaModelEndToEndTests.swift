// `kvtrace --model` on the tiny Llama-family fixtures the reference tests use (a GGUF file
// with Q8_0 and Q4_1 blocks, Hugging Face folders in F32, sharded BF16 and Qwen2): every
// command a user would point at a real model runs on them, and broken files exit 65 with
// one line.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct LlamaModelEndToEndTests {
  /// A file or folder of the Llama fixtures.
  static func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("TinyTransformerTests/Fixtures/llama/\(name)").path
  }

  /// A file of the GGUF reader's broken fixtures.
  static func brokenGGUF(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("TinyTransformerTests/Fixtures/gguf/bad/\(name)").path
  }

  static let models = [
    "llama_quant.gguf", "llama_f32.gguf", "llama_f32", "llama_bf16_sharded", "qwen2_f32",
  ]

  @Test(arguments: models) func anExportedRunReplaysByteForByte(_ model: String) throws {
    let scratch = try ScratchDirectory()
    let status = try scratch.shell(
      "\"$KVTRACE\" run --model '\(Self.fixture(model))' --prompt 'the cat sat' --steps 4 "
        + "--export trace.json > run.txt 2> err && \"$KVTRACE\" replay trace.json > replay.txt")
    #expect(status == 0, "\(scratch.text("err"))")
    #expect(!scratch.text("run.txt").isEmpty)
    #expect(scratch.contents("run.txt") == scratch.contents("replay.txt"))
    // The trace names the model file and shows its grouped-query cache: decode steps
    // compute one new row per layer and KV head, and reuse the rest.
    let trace = try #require(
      try JSONSerialization.jsonObject(with: scratch.contents("trace.json")) as? [String: Any])
    let header = try #require(trace["header"] as? [String: Any])
    #expect((header["decodeSteps"] as? Int) == 4)
    if model.hasSuffix(".gguf") {  // an exported trace names the file by its SHA-256
      #expect(try scratch.shell("sha256sum '\(Self.fixture(model))' > sum") == 0)
      let identity = try #require(header["identity"] as? [String: Any])
      let digest = try #require(identity["weightsSHA256"] as? String)
      #expect(scratch.text("sum").hasPrefix(digest + " "))
    }
    #expect(scratch.text("run.txt").contains("step 1 (decode)"))
  }

  @Test(arguments: models) func compareSaysTheCacheChangedTheWorkNotTheResult(_ model: String)
    throws
  {
    let result = try runKVTrace(["compare", "--model", Self.fixture(model), "--steps", "5"])
    #expect(result.status == 0, "\(result.error)")
    let last = result.output.split(separator: "\n").last.map(String.init) ?? ""
    #expect(last.hasPrefix("PASS"), "\(result.output)")
  }

  @Test func oneAndTwoThreadsWriteTheSameTrace() throws {
    let scratch = try ScratchDirectory()
    let model = Self.fixture("llama_quant.gguf")
    let status = try scratch.shell(
      "\"$KVTRACE\" run --model '\(model)' --steps 6 --threads 1 --detail vectors "
        + "--export one.json > /dev/null 2> err && \"$KVTRACE\" run --model '\(model)' "
        + "--steps 6 --threads 2 --detail vectors --export two.json > /dev/null 2>> err")
    #expect(status == 0, "\(scratch.text("err"))")
    #expect(!scratch.contents("one.json").isEmpty)
    #expect(scratch.contents("one.json") == scratch.contents("two.json"))
  }

  @Test func stepWithoutATerminalPrintsWhatRunPrints() throws {
    let model = Self.fixture("llama_f32")
    let step = try runKVTrace(["step", "--model", model, "--steps", "3"])
    let run = try runKVTrace(["run", "--model", model, "--steps", "3"])
    #expect(step.status == 0 && run.status == 0, "\(step.error)\(run.error)")
    #expect(step.stdout == run.stdout)
  }

  @Test func headsMeasuresAModelFile() throws {
    let result = try runKVTrace(
      ["heads", "--model", Self.fixture("llama_quant.gguf"), "--prompts", "2"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("induction"), "\(result.output)")
    #expect(result.output.contains("copy accuracy over the repeat"), "\(result.output)")
    #expect(result.output.contains("(2 prompts, cache full;"), "\(result.output)")
  }

  @Test func chatWithoutATemplateIsAUsageError() throws {
    let result = try runKVTrace(["run", "--model", Self.fixture("llama_quant.gguf"), "--chat"])
    #expect(result.status == 64, "\(result.error)")
    #expect(isOneErrorLine(result.error), "\(result.error)")
    #expect(result.error.contains("chat"), "\(result.error)")
  }

  @Test(arguments: [
    ("wrong-magic.gguf", "not a GGUF file"),
    ("truncated-header.gguf", "truncated"),
    ("tensor-past-end.gguf", "past"),
    ("unsupported-q5_1.gguf", "q5_1"),
  ])
  func aBrokenGGUFExits65WithOneLine(_ file: String, _ words: String) throws {
    let result = try runKVTrace(["run", "--model", Self.brokenGGUF(file), "--steps", "1"])
    #expect(result.status == 65, "\(result.error)")
    #expect(result.stdout.isEmpty)
    #expect(isOneErrorLine(result.error), "\(result.error)")
    #expect(result.error.lowercased().contains(words.lowercased()), "\(result.error)")
  }
}
