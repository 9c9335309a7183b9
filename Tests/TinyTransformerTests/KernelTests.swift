import Foundation
import Testing

@testable import TinyTransformer

// Array wrappers around the pointer kernels.

private func softmaxed(_ x: [Float]) -> [Float] {
  var x = x
  x.withUnsafeMutableBufferPointer { Kernels.softmax($0.baseAddress!, n: $0.count) }
  return x
}

private func rmsnormed(_ x: [Float], _ weight: [Float]) -> [Float] {
  var out = [Float](repeating: 0, count: x.count)
  out.withUnsafeMutableBufferPointer { Kernels.rmsnorm($0.baseAddress!, x, weight, n: x.count) }
  return out
}

private func roped(_ v: [Float], position: Int, table: RotaryTable) -> [Float] {
  var v = v
  var sines = [Float](repeating: 0, count: table.headSize / 2)
  var cosines = sines
  table.fill(position: position, sines: &sines, cosines: &cosines)
  v.withUnsafeMutableBufferPointer {
    Kernels.rope($0.baseAddress!, count: $0.count, sines: sines, cosines: cosines, table: table)
  }
  return v
}

private func dot(_ a: [Float], _ b: [Float]) -> Float {
  zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
}

private func randomVector(_ count: Int, _ generator: inout SplitMix64) -> [Float] {
  (0..<count).map { _ in generator.nextSignedFloat() }
}

@Test(
  .tags(.unit),
  arguments: [
    [0] as [Float], [1, 2, 3], [-5, 0, 5, 0.25], [3, 3, 3, 3], [-20, 7.5, 0.001, -0.5, 12],
  ])
func softmaxMatchesADoubleReference(_ input: [Float]) {
  let output = softmaxed(input)
  let maximum = input.map(Double.init).max()!
  let exps = input.map { Foundation.exp(Double($0) - maximum) }
  let total = exps.reduce(0, +)
  for (got, e) in zip(output, exps) {
    #expect(abs(Double(got) - e / total) <= 1e-6)
  }
  #expect(abs(output.reduce(0, +) - 1) <= 1e-6)
  #expect(output.allSatisfy { $0 >= 0 && $0 <= 1 })
}

@Test(.tags(.unit)) func softmaxIsStableForLargeInputs() {
  let output = softmaxed([1000, 1001])
  #expect(output.allSatisfy { $0.isFinite })
  let e = Foundation.exp(-1.0)
  #expect(abs(Double(output[0]) - e / (1 + e)) <= 1e-6)
  #expect(abs(Double(output[1]) - 1 / (1 + e)) <= 1e-6)
  let negative = softmaxed([-1000, -1001, -1002])
  #expect(negative.allSatisfy { $0.isFinite && $0 > 0 })
  #expect(abs(negative.reduce(0, +) - 1) <= 1e-6)
  #expect(negative[0] > negative[1] && negative[1] > negative[2])
}

@Test(.tags(.unit)) func rmsnormMatchesAHandComputation() {
  // x = [3, 4]: mean of squares 12.5, so x / rms = x / √(12.5 + 1e-5).
  let out = rmsnormed([3, 4], [1, 2])
  let rms = (12.5 + 1e-5).squareRoot()
  #expect(abs(Double(out[0]) - 3 / rms) <= 1e-6)
  #expect(abs(Double(out[1]) - 2 * 4 / rms) <= 1e-6)
  // A constant vector c normalizes to ±1 (up to epsilon), scaled by the weight.
  let constant = rmsnormed([-2, -2, -2, -2], [1, 1, 0.5, 3])
  for (got, expected) in zip(constant, [-1, -1, -0.5, -3] as [Float]) {
    #expect(abs(got - expected) <= 1e-5)
  }
}

@Test(.tags(.unit)) func ropeAtPositionZeroIsTheIdentity() {
  let table = RotaryTable(headSize: 8)
  var generator = SplitMix64(seed: 3)
  let v = randomVector(16, &generator)
  #expect(roped(v, position: 0, table: table) == v)
}

@Test(.tags(.unit), arguments: [1, 5, 17, 63])
func ropePreservesEachPairsNorm(position: Int) {
  let table = RotaryTable(headSize: 8)
  var generator = SplitMix64(seed: UInt64(position))
  let v = randomVector(16, &generator)
  let rotated = roped(v, position: position, table: table)
  #expect(rotated != v)
  for i in stride(from: 0, to: 16, by: 2) {
    let before = v[i] * v[i] + v[i + 1] * v[i + 1]
    let after = rotated[i] * rotated[i] + rotated[i + 1] * rotated[i + 1]
    #expect(abs(before - after) <= 1e-5, "pair \(i / 2)")
  }
}

@Test(.tags(.unit)) func ropeRotatesPairZeroByThePosition() {
  // Pair 0 of each head has θ = 1, so position p rotates it by p radians.
  let table = RotaryTable(headSize: 4)
  let rotated = roped([1, 0, 0, 0, 1, 0, 0, 0], position: 3, table: table)
  #expect(abs(rotated[0] - Float(Foundation.cos(3.0))) <= 1e-6)
  #expect(abs(rotated[1] - Float(Foundation.sin(3.0))) <= 1e-6)
  #expect(abs(rotated[4] - Float(Foundation.cos(3.0))) <= 1e-6)  // second head, same angle
  #expect(abs(rotated[5] - Float(Foundation.sin(3.0))) <= 1e-6)
}

@Test(.tags(.unit), arguments: [(3, 1, 10, 8), (7, 7, 20, 20), (2, 9, 30, 37)])
func ropeDotProductDependsOnlyOnTheOffset(m1: Int, n1: Int, m2: Int, n2: Int) {
  #expect(m1 - n1 == m2 - n2)
  let table = RotaryTable(headSize: 8)
  var generator = SplitMix64(seed: 11)
  let q = randomVector(8, &generator)
  let k = randomVector(8, &generator)
  let first = dot(roped(q, position: m1, table: table), roped(k, position: n1, table: table))
  let second = dot(roped(q, position: m2, table: table), roped(k, position: n2, table: table))
  #expect(abs(first - second) <= 1e-4)
  // A different offset gives a different product, so the check can fail.
  let other = dot(roped(q, position: m1 + 1, table: table), roped(k, position: n1, table: table))
  #expect(abs(first - other) > 1e-3)
}

@Test(.tags(.unit)) func matmulMatchesAHandComputedExample() {
  // W = [[1, 2, 3], [4, 5, 6]], x = [1, 0, -1]: W·x = [-2, -2]; x = [0.5, 1, 2]: [8.5, 19].
  let w: [Float] = [1, 2, 3, 4, 5, 6]
  var out = [Float](repeating: .nan, count: 2)
  out.withUnsafeMutableBufferPointer { Kernels.matmul($0.baseAddress!, [1, 0, -1], w, n: 3, d: 2) }
  #expect(out == [-2, -2])
  out.withUnsafeMutableBufferPointer {
    Kernels.matmul($0.baseAddress!, [0.5, 1, 2], w, n: 3, d: 2)
  }
  #expect(out == [8.5, 19])
}

@Test(.tags(.unit)) func swigluMatchesTheFormula() {
  let gate: [Float] = [-3, -0.5, 0, 0.5, 2, 8]
  let up: [Float] = [1, 2, 3, -1, 0.5, 0.25]
  var out = gate
  out.withUnsafeMutableBufferPointer { Kernels.swiglu($0.baseAddress!, up, n: $0.count) }
  for i in gate.indices {
    let g = Double(gate[i])
    let expected = g / (1 + Foundation.exp(-g)) * Double(up[i])
    #expect(abs(Double(out[i]) - expected) <= 1e-6, "element \(i)")
  }
  #expect(out[2] == 0)
}

@Test(.tags(.unit)) func addIsTheResidualSum() {
  var x: [Float] = [1, 2, 3]
  x.withUnsafeMutableBufferPointer { Kernels.add($0.baseAddress!, [0.5, -2, 10], n: 3) }
  #expect(x == [1.5, 0, 13])
}

@Test(.tags(.unit)) func deterministicExpMatchesFoundation() {
  var worst = 0.0
  for i in 0...15_000 {
    let x = -100 + Double(i) * 0.01 + 0.001_234_5
    let expected = Foundation.exp(x)
    worst = max(worst, abs(DeterministicMath.exp(x) - expected) / expected)
  }
  #expect(worst <= 1e-12)
  #expect(DeterministicMath.exp(0) == 1)
  #expect(DeterministicMath.exp(800) == .infinity)
  #expect(DeterministicMath.exp(-800) == 0)
  #expect(DeterministicMath.exp(.nan).isNaN)
}

@Test(.tags(.unit)) func deterministicSinCosMatchesFoundation() {
  // Relative to the value, but never finer than 1e-12 absolute (sin and cos cross zero).
  var worst = 0.0
  for i in 0...50_000 {
    let x = Double(i) * 0.1 + 0.000_321
    let (sin, cos) = DeterministicMath.sinCos(x)
    worst = max(worst, abs(sin - Foundation.sin(x)) / max(1, abs(Foundation.sin(x))))
    worst = max(worst, abs(cos - Foundation.cos(x)) / max(1, abs(Foundation.cos(x))))
  }
  #expect(worst <= 1e-12)
  let zero = DeterministicMath.sinCos(0)
  #expect(zero.sin == 0 && zero.cos == 1)
  let negative = DeterministicMath.sinCos(-2.5)
  #expect(abs(negative.sin - Foundation.sin(-2.5)) <= 1e-15)
  #expect(abs(negative.cos - Foundation.cos(-2.5)) <= 1e-15)
}

/// SplitMix64 as Vigna's splitmix64.c defines it (https://prng.di.unimi.it/splitmix64.c),
/// written out here independently of the library.
private func referenceSplitMix(seed: UInt64, count: Int) -> [UInt64] {
  var state = seed
  return (0..<count).map { _ in
    state = state &+ 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

// The published first outputs of splitmix64.c seeded with 0 (they also seed xoshiro).
@Test(.tags(.unit)) func splitMixSeedZeroGivesTheKnownStream() {
  var generator = SplitMix64(seed: 0)
  let outputs = (0..<4).map { _ in generator.next() }
  #expect(
    outputs == [
      0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC,
    ])
  #expect(outputs == referenceSplitMix(seed: 0, count: 4))
  var other = SplitMix64(seed: 0xDEAD_BEEF)
  #expect((0..<8).map { _ in other.next() } == referenceSplitMix(seed: 0xDEAD_BEEF, count: 8))
}

@Test(.tags(.unit)) func splitMixIsDeterministicAndSeedDependent() {
  var a = SplitMix64(seed: 12345)
  var b = SplitMix64(seed: 12345)
  var c = SplitMix64(seed: 12346)
  let streamA = (0..<64).map { _ in a.next() }
  #expect(streamA == (0..<64).map { _ in b.next() })
  #expect(streamA != (0..<64).map { _ in c.next() })
}

@Test(.tags(.unit)) func splitMixUnitFloatsStayInTheUnitInterval() {
  var generator = SplitMix64(seed: 99)
  var bits = SplitMix64(seed: 99)
  var total = 0.0
  for _ in 0..<10_000 {
    let value = generator.nextUnitFloat()
    #expect(value >= 0 && value < 1)
    #expect(value == Float(bits.next() >> 40) / 16_777_216)  // the top 24 bits, exactly
    total += Double(value)
  }
  #expect(abs(total / 10_000 - 0.5) < 0.02)
  var signed = SplitMix64(seed: 5)
  for _ in 0..<1_000 {
    let value = signed.nextSignedFloat()
    #expect(value >= -1 && value < 1)
  }
}
