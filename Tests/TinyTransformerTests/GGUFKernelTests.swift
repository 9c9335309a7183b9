import Foundation
import Testing

@testable import TinyTransformer

/// The block formats' dot products in every implementation this machine runs (the Swift
/// kernels, and on an AVX2 CPU the C ones): the same bits as the Swift kernels for random
/// rows and vectors of every format, and the choice `KVTRACE_KERNELS` makes.
@Suite(.tags(.unit)) struct GGUFKernelTests {
  /// The formats with a wide kernel (every readable one but F32, which the model's own
  /// kernels compute).
  static let formats: [GGMLType] = [.f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q4_K, .q6_K]

  /// Byte offsets of the half-precision scales in one block of `type` (kept finite).
  static func halfOffsets(_ type: GGMLType) -> [Int] {
    switch type {
    case .q8_0, .q4_0, .q5_0: [0]
    case .q4_1, .q4_K: [0, 2]
    case .q6_K: [208]
    default: []
    }
  }

  /// The bit pattern of a random finite half: normal numbers of either sign from about
  /// 2^-14 to 2^3, sometimes a subnormal or a zero.
  static func randomHalf(_ rng: inout SplitMix64) -> UInt16 {
    let sign = UInt16(rng.next() & 1) << 15
    switch rng.next() % 16 {
    case 0: return sign | UInt16(rng.next() % 0x400)  // subnormal or zero
    default: return sign | UInt16(1 + rng.next() % 17) << 10 | UInt16(rng.next() % 0x400)
    }
  }

  /// `rows` random rows of `count` numbers in `type`: random bytes, with every block's
  /// half-precision scales made finite (F16 numbers too; BF16 numbers from random floats).
  static func randomRows(_ type: GGMLType, rows: Int, count: Int, seed: UInt64) -> [UInt8] {
    var rng = SplitMix64(seed: seed)
    let rowBytes = type.rowByteCount(columns: count) ?? 0
    var bytes = (0..<(rows * rowBytes)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    func put(_ bits: UInt16, at i: Int) {
      bytes[i] = UInt8(bits & 0xFF)
      bytes[i + 1] = UInt8(bits >> 8)
    }
    switch type {
    case .f16:
      for i in stride(from: 0, to: bytes.count, by: 2) { put(randomHalf(&rng), at: i) }
    case .bf16:
      for i in stride(from: 0, to: bytes.count, by: 2) {
        put(UInt16(rng.nextSignedFloat().bitPattern >> 16), at: i)
      }
    default:
      let blockBytes = type.rowByteCount(columns: type.blockSize) ?? 1
      for block in stride(from: 0, to: bytes.count, by: blockBytes) {
        for offset in halfOffsets(type) { put(randomHalf(&rng), at: block + offset) }
      }
    }
    return bytes
  }

  /// Row `r` of `bytes` · `x` with `kernels`.
  static func dot(
    _ type: GGMLType, _ bytes: [UInt8], row r: Int, _ x: [Float], kernels: BlockKernels
  ) -> Float {
    let rowBytes = type.rowByteCount(columns: x.count) ?? 0
    return bytes.withUnsafeBytes { raw in
      x.withUnsafeBufferPointer { xs in
        type.dot(raw.baseAddress! + r * rowBytes, xs.baseAddress!, count: x.count, kernels: kernels)
      }
    }
  }

  @Test(arguments: formats)
  func everyVariantGivesThePortableBitsOnRandomRows(_ type: GGMLType) {
    // Lengths of one block up to several; F16 and BF16 also with a tail shorter than 16.
    let block = type.blockSize
    var counts = [block, 2 * block, 7 * block, max(1536, block)]
    if block == 1 { counts += [23, 577] }
    var compared = 0
    var mismatches: [String] = []
    for (c, count) in counts.enumerated() {
      let rows = 48
      let bytes = Self.randomRows(type, rows: rows, count: count, seed: 0xD07 + UInt64(c))
      var rng = SplitMix64(seed: 0xF00D + UInt64(c))
      let x = (0..<count).map { _ in rng.nextSignedFloat() * 4 }
      for r in 0..<rows {
        let portable = Self.dot(type, bytes, row: r, x, kernels: .portable)
        #expect(portable.isFinite, "\(type) row \(r) of \(count): \(portable)")
        for variant in BlockKernels.available {
          let got = Self.dot(type, bytes, row: r, x, kernels: variant)
          compared += 1
          if got.bitPattern != portable.bitPattern {
            mismatches.append("\(variant) row \(r) of \(count): \(got) vs portable \(portable)")
          }
        }
      }
    }
    #expect(compared >= 4 * 48)
    let differing = mismatches.count
    #expect(differing == 0, "\(type): first \(mismatches.prefix(3).joined(separator: "; "))")
  }

  @Test(arguments: formats)
  func everyVariantGivesThePortableBitsOnTheFixtureRows(_ type: GGMLType) throws {
    let x = try GGUFFixtures.floats("x")
    for r in 0..<GGUFFixtures.rows {
      let portable = try GGUFBlockTests.dot(type, row: r, x, kernels: .portable)
      for variant in BlockKernels.available {
        let got = try GGUFBlockTests.dot(type, row: r, x, kernels: variant)
        #expect(got.bitPattern == portable.bitPattern, "\(type) \(variant) row \(r)")
      }
    }
  }

  @Test func portableIsAlwaysAvailableAndTheProcessChoiceCanForceIt() {
    #expect(BlockKernels.available.first == .portable)
    #expect(BlockKernels.available.contains(BlockKernels.chosen))
    let both: [BlockKernels] = [.portable, .avx2]
    #expect(BlockKernels.choose(active: .portable, available: both) == .portable)
    #expect(BlockKernels.choose(active: .avx2, available: both) == .avx2)
    #expect(BlockKernels.choose(active: .portable, available: [.portable]) == .portable)
    #expect(BlockKernels.choose(active: .avx2, available: [.portable]) == .portable)
  }
}
