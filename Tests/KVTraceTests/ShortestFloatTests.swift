import Testing
import TinyTransformer

@testable import KVTrace

/// ``ShortestFloat`` must spell every `Float` exactly as `Float.description` does:
/// trace files, their goldens and the strict decoder all depend on those bytes.
@Suite(.tags(.unit)) struct ShortestFloatTests {
  /// The formatter's spelling of `value`.
  static func spelled(_ value: Float) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: ShortestFloat.maximumLength) {
      let count = ShortestFloat.write(value, to: $0.baseAddress!)
      return String(decoding: UnsafeBufferPointer(rebasing: $0[0..<count]), as: UTF8.self)
    }
  }

  /// The values of `values` whose spelling differs from `description`, at most `limit`.
  static func mismatches(_ values: some Sequence<Float>, limit: Int = 5) -> [String] {
    var found: [String] = []
    for value in values where value.isFinite && found.count < limit {
      let spelled = spelled(value)
      if spelled != value.description {
        found.append("\(value.bitPattern): \(spelled) ≠ \(value.description)")
      }
    }
    return found
  }

  @Test func edgeCasesMatchDescription() {
    var values: [Float] = [
      0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
      -.greatestFiniteMagnitude, .ulpOfOne, 1, 0.1, 0.3, 1.0 / 3, 0.0001, 0.00012345, 1e-5,
      16_777_216, 16_777_215, 33_554_432, 1e7, 8_388_607.5, 123_456.7, 1e10, -7.25e-12,
    ]
    // Around every power of ten and of two, with neighbours: the switches between
    // notations (1e-4, 2^24), the asymmetric intervals at powers of two, ties.
    for exponent in -45...38 {
      for mantissa in [1, 2, 5, 9.999999, 1.0000001] {
        guard let value = Float("\(mantissa)e\(exponent)"), value.isFinite else { continue }
        values += [value, value.nextUp, value.nextDown]
      }
    }
    for exponent in -149...127 {
      let power = Float(sign: .plus, exponent: exponent, significand: 1)
      values += [power, power.nextUp, power.nextDown, 1.5 * power]
    }
    for whole in 0..<2000 { values += [Float(whole), Float(whole) / 8] }
    values += values.map { -$0 }
    #expect(Self.mismatches(values) == [])
  }

  @Test func theSmallestSubnormalsAndLargestFinitesMatchDescription() {
    let low = (UInt32(0)..<200_000).lazy.map { Float(bitPattern: $0) }
    let high = (UInt32(0)..<200_000).lazy.map { Float(bitPattern: 0x7F7F_FFFF - $0) }
    #expect(Self.mismatches(low) == [])
    #expect(Self.mismatches(high) == [])
  }

  /// Three million random bit patterns: every exponent, every kind of significand.
  @Test func millionsOfRandomFloatsMatchDescription() {
    var random = SplitMix64(seed: 2024)
    let values = (0..<3_000_000).lazy.map { _ in
      Float(bitPattern: UInt32(truncatingIfNeeded: random.next()))
    }
    #expect(Self.mismatches(values) == [])
  }

  /// Probabilities and scores, the values a trace is made of, densely.
  @Test func traceLikeValuesMatchDescription() {
    var random = SplitMix64(seed: 7)
    let values = (0..<1_000_000).lazy.map { index in
      let unit = random.nextUnitFloat()
      return index % 2 == 0 ? unit : (unit - 0.5) * 40  // a weight, or a score
    }
    #expect(Self.mismatches(values) == [])
  }

  @Test func writerArraysMatchOneFloatAtATime() {
    let values: [Float] = [0, -0.0, 1, 0.1, 1e-05, -2.5, .infinity, .nan, 3.4028235e38]
    var one = JSONWriter()
    one.beginArray()
    for value in values { one.float(value) }
    one.endArray()
    var whole = JSONWriter()
    whole.floats(values)
    #expect(whole.bytes == one.bytes)
    #expect(
      String(decoding: whole.bytes, as: UTF8.self)
        == "[0.0,-0.0,1.0,0.1,1e-05,-2.5,null,null,3.4028235e+38]")
    var empty = JSONWriter()
    empty.floats([])
    #expect(String(decoding: empty.bytes, as: UTF8.self) == "[]")
  }
}
