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
  package var description: String {
    "" // TODO
  }
}
