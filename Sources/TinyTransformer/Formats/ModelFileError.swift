/// Why a GGUF file or a Hugging Face Llama-family folder cannot run: one line naming what is
/// missing or unsupported, and what to do.
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
