/// Why a safetensors file cannot be read, in one line that says how to fix it.
///
/// Every case is found before anything is allocated from the file's numbers: a
/// damaged or hostile file is refused, never trusted.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
  /// Shorter than the 8-byte header length, or than the header it announces.
  case truncatedHeader(fileSize: Int, needed: Int)
  /// A header length beyond what kvtrace reads.
  case headerTooLarge(length: UInt64)
  /// The header is not a JSON object of tensor entries.
  case malformedHeader(String)
  /// A tensor in a number format kvtrace does not convert.
  case unsupportedDtype(tensor: String, dtype: String)
  /// A tensor's bytes are not where its shape says, or lie outside the data.
  case badOffsets(tensor: String, String)
  /// A tensor the model needs is not in the file.
  case missingTensor(String)
  /// A tensor has another shape than the model's configuration implies.
  case wrongShape(tensor: String, expected: [Int], found: [Int])

  /// The problem and its fix.
  public var description: String {
    let fix = "re-download the file or save it again with save_pretrained(safe_serialization=True)"
    switch self {
    case .truncatedHeader(let size, let needed):
      return
        "the header is truncated: the file has \(size) bytes, its header needs \(needed); \(fix)"
    case .headerTooLarge(let length):
      return
        "the header claims \(length) bytes, more than the \(SafetensorsFile.maximumHeaderBytes) "
        + "kvtrace reads; \(fix)"
    case .malformedHeader(let problem):
      return "the header is not a safetensors header (\(problem)); \(fix)"
    case .unsupportedDtype(let tensor, let dtype):
      return "tensor '\(tensor)' is stored as \(dtype); kvtrace reads F32, F16 and BF16: "
        + "save the model in one of them (e.g. model.to(torch.float32).save_pretrained(...))"
    case .badOffsets(let tensor, let problem):
      return "tensor '\(tensor)': \(problem); \(fix)"
    case .missingTensor(let tensor):
      return "tensor '\(tensor)' is missing; the file does not belong to this config.json, "
        + "or \(fix)"
    case .wrongShape(let tensor, let expected, let found):
      return "tensor '\(tensor)' has shape \(found), but config.json implies \(expected); "
        + "use the config.json that came with these weights"
    }
  }
}
