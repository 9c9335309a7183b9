import Foundation
import KVTrace

/// A safetensors file, read and checked: the tensors' names, number formats and
/// shapes, and their bytes.
///
/// The format (Hugging Face's `safetensors`) is an 8-byte little-endian header
/// length, a JSON header, then the data: the header maps each tensor's name to
/// `{"dtype", "shape", "data_offsets": [begin, end]}`, offsets counted from the
/// start of the data. An optional `__metadata__` entry holds strings and is
/// ignored. Every number is checked before use: the header length against the
/// file and a limit, every tensor's span against the data and against its shape
/// (`end − begin == product(shape) × the format's size`), without overflow.
///
/// The file is read into memory, not mapped: a mapped file that shrinks while it
/// is read kills the process, where a read simply comes up short.
public struct SafetensorsFile: Sendable {
  /// The number formats kvtrace converts to `Float`.
  public enum DType: String, Sendable {
    /// IEEE single precision, 4 bytes.
    case f32 = "F32"
    /// IEEE half precision, 2 bytes.
    case f16 = "F16"
    /// bfloat16: a float's top 16 bits, 2 bytes.
    case bf16 = "BF16"

    /// Bytes per element.
    public var size: Int { self == .f32 ? 4 : 2 }
  }

  /// One tensor's entry in the header.
  public struct Tensor: Sendable, Equatable {
    /// The number format.
    public var dtype: DType
    /// The shape, outermost first (`[out, in]` for a linear layer's weight).
    public var shape: [Int]
    /// The bytes, relative to the start of the data.
    public var bytes: Range<Int>
    /// How many elements it holds.
    public var count: Int { shape.reduce(1, *) }
  }

  /// The largest header kvtrace reads: 100 MB.
  public static let maximumHeaderBytes = 100_000_000

  /// The tensors by name.
  public let tensors: [String: Tensor]
  private let data: Data
  /// Where the data begins: 8 bytes of length, then the header.
  let dataStart: Int

  /// Reads the header of `data` (a whole safetensors file) and checks every entry.
  ///
  /// - Throws: ``SafetensorsError`` for a short file, an oversized or malformed
  ///   header, a number format other than F32, F16 and BF16, or offsets that do not
  ///   fit the data or the shape.
  public init(_ data: Data) throws(SafetensorsError) {
    guard data.count >= 8 else { throw .truncatedHeader(fileSize: data.count, needed: 8) }
    let length = data.prefix(8).enumerated().reduce(UInt64(0)) {
      $0 | UInt64($1.element) << (8 * UInt64($1.offset))
    }
    guard length <= UInt64(Self.maximumHeaderBytes) else { throw .headerTooLarge(length: length) }
    let end = 8 + Int(length)
    guard end <= data.count else { throw .truncatedHeader(fileSize: data.count, needed: end) }
    let start = data.startIndex
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: data[(start + 8)..<(start + end)])
    } catch {
      throw .malformedHeader("not JSON")
    }
    guard let header = json as? [String: Any] else { throw .malformedHeader("not a JSON object") }
    var tensors: [String: Tensor] = [:]
    for (name, entry) in header where name != "__metadata__" {
      tensors[name] = try Self.tensor(name, entry, dataSize: data.count - end)
    }
    self.tensors = tensors
    self.data = data
    dataStart = end
  }

  /// Checks one header entry: its format, shape, and a span inside the data that
  /// matches the shape.
  private static func tensor(_ name: String, _ entry: Any, dataSize: Int) throws(SafetensorsError)
    -> Tensor
  {
    let shown = TerminalText.escaped(name)
    guard let entry = entry as? [String: Any], let dtypeName = entry["dtype"] as? String,
      let shape = entry["shape"] as? [Int], let offsets = entry["data_offsets"] as? [Int],
      offsets.count == 2
    else { throw .malformedHeader("entry '\(shown)' lacks dtype, shape or data_offsets") }
    guard let dtype = DType(rawValue: dtypeName) else {
      throw .unsupportedDtype(tensor: shown, dtype: TerminalText.escaped(dtypeName))
    }
    var count = 1
    for side in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: side)
      guard side >= 0, !overflow, product <= dataSize else {
        throw .badOffsets(tensor: shown, "shape \(shape) is larger than the file")
      }
      count = product
    }
    let (begin, end) = (offsets[0], offsets[1])
    guard 0 <= begin, begin <= end, end <= dataSize else {
      throw .badOffsets(
        tensor: shown, "data_offsets [\(begin), \(end)] lie outside the \(dataSize) bytes of data")
    }
    guard end - begin == count * dtype.size else {
      throw .badOffsets(
        tensor: shown,
        "data_offsets span \(end - begin) bytes but shape \(shape) of \(dtype.rawValue) needs "
          + "\(count * dtype.size)")
    }
    return Tensor(dtype: dtype, shape: shape, bytes: begin..<end)
  }

  /// Converts tensor `name` to `Float` into `out`, after checking it has `shape`.
  ///
  /// F16 and BF16 are widened exactly: every half-precision number is a `Float`.
  ///
  /// - Throws: ``SafetensorsError/missingTensor(_:)`` or
  ///   ``SafetensorsError/wrongShape(tensor:expected:found:)``.
  public func read(_ name: String, shape: [Int], into out: UnsafeMutableBufferPointer<Float>)
    throws(SafetensorsError)
  {
    guard let tensor = tensors[name] else { throw .missingTensor(name) }
    guard tensor.shape == shape, out.count == tensor.count else {
      throw .wrongShape(tensor: name, expected: shape, found: tensor.shape)
    }
    let base = data.startIndex + dataStart + tensor.bytes.lowerBound
    data[base..<(base + tensor.bytes.count)].withUnsafeBytes { raw in
      for i in 0..<tensor.count {
        switch tensor.dtype {
        case .f32:
          out[i] = Float(
            bitPattern: UInt32(
              littleEndian: raw.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
        case .f16:
          out[i] = Self.half(
            UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
        case .bf16:
          out[i] = Float(
            bitPattern: UInt32(
              UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16
          )
        }
      }
    }
  }

  /// An IEEE half-precision number, widened to `Float` exactly.
  static func half(_ bits: UInt16) -> Float {
    let sign: Float = bits & 0x8000 == 0 ? 1 : -1
    let exponent = Int(bits >> 10 & 0x1F)
    let fraction = Float(bits & 0x3FF)
    switch exponent {
    case 0: return sign * fraction * 0x1p-24  // subnormal: fraction × 2^-24
    case 31: return fraction == 0 ? sign * .infinity : .nan
    default:
      return sign * (1 + fraction / 1024)
        * Float(sign: .plus, exponent: exponent - 15, significand: 1)
    }
  }
}
