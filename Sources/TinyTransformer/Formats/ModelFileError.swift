/// Why a model file or folder cannot run: a GGUF file, a Hugging Face folder (T5 or the
/// Llama family). One line naming the file, what is missing or unsupported, and what to do.
public struct ModelFileError: Error, Equatable, CustomStringConvertible {
  /// The file at fault (`config.json`, `model.safetensors`, the `.gguf` file's name).
  public var file: String
  /// What is wrong and how to fix it.
  public var problem: String

  /// An error in `file`.
  public init(_ file: String, _ problem: String) {
    self.file = file
    self.problem = problem
  }

  /// `file: problem`, one line.
  public var description: String { "\(file): \(problem)" }
}

/// The errors of a Hugging Face folder: the same one-line ``ModelFileError``, under the
/// name the T5 loader gave it before kvtrace read GGUF files too.
public typealias HuggingFaceError = ModelFileError
