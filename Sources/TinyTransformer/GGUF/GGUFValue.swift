/// The type numbers GGUF gives metadata values.
package enum GGUFValueType: UInt32, Sendable, CaseIterable {
  case uint8 = 0
  case int8 = 1
  case uint16 = 2
  case int16 = 3
  case uint32 = 4
  case int32 = 5
  case float32 = 6
  case bool = 7
  case string = 8
  case array = 9
  case uint64 = 10
  case int64 = 11
  case float64 = 12

  /// The fewest bytes one value of this type takes in a file: a string is at least its
  /// 8-byte length, an array its 4-byte element type and 8-byte count.
  var minimumByteCount: Int {
    switch self {
    case .uint8, .int8, .bool: return 1
    case .uint16, .int16: return 2
    case .uint32, .int32, .float32: return 4
    case .uint64, .int64, .float64, .string: return 8
    case .array: return 12
    }
  }
}

/// One metadata value of a GGUF file, as stored.
///
/// GGUF metadata is a list of typed key/value pairs: architecture facts
/// (`llama.block_count`), the tokenizer's vocabulary (`tokenizer.ggml.tokens`, an
/// array of strings) and free text. Arrays hold values of one type, possibly arrays.
package enum GGUFValue: Equatable, Sendable {
  case uint8(UInt8)
  case int8(Int8)
  case uint16(UInt16)
  case int16(Int16)
  case uint32(UInt32)
  case int32(Int32)
  case uint64(UInt64)
  case int64(Int64)
  case float32(Float)
  case float64(Double)
  case bool(Bool)
  case string(String)
  /// An array: its elements' type and the elements.
  indirect case array(GGUFValueType, [GGUFValue])

  /// The value as an `Int`, if it is an integer of any width that fits.
  package var int: Int? {
    switch self {
    case .uint8(let v): return Int(v)
    case .int8(let v): return Int(v)
    case .uint16(let v): return Int(v)
    case .int16(let v): return Int(v)
    case .uint32(let v): return Int(v)
    case .int32(let v): return Int(v)
    case .uint64(let v): return Int(exactly: v)
    case .int64(let v): return Int(exactly: v)
    default: return nil
    }
  }

  /// The value as a `Float`, if it is a float32 or float64 (the latter rounded).
  package var float: Float? {
    switch self {
    case .float32(let v): return v
    case .float64(let v): return Float(v)
    default: return nil
    }
  }

  /// The string, if the value is one.
  package var string: String? {
    if case .string(let s) = self { return s }
    return nil
  }
}
