import Foundation
import Testing
import TinyTransformer
import Training

@testable import kvtrace

/// `kvtrace train` run in this process on a tiny shape: the options it reads, the files it
/// writes and what they hold, and its refusals.
@Suite(.tags(.unit)) struct TrainCommandTests {
  /// A shape and batch small enough that a few steps take a moment in a debug build.
  static let tiny = [
    "--layers", "1", "--heads", "2", "--dim", "16", "--context", "16", "--batch", "2",
    "--threads", "2",
  ]

  /// What the display was given, in order.
  final class Captured: @unchecked Sendable {
    var text = ""
  }

  /// Runs `kvtrace train ARGUMENTS` in-process, the display captured (never a terminal).
  static func train(_ arguments: [String]) throws -> (CommandResult, String) {
    let parsed: ParsedArguments
    do throws(UsageError) {
      guard case .run(let arguments) = try CommandSpecs.parser.parse(["train"] + arguments) else {
        throw UsageError("not a run", fix: "")
      }
      parsed = arguments
    } catch {
      return (.failure(error.description, .usage), "")
    }
    let captured = Captured()
    let display = TrainDisplay(isTerminal: false, columns: { 80 }, write: { captured.text += $0 })
    let result = TrainCommand.run(parsed, display: display, interrupts: TrainInterrupts())
    return (result, captured.text)
  }

  static func options(_ arguments: [String]) throws(UsageError) -> TrainOptions {
    guard case .run(let parsed) = try CommandSpecs.parser.parse(["train"] + arguments) else {
      throw UsageError("not a run", fix: "")
    }
    return try TrainOptions(parsed)
  }

  @Test func noOptionsTrainTheDefaultRecipe() throws {
    let options = try Self.options([])
    #expect(options.recipe == TrainingRecipe.default(vocabularySize: Tokenizer.demo.vocabularySize))
    #expect(options.folder == "kvtrace-train")
    #expect(options.modelPath == "kvtrace-train/model.bin")
    #expect(options.threads == Platform.processorCount)
  }

  @Test func optionsChangeTheRecipe() throws {
    let options = try Self.options(
      Self.tiny + ["--steps", "7", "--learning-rate", "0.01", "--seed", "9", "--out", "x/"])
    let recipe = options.recipe
    #expect(recipe.steps == 7)
    #expect(recipe.config.layers == 1 && recipe.config.dim == 16 && recipe.config.mlpDim == 32)
    #expect(recipe.config.kvHeads == 2)
    #expect(recipe.sequenceLength == 16, "no longer than the context")
    #expect(recipe.learningRate == 0.01)
    #expect(abs(recipe.minimumLearningRate - 0.001) < 1e-9, "a tenth of the peak, as the recipe")
    #expect(recipe.seed == 9)
    #expect(options.modelPath == "x/model.bin")
  }

  @Test(arguments: [
    (["--learning-rate", "fast"], "--learning-rate expects a number"),
    (["--learning-rate", "0"], "--learning-rate expects a number above 0"),
    (["--steps", "0"], "--steps must be between 1"),
    (["--dim", "30"], "dim (30) must be a multiple of heads (4)"),
    (["--kv-heads", "3"], "kv-heads (3) must divide heads (4)"),
    (["--svg", "kvtrace-train/model.bin"], "would overwrite a file the run writes itself"),
    (["--out", ""], "--out needs a path"),
    (["--prompt", "x"], "unknown option '--prompt'"),
  ])
  func badOptionsAreUsageErrors(arguments: [String], words: String) throws {
    let (result, _) = try Self.train(arguments)
    #expect(result.code == .usage)
    #expect(result.error.contains(words), "\(result.error)")
    #expect(result.error.filter { $0 == "\n" }.count == 1)
  }

  @Test func aTinyRunWritesEveryFile() throws {
    let folder = try TemporaryDirectory()
    let out = folder.path("run")
    let (result, shown) = try Self.train(
      Self.tiny + [
        "--steps", "4", "--validate-every", "2", "--out", out, "--tokens",
        folder.path("tokens.txt"), "--svg", folder.path("loss.svg"),
      ])
    #expect(result.code == .ok, "\(result.error)")
    #expect(
      shown.split(separator: "\n").map { $0.prefix(8) } == ["step 1/4", "step 2/4", "step 4/4"])
    #expect(!shown.contains("\r"))
    #expect(result.output.contains("validation loss "))
    #expect(result.output.contains("run it: kvtrace run --checkpoint \(out)/model.bin"))
    let log = String(decoding: folder.contents("run/training-log.txt") ?? [], as: UTF8.self)
    let reports = log.split(separator: "\n").map { TrainingLog.report(parsing: $0) }
    #expect(reports.map { $0?.step } == [0, 1, 2, 3])
    let tokens = String(decoding: folder.contents("tokens.txt") ?? [], as: UTF8.self)
    let lines = tokens.split(separator: "\n").filter { !$0.hasPrefix("#") }
    #expect(lines.count == 4)
    let sequences = lines.first?.dropFirst(3).components(separatedBy: " | ") ?? []
    #expect(sequences.count == 2)
    #expect(sequences.allSatisfy { $0.split(separator: " ").count == 17 })
    let corpus = Corpus(seed: 1, split: .training)
    #expect(
      sequences.map { $0.split(separator: " ").compactMap { Int($0) } }
        == corpus.batch(step: 0, size: 2, length: 16))
    #expect(String(decoding: folder.contents("loss.svg") ?? [], as: UTF8.self).hasPrefix("<svg"))
    let recipe = try JSONDecoder().decode(
      TrainingRecipe.self, from: Data(folder.contents("run/recipe.json") ?? []))
    #expect(recipe.steps == 4 && recipe.config.dim == 16)
  }

  @Test func theCheckpointLoadsAsAModelWithTheDemoVocabulary() throws {
    let folder = try TemporaryDirectory()
    let (result, _) = try Self.train(Self.tiny + ["--steps", "2", "--out", folder.path("m")])
    #expect(result.code == .ok, "\(result.error)")
    let checkpoint = try Checkpoint(Data(folder.contents("m/model.bin") ?? []))
    #expect(checkpoint.config.dim == 16 && checkpoint.config.layers == 1)
    let model = try TinyTransformer(checkpoint: checkpoint, tokenizer: .demo, name: "model.bin")
    let generation = try model.generate(prompt: "The quick brown fox", steps: 3)
    #expect(generation.tokens.count == 4, "the prefill chooses one, each decode step one")
  }

  @Test func aFileWhereTheFolderShouldBeIsRefusedWith73() throws {
    let folder = try TemporaryDirectory()
    _ = FileManager.default.createFile(atPath: folder.path("taken"), contents: Data("x".utf8))
    for out in [folder.path("taken"), folder.path("missing/run")] {
      let (result, _) = try Self.train(Self.tiny + ["--steps", "1", "--out", out])
      #expect(result.code == .cannotCreate, "\(out): \(result.error)")
      #expect(result.error.hasPrefix("kvtrace: cannot create the folder"))
    }
  }

  @Test func resumingNeedsACheckpointOfTheSameShape() throws {
    let folder = try TemporaryDirectory()
    let first = try Self.train(Self.tiny + ["--steps", "1", "--out", folder.path("a")]).0
    #expect(first.code == .ok)
    let model = folder.path("a/model.bin")
    let resumed = try Self.train(
      Self.tiny + ["--steps", "1", "--out", folder.path("b"), "--resume", model]
    ).0
    #expect(resumed.code == .ok, "\(resumed.error)")
    let other = try Self.train(["--layers", "2", "--resume", model, "--out", folder.path("c")]).0
    #expect(other.code == .dataError)
    #expect(other.error.contains("cannot resume from"))
    let missing = try Self.train(["--resume", folder.path("none.bin")]).0
    #expect(missing.code == .noInput)
  }
}
