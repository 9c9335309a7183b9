import Foundation
import Testing
import TinyTransformer

@testable import Training

/// The functions the trainer adds to or uses from ``DeterministicMath``.
@Suite(.tags(.unit)) struct DeterministicMathTests {
  @Test func logIsWithinAnUlpOrTwoOfTheCLibrary() {
    var generator = SplitMix64(seed: 1)
    var values: [Double] = [1, 2, 0.5, 1e-30, 1e30, 1.414_213_562_373_095, 7.389_056_098_930_65]
    for _ in 0..<2000 { values.append(Double(generator.nextUnitFloat()) * 1000 + 1e-6) }
    for x in values {
      let ours = DeterministicMath.log(x)
      #expect(abs(ours - Foundation.log(x)) <= 4 * max(abs(ours), 1).ulp, "log(\(x))")
    }
    #expect(DeterministicMath.log(0) == -.infinity)
    #expect(DeterministicMath.log(-1).isNaN)
    #expect(DeterministicMath.log(1) == 0)
  }

  @Test func vectorExpEqualsScalarExpBitForBit() {
    var values = GradientCheck.random(203, seed: 2, scale: 30).map(Float.init)
    values += [-200, -100, -87.5, 88.5, 0, -0.0, .infinity, -.infinity]
    var vector = values
    vector.withUnsafeMutableBufferPointer { Float.exponentiate($0.baseAddress!, count: $0.count) }
    #expect(vector.map(\.bitPattern) == values.map { Float.exponential($0).bitPattern })
  }
}
