// `--weights trained|random`: the trained model by default, random weights on request or
// when a shape option asks for a shape the trained model does not have (and the header says
// so), and a `--checkpoint` of the demo vocabulary without `--tokenizer`.

import Foundation
import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

@testable import kvtrace

/// The trace `arguments` decode, as `run --export` would write it.
private func trace(_ arguments: [String]) throws -> Trace {
  let parsed = try CommandSpecs.parser.parse(["run"] + arguments)
  guard case .run(let run) = parsed else { throw UsageError("not a run", fix: "") }
  let options = try RunOptions(run, environment: [:], stdoutIsTerminal: false)
  return try KVTraceCLI.decode(options, command: "run", warn: { _ in })
}

/// The `weights` line of a run's header, its wrapped lines joined.
private func weightsLine(_ output: String) -> String {
  let lines = output.components(separatedBy: "\n")
  guard let start = lines.firstIndex(where: { $0.hasPrefix("weights  ") }) else { return "" }
  let rest = lines[(start + 1)...].prefix { $0.hasPrefix("         ") }
  return ([lines[start]] + rest.map { $0.trimmingCharacters(in: .whitespaces) })
    .joined(separator: " ")
}

@Suite(.tags(.unit)) struct WeightsOptionTests {
  @Test func theDefaultIsTheTrainedModel() throws {
    let shipped = try TinyTransformer.trainedDefault()
    let header = try trace(["--steps", "1"]).header
    #expect(header.weights == shipped.weightsSource)
    #expect(header.model == ModelConfig.demo(vocabularySize: Tokenizer.demo.vocabularySize))
    let output = runCLI(["--steps", "1", "--color", "never"]).output
    #expect(weightsLine(output).hasPrefix("weights  \(shipped.weightsSource)"))
  }

  /// `--weights random` is the random demo model of before: the library's `demo(seed:)`.
  @Test(arguments: [0, 5]) func randomWeightsAreTheRandomDemoModel(_ seed: Int) throws {
    let recorded = try trace(["--weights", "random", "--seed", "\(seed)", "--steps", "3"])
    #expect(recorded.header.weights == "random, seed \(seed)")
    var log = TraceLog()
    let prompt = OptionCatalog.prompt.defaultValue
    _ = try TinyTransformer.demo(seed: UInt64(seed)).generate(
      prompt: prompt, steps: 3, recorder: &log)
    #expect(recorded.events == log.trace?.events)
    let output = runCLI(["--weights", "random", "--seed", "\(seed)", "--color", "never"]).output
    #expect(weightsLine(output).hasPrefix("weights  random, seed \(seed): the words are arbitrary"))
  }

  @Test(arguments: [
    (["--dim", "32"], "--dim 32 differs from the trained model's 64"),
    (["--layers", "3"], "--layers 3 differs from the trained model's 2"),
    (["--heads", "8"], "--heads 8 differs from the trained model's 4"),
    (["--kv-heads", "2"], "--kv-heads 2 differs from the trained model's 4"),
    (["--context", "80"], "--context 80 differs from the trained model's 64"),
  ])
  func aShapeTheTrainedModelLacksSwitchesToRandomWeights(_ shape: [String], _ reason: String)
    throws
  {
    #expect(try trace(shape + ["--steps", "1"]).header.weights == "random, seed 0 (\(reason))")
    let output = runCLI(shape + ["--steps", "1", "--color", "never"]).output
    #expect(weightsLine(output).hasPrefix("weights  random, seed 0 (\(reason)): the words"))
  }

  /// The trained model's weights are fixed: `--seed` seeds sampling only, so greedy decoding
  /// gives the same run whatever the seed.
  @Test func theSeedOfTheTrainedModelSeedsSamplingOnly() throws {
    let (seed1, seed2) = (try trace(["--seed", "1"]), try trace(["--seed", "2"]))
    #expect(seed1.events == seed2.events)
    #expect(seed1.header.weights == seed2.header.weights)
    #expect((seed1.header.seed, seed2.header.seed) == (1, 2))
  }

  @Test func aShapeOptionOfTheTrainedShapeKeepsTheTrainedModel() throws {
    let options = ["--layers", "2", "--heads", "4", "--kv-heads", "4", "--dim", "64"]
    let header = try trace(options + ["--context", "64", "--steps", "1"]).header
    #expect(header.weights == (try TinyTransformer.trainedDefault().weightsSource))
  }

  @Test func theEncoderDecoderDefaultIsTheTrainedT5AndRandomOnRequest() throws {
    let trained = try trace(["--arch", "encoder-decoder", "--steps", "2"]).header
    #expect(trained.weights.hasPrefix("trained by kvtrace train --arch encoder-decoder"))
    #expect(trained.identity?.weights.hasPrefix("trained default T5") == true)
    #expect(trained.identity?.weightsSHA256?.count == 64)
    let random = try trace(["--arch", "encoder-decoder", "--weights", "random", "--steps", "2"])
    #expect(random.header.weights == "random, seed 0")
    let shaped = try trace(["--arch", "encoder-decoder", "--dim", "32", "--steps", "2"])
    #expect(shaped.header.weights == "random, seed 0")
  }

  @Test func theDrawnEncoderDecoderHeadReadsTheCopiedWordOnlyWhenTrained() throws {
    let trained = try trace(["--arch", "encoder-decoder", "--steps", "8"])
    let best = try #require(CopyAttention.best(in: trained))
    #expect(best.share >= CopyAttention.minimumShare)
    #expect(best.layer == 1)
    #expect(RenderFocus.automatic(for: trained) == RenderFocus(layer: best.layer, head: best.head))
    let random = try trace(["--arch", "encoder-decoder", "--weights", "random", "--steps", "8"])
    #expect(CopyAttention.best(in: random) == nil)
    #expect(RenderFocus.automatic(for: random) == RenderFocus())
  }

  @Test(arguments: [
    (["--weights", "trained", "--dim", "32"], "--dim 32 differs from the trained model's 64"),
    (
      ["--weights", "trained", "--arch", "encoder-decoder", "--dim", "32"],
      "the trained T5 has only its own"
    ),
    (["--weights", "random", "--checkpoint", "x.bin"], "--checkpoint brings weights of its own"),
    (["--weights", "heavy"], "--weights"),
  ])
  func contradictoryWeightsAreUsageErrors(_ arguments: [String], _ message: String) {
    let result = runCLI(arguments)
    #expect(result.code == .usage)
    #expect(result.error.filter { $0 == "\n" }.count == 1)
    #expect(result.error.contains(message), "\(result.error)")
  }

  @Test func helpSaysWhatTheSeedSeedsAndWhatTheWeightsAre() {
    let help = runCLI(["run", "--help"]).output
    #expect(help.contains("  --weights KIND "))
    let words = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    #expect(words.contains("(default 0); the trained model's weights are fixed"))
    #expect(words.contains("--weights random draws them from --seed"))
  }

  /// A checkpoint of the demo vocabulary (what `kvtrace train` writes) needs no
  /// `--tokenizer`: the shipped model's own bytes, loaded as a checkpoint, decode exactly
  /// as the trained default does.
  @Test func aDemoVocabularyCheckpointNeedsNoTokenizer() throws {
    let directory = try TemporaryDirectory()
    let path = directory.path("demo.bin")
    try FileManager.default.copyItem(atPath: shippedCheckpointPath, toPath: path)
    let fromFile = try trace(["--checkpoint", path, "--steps", "4"])
    let shipped = try trace(["--steps", "4"])
    #expect(fromFile.header.weights == "checkpoint demo.bin")
    #expect(fromFile.events == shipped.events)
    let result = runCLI(["--checkpoint", path, "--steps", "4", "--color", "never"])
    #expect(result.code == .ok, "\(result.error)")
    #expect(result.output.contains("weights  checkpoint demo.bin\n"))
  }
}

/// The shipped checkpoint in the source tree.
let shippedCheckpointPath = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
  .appendingPathComponent("Sources/TinyTransformer/Resources/default-model.bin").path
