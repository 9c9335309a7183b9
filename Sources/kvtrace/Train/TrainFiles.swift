import Foundation
import TinyTransformer
import Training

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The files of a training run, each replaced whole (a temporary file renamed over it).
///
/// A checkpoint is written while the previous one may still be what someone loads, and a
/// run can be stopped at any moment; so every file goes through ``OutputFile``, and a
/// reader sees either the old `model.bin` or the whole new one, never half of each. The
/// checkpoint and the log are written together, so `training-log.txt` always ends at the
/// step `model.bin` holds.
enum TrainFiles {
  /// Creates the output folder (not its parents) unless it is there already.
  ///
  /// - Throws: ``CommandFailure`` with code 73 when the path is a file, its parent folder
  ///   is missing, or the folder cannot be created.
  static func makeFolder(_ path: String) throws(CommandFailure) {
    var status = stat()
    if stat(path, &status) == 0 {
      guard status.st_mode & S_IFMT == S_IFDIR else {
        throw CommandFailure(
          "cannot create the folder '\(path)': it is a file; give another --out", .cannotCreate)
      }
      return
    }
    guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
      let fix =
        errno == ENOENT
        ? "create its parent folder first, or give another --out"
        : "check that its parent folder is writable, or give another --out"
      throw .system("create the folder", path, .cannotCreate, fix: fix)
    }
  }

  /// Writes `bytes` to `path`, replacing it whole.
  ///
  /// - Throws: ``CommandFailure`` with code 73 or 74, as ``OutputFile`` says.
  static func write(_ bytes: [UInt8], to path: String) throws(CommandFailure) {
    let file = try OutputFile(replacing: path)
    file.write(bytes)
    try file.commit()
  }

  /// The run's recipe as `recipe.json`: everything needed to train the same weights again.
  static func recipeJSON(_ recipe: TrainingRecipe) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    return Array((try? encoder.encode(recipe)) ?? Data()) + [UInt8(ascii: "\n")]
  }

  /// The first lines of a `--tokens` file: what each line holds, and the recipe.
  static func tokensHeader(_ recipe: TrainingRecipe) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let json = (try? encoder.encode(recipe)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    return """
      # kvtrace train: the token ids of every batch, one line per step:
      # STEP: the step's sequences, separated by " | "; each sequence is its token ids,
      # separated by spaces: the sequence length + 1 ids (the inputs, then the last target).
      # Ids are the demo vocabulary's (tokenizer.bin). The recipe: \(json)

      """
  }

  /// One line of a `--tokens` file: `12: 270 512 … | 301 …`.
  static func tokensLine(step: Int, batch: [[Int]]) -> String {
    "\(step): " + batch.map { $0.map(String.init).joined(separator: " ") }.joined(separator: " | ")
      + "\n"
  }

  /// The checkpoint and the log of every step so far, written together.
  static func writeCheckpoint(_ trainer: Trainer, log: [String], _ options: TrainOptions)
    throws(CommandFailure)
  {
    try write(Array(trainer.checkpointData()), to: options.modelPath)
    try write(Array(log.map { $0 + "\n" }.joined().utf8), to: options.file("training-log.txt"))
  }

  /// The files that describe the run rather than its weights, written before the first
  /// step so a folder that cannot take them fails at once, not after an hour.
  static func writeDescription(_ options: TrainOptions) throws(CommandFailure) {
    try makeFolder(options.folder)
    try write(
      Array(Llama2cTokenizerFile.data(for: .demo)), to: options.file("tokenizer.bin"))
    try write(recipeJSON(options.recipe), to: options.file("recipe.json"))
  }
}
