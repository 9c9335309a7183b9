/// Why a GGUF file cannot be read, in one line that names the problem and its fix.
///
/// Every case is found before anything is allocated from the file's numbers: a
/// count or length is checked against the bytes that remain first, so a damaged or
/// hostile file is refused, never trusted.
package enum GGUFError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file does not start with the four bytes `GGUF`.
  case wrongMagic([UInt8])
  /// A GGUF version other than 2 or 3.
  case unsupportedVersion(UInt32)
  /// The file ends inside `what` (for example "metadata key 7").
  case truncated(what: String, offset: Int, needed: Int, fileSize: Int)
  /// A metadata value has a type number GGUF does not define.
  case unknownValueType(key: String, type: UInt32)
  /// A string in the file is not valid UTF-8.
  case invalidUTF8(what: String)
  /// Arrays nested deeper than kvtrace reads.
  case arrayTooDeep(key: String)
  /// Two metadata entries share a key.
  case duplicateKey(String)
  /// `general.alignment` is not a positive power of two.
  case badAlignment(UInt64)
  /// Two tensors share a name.
  case duplicateTensor(String)
  /// A tensor has a type number ggml does not define.
  case unknownTensorType(tensor: String, type: UInt32)
  /// A tensor in a format kvtrace does not read.
  case unsupportedTensorType(tensor: String, type: GGMLType)
  /// A tensor's shape is impossible (no dimensions, too many, a zero or overflow,
  /// or a row that is not a whole number of blocks).
  case badShape(tensor: String, String)
  /// A tensor's offset is not a multiple of the file's alignment.
  case misalignedTensor(tensor: String, offset: UInt64, alignment: Int)
  /// A tensor's bytes run past the end of the file.
  case tensorPastEnd(tensor: String, end: UInt64, fileSize: Int)
  /// Two tensors' bytes overlap.
  case overlappingTensors(String, String)

  /// The problem and its fix, on one line.
  ///
  /// Names and keys come from the file: control characters in them are shown escaped.
  package var description: String {
    let again = "download or convert the model again"
    switch self {
    case .wrongMagic(let bytes):
      let hex = bytes.map { String($0, radix: 16, uppercase: true) }.joined(separator: " ")
      return "not a GGUF file: it starts with bytes \(hex), not 'GGUF'; "
        + "pass a .gguf model file (llama.cpp, Ollama, LM Studio)"
    case .unsupportedVersion(let v):
      return "GGUF version \(v) is not supported (kvtrace reads versions 2 and 3); "
        + "convert the model with a current llama.cpp"
    case .truncated(let what, let offset, let needed, let size):
      let need = needed == Int.max ? "more bytes than exist" : "\(needed) bytes"
      return "the GGUF file is truncated in \(Self.shown(what)): \(need) needed at byte "
        + "\(offset), the file has \(size); \(again)"
    case .unknownValueType(let key, let type):
      return "metadata '\(Self.shown(key))' has value type \(type), which GGUF does not "
        + "define; the file is damaged or newer than kvtrace: \(again)"
    case .invalidUTF8(let what):
      return "\(Self.shown(what)) is not valid UTF-8; the file is damaged: \(again)"
    case .arrayTooDeep(let key):
      return "metadata '\(Self.shown(key))' nests arrays deeper than "
        + "\(GGUFCursor.maximumArrayDepth); the file is damaged: \(again)"
    case .duplicateKey(let key):
      return "metadata '\(Self.shown(key))' appears twice; the file is damaged: \(again)"
    case .badAlignment(let a):
      return "general.alignment is \(a), not a power of two up to 1048576; \(again)"
    case .duplicateTensor(let name):
      return "tensor '\(Self.shown(name))' appears twice; the file is damaged: \(again)"
    case .unknownTensorType(let name, let type):
      return "tensor '\(Self.shown(name))' has type number \(type), unknown to kvtrace; "
        + "supported: \(Self.supportedList); re-quantize the model to one of them"
    case .unsupportedTensorType(let name, let type):
      return "tensor '\(Self.shown(name))' is \(type), which kvtrace cannot read; "
        + "supported: \(Self.supportedList); re-quantize the model to one of them"
    case .badShape(let name, let problem):
      return "tensor '\(Self.shown(name))' has an impossible shape (\(problem)); \(again)"
    case .misalignedTensor(let name, let offset, let alignment):
      return "tensor '\(Self.shown(name))' starts at data offset \(offset), not a multiple "
        + "of the alignment \(alignment); the file is damaged: \(again)"
    case .tensorPastEnd(let name, let end, let size):
      let ends = end == .max ? "past any file" : "at byte \(end)"
      return "tensor '\(Self.shown(name))' ends \(ends), but the file has \(size) bytes "
        + "(truncated?); \(again)"
    case .overlappingTensors(let a, let b):
      return "tensors '\(Self.shown(a))' and '\(Self.shown(b))' overlap in the file; "
        + "the file is damaged: \(again)"
    }
  }

  /// The supported formats, as error messages list them.
  static var supportedList: String {
    GGMLType.supported.map(\.description).joined(separator: ", ")
  }

  /// `text` with control characters (and other invisible format characters) escaped as
  /// `\u{…}`, so a file's names cannot drive the terminal.
  static func shown(_ text: String) -> String {
    var out = ""
    for scalar in text.unicodeScalars {
      switch scalar.properties.generalCategory {
      case .control, .format, .lineSeparator, .paragraphSeparator:
        out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
      default:
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }
}
