import Foundation
import Testing

@testable import TinyTransformer

/// Every block format kvtrace reads, against gguf-py: rows dequantized bit for bit as
/// gguf.quants.dequantize computed them, and `dot` within float rounding of a Float64
/// dot product of those reference numbers.
@Suite(.tags(.oracle)) struct GGUFBlockTests {
  static let file = Result { try GGUFFixtures.file("all-types.gguf") }

  /// Row `r` of tensor `t.<type>`, dequantized by kvtrace.
  static func dequantized(_ type: GGMLType, row r: Int) throws -> [Float] {
    let file = try file.get()
    let tensor = try #require(file.tensor(named: "t.\(type)"))
    var out = [Float](repeating: .nan, count: tensor.columns)
    file.withTensorBytes(tensor) { base in
      out.withUnsafeMutableBufferPointer { buffer in
        let row = base + r * tensor.rowByteCount
        type.dequantizeRow(row, into: buffer.baseAddress!, count: tensor.columns)
      }
    }
    return out
  }

  /// Row `r` of tensor `t.<type>` · `x`, with `kernels` (the process's choice by default).
  static func dot(
    _ type: GGMLType, row r: Int, _ x: [Float], kernels: BlockKernels = .chosen
  ) throws -> Float {
    let file = try file.get()
    let tensor = try #require(file.tensor(named: "t.\(type)"))
    return file.withTensorBytes(tensor) { base in
      x.withUnsafeBufferPointer {
        type.dot(base + r * tensor.rowByteCount, $0.baseAddress!, count: x.count, kernels: kernels)
      }
    }
  }

  @Test(arguments: GGUFFixtures.types)
  func tensorInfoMatchesTheWriter(_ type: GGMLType) throws {
    let tensor = try #require(try Self.file.get().tensor(named: "t.\(type)"))
    #expect(tensor.type == type)
    #expect(tensor.dimensions == [GGUFFixtures.columns, GGUFFixtures.rows])
    #expect(tensor.rows == GGUFFixtures.rows)
    #expect(
      tensor.byteCount == GGUFFixtures.rows * type.rowByteCount(columns: GGUFFixtures.columns)!)
  }

  @Test(arguments: GGUFFixtures.types)
  func dequantizesBitForBitAsGGUFPy(_ type: GGMLType) throws {
    let reference = try GGUFFixtures.floats("\(type)")
    #expect(reference.count == GGUFFixtures.rows * GGUFFixtures.columns)
    var mismatches = 0
    var first = ""
    for r in 0..<GGUFFixtures.rows {
      let row = try Self.dequantized(type, row: r)
      for (i, value) in row.enumerated() {
        let expected = reference[r * GGUFFixtures.columns + i]
        if value.bitPattern != expected.bitPattern {
          if mismatches == 0 { first = "row \(r) column \(i): \(value) vs \(expected)" }
          mismatches += 1
        }
      }
    }
    #expect(mismatches == 0, "\(type): \(mismatches) numbers differ; first \(first)")
  }

  @Test(arguments: GGUFFixtures.types)
  func dotIsCloseToAFloat64DotOfTheReferenceAndDeterministic(_ type: GGMLType) throws {
    let reference = try GGUFFixtures.floats("\(type)")
    let x = try GGUFFixtures.floats("x")
    for r in 0..<GGUFFixtures.rows {
      let weights = reference[(r * GGUFFixtures.columns)..<((r + 1) * GGUFFixtures.columns)]
      let exact = zip(weights, x).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
      let magnitude = zip(weights, x).reduce(0.0) { $0 + abs(Double($1.0) * Double($1.1)) }
      let got = try Self.dot(type, row: r, x)
      // A float sum of n terms is within about n·ε of Σ|terms| (512 terms, ε = 2^-24: 3e-5);
      // the fixed orders here stay near 4e-8, so 1e-6 still catches a lost block or lane.
      #expect(
        abs(Double(got) - exact) <= 1e-6 * magnitude,
        "\(type) row \(r): dot \(got), Float64 reference \(exact), Σ|w·x| \(magnitude)")
      #expect(magnitude > 0)
      #expect(try Self.dot(type, row: r, x).bitPattern == got.bitPattern)
    }
  }

  @Test(arguments: BlockKernels.available)
  func q4_1DotAddsInItsDocumentedOrder(_ kernels: BlockKernels) throws {
    // The order Q4Rows documents, written one lane at a time from the raw block bytes:
    // lane l of a block gets lo[l]·x[l] + hi[l]·x[16+l] and x[l] + x[16+l]; then
    // acc[l] += d·qx[l] + m·sx[l]; then the lanes are summed pairwise.
    let file = try Self.file.get()
    let tensor = try #require(file.tensor(named: "t.Q4_1"))
    let x = try GGUFFixtures.floats("x")
    let bytes = [UInt8](file.data[tensor.offset..<(tensor.offset + tensor.rowByteCount)])
    func half(_ i: Int) -> Float {
      Float(Float16(bitPattern: UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8))
    }
    var acc = [Float](repeating: 0, count: 16)
    for b in 0..<(GGUFFixtures.columns / 32) {
      let (d, m) = (half(20 * b), half(20 * b + 2))
      for l in 0..<16 {
        let byte = bytes[20 * b + 4 + l]
        let (x0, x1) = (x[32 * b + l], x[32 * b + 16 + l])
        let qx = Float(byte & 0x0F) * x0 + Float(byte >> 4) * x1
        acc[l] += d * qx + m * (x0 + x1)
      }
    }
    var lanes = acc
    while lanes.count > 1 {
      let h = lanes.count / 2
      lanes = (0..<h).map { lanes[$0] + lanes[$0 + h] }
    }
    #expect(try Self.dot(.q4_1, row: 0, x, kernels: kernels).bitPattern == lanes[0].bitPattern)
  }

  @Test func threeDimensionalTensorsCountRowsAcrossTheOuterDimensions() throws {
    let cube = try #require(try Self.file.get().tensor(named: "cube"))
    #expect(cube.dimensions == [32, 3, 2])
    #expect(cube.rows == 6)
    #expect(cube.byteCount == 6 * 32 * 4)
    let file = try Self.file.get()
    var out = [Float](repeating: 0, count: 32)
    file.withTensorBytes(cube) { base in
      out.withUnsafeMutableBufferPointer {
        GGMLType.f32.dequantizeRow(base + 5 * cube.rowByteCount, into: $0.baseAddress!, count: 32)
      }
    }
    #expect(out == (160..<192).map(Float.init))
  }

  @Test func blockSizesAndRowBytesFollowGGML() {
    #expect(GGMLType.q4_1.rowByteCount(columns: 576) == 18 * 20)
    #expect(GGMLType.q8_0.rowByteCount(columns: 576) == 18 * 34)
    #expect(GGMLType.q4_K.rowByteCount(columns: 512) == 2 * 144)
    #expect(GGMLType.q6_K.rowByteCount(columns: 256) == 210)
    #expect(GGMLType.bf16.rowByteCount(columns: 3) == 6)
    #expect(GGMLType.q4_0.rowByteCount(columns: 33) == nil)
    #expect(GGMLType.q4_K.rowByteCount(columns: 32) == nil)
    #expect(GGMLType.f32.rowByteCount(columns: -1) == nil)
    #expect(GGMLType.q5_1.description == "Q5_1")
    #expect(GGMLType.q6_K.description == "Q6_K")
    #expect(GGMLType.iq2_xxs.description == "IQ2_XXS")
  }
}
