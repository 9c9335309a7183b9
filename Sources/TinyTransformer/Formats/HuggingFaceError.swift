/// Why a Hugging Face model folder cannot be loaded: the file, the problem, the fix.
public struct HuggingFaceError: Error, Equatable, CustomStringConvertible {
  /// The file at fault, e.g. `config.json` or `model.safetensors`.
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
