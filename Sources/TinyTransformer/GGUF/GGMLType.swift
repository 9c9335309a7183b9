/// The number formats ggml stores tensors in, with the numbers ggml gives them.
///
/// A GGUF tensor names its format by this number. Most formats are *block*
/// formats: a row of `n` numbers is cut into blocks of 32 (or 256 for the
/// K-quants), and each block stores a few scales plus small integers. kvtrace reads
/// the formats in ``supported``; the others are named here so an error can say
/// what a file holds.
package enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case f32 = 0
  case f16 = 1
  case q4_0 = 2
  case q4_1 = 3
  case q5_0 = 6
  case q5_1 = 7
  case q8_0 = 8
  case q8_1 = 9
  case q2_K = 10
  case q3_K = 11
  case q4_K = 12
  case q5_K = 13
  case q6_K = 14
  case q8_K = 15
  case iq2_xxs = 16
  case iq2_xs = 17
  case iq3_xxs = 18
  case iq1_s = 19
  case iq4_nl = 20
  case iq3_s = 21
  case iq2_s = 22
  case iq4_xs = 23
  case i8 = 24
  case i16 = 25
  case i32 = 26
  case i64 = 27
  case f64 = 28
  case iq1_m = 29
  case bf16 = 30
  case tq1_0 = 34
  case tq2_0 = 35
  case mxfp4 = 39

  /// The formats kvtrace dequantizes and multiplies, in the order error messages list them.
  package static let supported: [GGMLType] = [
    .f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q4_K, .q6_K,
  ]

  /// Whether kvtrace can read this format.
  package var isSupported: Bool { Self.supported.contains(self) }

  /// ggml's name for the format (`Q4_1`, `F16`, `IQ2_XXS`).
  package var description: String {
    switch self {
    case .f32: return "F32"
    case .f16: return "F16"
    case .bf16: return "BF16"
    case .f64: return "F64"
    case .i8: return "I8"
    case .i16: return "I16"
    case .i32: return "I32"
    case .i64: return "I64"
    case .q2_K: return "Q2_K"
    case .q3_K: return "Q3_K"
    case .q4_K: return "Q4_K"
    case .q5_K: return "Q5_K"
    case .q6_K: return "Q6_K"
    case .q8_K: return "Q8_K"
    default: return caseName.uppercased()
    }
  }

  /// The case's Swift name, for the formats whose ggml name is its upper-case form.
  private var caseName: String {
    switch self {
    case .q4_0: return "q4_0"
    case .q4_1: return "q4_1"
    case .q5_0: return "q5_0"
    case .q5_1: return "q5_1"
    case .q8_0: return "q8_0"
    case .q8_1: return "q8_1"
    case .iq2_xxs: return "iq2_xxs"
    case .iq2_xs: return "iq2_xs"
    case .iq3_xxs: return "iq3_xxs"
    case .iq1_s: return "iq1_s"
    case .iq4_nl: return "iq4_nl"
    case .iq3_s: return "iq3_s"
    case .iq2_s: return "iq2_s"
    case .iq4_xs: return "iq4_xs"
    case .iq1_m: return "iq1_m"
    case .tq1_0: return "tq1_0"
    case .tq2_0: return "tq2_0"
    case .mxfp4: return "mxfp4"
    default: return "type \(rawValue)"
    }
  }

  /// Numbers per block (1 for the plain float and integer formats).
  package var blockSize: Int {
    switch self {
    case .f32, .f16, .bf16, .f64, .i8, .i16, .i32, .i64: return 1
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl, .mxfp4: return 32
    default: return 256
    }
  }

  /// Bytes per block.
  package var bytesPerBlock: Int {
    switch self {
    case .f32, .i32: return 4
    case .f16, .bf16, .i16: return 2
    case .f64, .i64: return 8
    case .i8: return 1
    case .q4_0, .iq4_nl: return 18
    case .q4_1: return 20
    case .q5_0: return 22
    case .q5_1: return 24
    case .q8_0: return 34
    case .q8_1: return 40
    case .mxfp4: return 17
    case .q2_K: return 84
    case .q3_K, .iq3_s: return 110
    case .q4_K: return 144
    case .q5_K: return 176
    case .q6_K: return 210
    case .q8_K: return 292
    case .iq2_xxs, .tq2_0: return 66
    case .iq2_xs: return 74
    case .iq3_xxs: return 98
    case .iq1_s: return 50
    case .iq2_s: return 82
    case .iq4_xs: return 136
    case .iq1_m: return 56
    case .tq1_0: return 54
    }
  }

  /// The bytes a row of `columns` numbers takes, or `nil` when `columns` is not a
  /// whole number of blocks (or is negative, or the product overflows).
  package func rowByteCount(columns: Int) -> Int? {
    guard columns >= 0, columns % blockSize == 0 else { return nil }
    let (bytes, overflow) = (columns / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
    return overflow ? nil : bytes
  }
}
