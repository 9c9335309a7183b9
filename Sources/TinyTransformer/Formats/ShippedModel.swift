import Foundation
import KVTrace

/// The model kvtrace ships: `default-model.bin`, a llama2.c checkpoint of the demo shape
/// written by `kvtrace train`, and `default-model.json`, where it came from.
///
/// Both files are resources of this module, which SwiftPM copies into a bundle beside the
/// built program (`kvtrace_TinyTransformer.resources` on Linux, `.bundle` on macOS) and finds
/// through `Bundle.module`. That accessor stops the process (`fatalError`) when the bundle is
/// in none of the places it looks, so it is asked only once the bundle has been seen: a
/// program copied away from its bundle gets ``ShippedModelError/bundleMissing(searched:)``,
/// one line, instead of a crash.
enum ShippedModel {
  /// The bundle SwiftPM builds for this module's resources.
  static let bundleName = "kvtrace_TinyTransformer" + (isDarwin ? ".bundle" : ".resources")
  #if canImport(Darwin)
    private static let isDarwin = true
  #else
    private static let isDarwin = false
  #endif

  /// The bytes of the two shipped files.
  ///
  /// - Throws: ``ShippedModelError`` when the bundle or a file is missing or unreadable.
  static func files() throws(ShippedModelError) -> (checkpoint: Data, provenance: Data) {
    try requireBundle()
    return (try read("default-model", "bin"), try read("default-model", "json"))
  }

  /// Throws ``ShippedModelError/bundleMissing(searched:)`` unless the bundle is in sight,
  /// so that `Bundle.module` is asked only then.
  static func requireBundle() throws(ShippedModelError) {
    let searched = directoriesToSearch()
    let fileManager = FileManager.default
    guard
      searched.contains(where: {
        fileManager.fileExists(atPath: $0.appendingPathComponent(bundleName).path)
      })
    else {
      throw .bundleMissing(searched: searched.first?.path ?? "")
    }
  }

  /// Where `Bundle.module` may find the bundle: beside the program first (`swift run`, the
  /// binary run from `.build/debug`, the test runner on Linux), then beside any loaded
  /// bundle (the `.xctest` bundle that runs the tests on macOS).
  private static func directoriesToSearch() -> [URL] {
    [Bundle.main.bundleURL, Bundle.main.resourceURL].compactMap { $0 }
      + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
  }

  static func read(_ name: String, _ kind: String) throws(ShippedModelError) -> Data {
    guard let url = Bundle.module.url(forResource: name, withExtension: kind) else {
      throw .fileMissing(name: "\(name).\(kind)")
    }
    do {
      return try Data(contentsOf: url)
    } catch {
      throw .unreadable(name: "\(name).\(kind)", reason: error.localizedDescription)
    }
  }
}

/// What `default-model.json` says about the shipped weights.
///
/// The same fields as the file: the recipe, the steps trained, its seed, the validation loss,
/// the command that reproduces the weights (`kvtrace train` writes them, and the training log
/// `default-model-log.txt` beside them), their SHA-256 and size, and whether they are only a
/// random stand-in (never for the shipped file; the tests use one).
struct ShippedModelProvenance: Sendable, Equatable, Decodable {
  /// True only for a random stand-in of the trained model.
  var placeholder: Bool
  /// The training recipe's name (`default`).
  var recipe: String
  /// Optimizer steps trained.
  var steps: Int
  /// The recipe's seed: the initial weights and the corpus.
  var seed: UInt64
  /// Mean cross-entropy on the held-out validation set, when it was measured.
  var validationLoss: Double?
  /// The command that reproduces `default-model.bin`.
  var command: String
  /// The SHA-256 of `default-model.bin`, as `sha256sum` prints it.
  var sha256: String?
  /// The size of `default-model.bin`.
  var bytes: Int?

  /// What a trace header's identity calls these weights: `trained default (recipe default,
  /// 8000 steps)`, with the SHA-256 beside it; the stand-in says it is one.
  var identityName: String {
    placeholder
      ? "random placeholder of the trained default (seed \(seed))"
      : "trained default (recipe \(recipe), \(steps) steps)"
  }

  /// What a trace header says about these weights: `trained by kvtrace train (recipe
  /// default, 10000 steps, validation loss 1.48)`, or, for the stand-in, that it is random.
  var weightsSource: String {
    guard !placeholder else {
      return "random placeholder in place of the trained model (not trained; seed \(seed))"
    }
    let loss = validationLoss.map { ", validation loss " + String(format: "%.2f", $0) } ?? ""
    return "trained by kvtrace train (recipe \(recipe), \(steps) steps\(loss))"
  }
}

/// Why the shipped trained model cannot be loaded. Each description is one line.
public enum ShippedModelError: Error, Equatable, CustomStringConvertible {
  /// The resource bundle is not beside the program.
  case bundleMissing(searched: String)
  /// The bundle lacks one of the two files.
  case fileMissing(name: String)
  /// A file is there but cannot be read.
  case unreadable(name: String, reason: String)
  /// `default-model.bin` is not a usable llama2.c checkpoint.
  case damagedCheckpoint(CheckpointError)
  /// `default-model.json` is not the provenance it should be.
  case damagedProvenance(String)
  /// The checkpoint's shape is not the demo shape the trained model must have.
  case wrongShape(found: ModelConfig, expected: ModelConfig)
  /// The trained T5's `default-t5-config.json` or `default-t5.safetensors` cannot be loaded.
  case damagedT5(String)

  private static let rebuild = "rebuild kvtrace (swift build) so that SwiftPM copies its resources"

  /// One line: what is wrong and how to fix it.
  public var description: String {
    let problem =
      switch self {
      case .bundleMissing(let searched):
        "its resources (\(ShippedModel.bundleName)) are not beside the program in \(searched); "
          + "copy that directory from the build folder next to the program, or \(Self.rebuild)"
      case .fileMissing(let name):
        "\(name) is missing from \(ShippedModel.bundleName); \(Self.rebuild)"
      case .unreadable(let name, let reason):
        "\(name) cannot be read (\(reason)); \(Self.rebuild)"
      case .damagedCheckpoint(let error):
        "default-model.bin is damaged: \(error)"
      case .damagedProvenance(let problem):
        "default-model.json is damaged (\(problem)); restore it from the repository"
      case .wrongShape(let found, let expected):
        "default-model.bin has \(Self.shape(found)), not the demo shape \(Self.shape(expected)); "
          + "ship a checkpoint trained with the default recipe"
      case .damagedT5(let problem):
        "the trained T5 is damaged: \(problem); restore it from the repository"
      }
    return "the trained default model cannot be loaded: " + problem
  }

  private static func shape(_ c: ModelConfig) -> String {
    "(\(c.layers) layers, \(c.heads) heads, \(c.kvHeads) KV heads, dim \(c.dim), "
      + "hidden \(c.mlpDim), context \(c.contextLength), vocabulary \(c.vocabularySize))"
  }
}
