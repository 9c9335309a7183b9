import Testing

@testable import TinyTransformer

/// The softmax, SwiGLU and top-k scan in wider registers give the portable kernels' very
/// bits and indices: on every length around the 8- and 16-lane steps, on values whose
/// exponentials leave the vector path's range (underflow to subnormals and zero, overflow,
/// infinities, NaN), and on values full of ties.
@Suite(.tags(.oracle)) struct SoftmaxVariantTests {
  static let lengths = Array(0...40) + [47, 48, 49, 255, 256, 257, 768, 4099, 32_000]
  static let wider = KernelVariant.available.filter { $0 != .portable }

  /// `count` values: random at `scale`, with the specials of `specials` at their indices.
  static func values(_ count: Int, seed: UInt64, scale: Float, specials: [Int: Float] = [:])
    -> [Float]
  {
    var values = KernelVariantTests.random(count, seed: seed, scale: scale)
    for (index, value) in specials where index < count { values[index] = value }
    return values
  }

  /// The bits of softmax(values) under `variant`, every NaN as one pattern: which NaN an
  /// operation on two NaNs returns is the compiler's choice (it may swap the operands of a
  /// sum or a product), in the portable Swift kernel as much as in C. Every number, and
  /// where the NaNs are, must match.
  static func softmax(_ values: [Float], _ variant: KernelVariant) -> [UInt32] {
    var x = values
    x.withUnsafeMutableBufferPointer {
      Kernels.softmax($0.baseAddress!, n: $0.count, variant: variant)
    }
    return x.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern }
  }

  @Test func softmaxIsBitIdenticalOnEveryLengthAndRange() {
    for variant in Self.wider {
      for n in Self.lengths {
        // Scale 200: most differences from the maximum fall below −87, where each
        // exponential leaves the vector path (subnormal results, then zero).
        for scale: Float in [1, 12, 60, 200] {
          let x = Self.values(n, seed: 900 + UInt64(n), scale: scale)
          #expect(
            Self.softmax(x, variant) == Self.softmax(x, .portable), "\(variant) n \(n) ×\(scale)")
        }
      }
    }
  }

  /// Every difference from the maximum (0, first) is the exponential's input as is: a sweep
  /// across the whole range, sixteen inputs at a time, each through both variants.
  @Test func softmaxExponentialsAgreeAcrossTheirWholeRange() {
    for variant in Self.wider {
      var mismatches: [Float] = []
      var input: Float = -110
      while input < 0 {
        var x: [Float] = [0]
        for lane in 0..<33 { x.append(min(input + Float(lane) * 0.003_17, 0)) }
        if Self.softmax(x, variant) != Self.softmax(x, .portable) { mismatches.append(input) }
        input += 0.1
      }
      #expect(mismatches.isEmpty, "\(variant): from \(mismatches.prefix(5))")
    }
  }

  @Test func softmaxAgreesOnInfinitiesAndNaN() {
    let specials: [[Int: Float]] = [
      [0: .nan], [5: .nan], [17: .nan, 3: .infinity], [9: .infinity], [2: -.infinity],
      [0: -.infinity, 1: -.infinity], [16: .infinity, 31: .infinity],
      [4: .greatestFiniteMagnitude, 6: -.greatestFiniteMagnitude],
      [0: 0, 1: -0.0, 2: 0], [7: .leastNonzeroMagnitude],
    ]
    for variant in Self.wider {
      for (i, special) in specials.enumerated() {
        for n in [1, 3, 8, 15, 16, 17, 33, 40] {
          let x = Self.values(n, seed: 950 + UInt64(i), scale: 5, specials: special)
          #expect(
            Self.softmax(x, variant) == Self.softmax(x, .portable), "\(variant) \(special) n \(n)")
        }
      }
      let equal = [Float](repeating: 3.25, count: 37)  // ties everywhere
      #expect(Self.softmax(equal, variant) == Self.softmax(equal, .portable))
    }
  }

  /// One attention's heads at once (rows of one length, their sums taken together): each
  /// row exactly as the portable softmax of that row alone, for 1 to 11 rows (the sums go
  /// eight rows at a time), on every length, with specials in some rows only (a NaN row
  /// beside number rows, an infinity, underflow) so that no row's sum can leak into another's.
  @Test func softmaxOfRowsGivesEachRowsOwnBits() {
    for variant in KernelVariant.available {
      for n in Self.lengths where n <= 257 {
        for rows in [1, 2, 3, 6, 8, 9, 11] {
          var x: [Float] = []
          for row in 0..<rows {
            let specials: [Int: Float] =
              switch row % 4 {
              case 1: [n / 2: .nan]
              case 2: [n / 3: .infinity]
              default: [:]
              }
            x += Self.values(
              n, seed: 1_200 + UInt64(n * 16 + row), scale: row == 3 ? 200 : 12,
              specials: specials)
          }
          var together = x
          together.withUnsafeMutableBufferPointer {
            Kernels.softmax(rows: $0.baseAddress!, n: n, count: rows, variant: variant)
          }
          let each = (0..<rows).flatMap { row in
            Self.softmax(Array(x[(row * n)..<((row + 1) * n)]), .portable)
          }
          let bits = together.map { $0.isNaN ? Float.nan.bitPattern : $0.bitPattern }
          #expect(bits == each, "\(variant) n \(n), \(rows) rows")
        }
      }
    }
  }

  @Test func swigluIsBitIdenticalOnEveryLengthAndRange() {
    for variant in Self.wider {
      for n in Self.lengths {
        for scale: Float in [1, 9, 95, 130] {  // exp(−g) overflows past g ≈ −88.7
          var gate = Self.values(
            n, seed: 1_000 + UInt64(n), scale: scale,
            specials: [
              3: .nan, 11: .infinity, 20: -.infinity, 30: -0.0, 35: 0,
            ])
          let up = Self.values(n, seed: 1_001 + UInt64(n), scale: 2)
          var portable = gate
          portable.withUnsafeMutableBufferPointer {
            Kernels.swiglu($0.baseAddress!, up, n: n, variant: .portable)
          }
          gate.withUnsafeMutableBufferPointer {
            Kernels.swiglu($0.baseAddress!, up, n: n, variant: variant)
          }
          #expect(
            KernelVariantTests.bits(gate) == KernelVariantTests.bits(portable),
            "\(variant) n \(n) ×\(scale)")
        }
      }
    }
  }

  /// The runners-up of every step, and greedy decoding's choice: the same indices in the
  /// same order, with ties (values on a coarse grid), NaN among the first k (which then
  /// blocks every later value, as the portable scan has it) or later (never chosen), and
  /// infinities.
  @Test func topKChoosesTheSameIndicesInTheSameOrder() {
    let specials: [[Int: Float]] = [
      [:], [0: .nan], [2: .nan], [40: .nan, 41: .infinity], [19: .infinity, 23: .infinity],
      [1: -.infinity], [100: .nan],
    ]
    for variant in Self.wider {
      for n in Self.lengths {
        for (i, special) in specials.enumerated() {
          for grid: Float in [0, 4] {  // 0: distinct values; 4: many ties
            var values = Self.values(n, seed: 1_100 + UInt64(n) + UInt64(i), scale: 8)
            if grid > 0 { values = values.map { ($0 * grid).rounded() / grid } }
            for (index, value) in special where index < n { values[index] = value }
            values.withUnsafeBufferPointer { all in
              #expect(
                Sampler.argmax(all, variant: variant) == Sampler.argmax(all, variant: .portable),
                "\(variant) n \(n) argmax \(special) grid \(grid)")
            }
            for k in [1, 2, 5, 7, 40] {
              values.withUnsafeBufferPointer { all in
                #expect(
                  Sampler.top(k, of: all, variant: variant)
                    == Sampler.top(k, of: all, variant: .portable),
                  "\(variant) n \(n) k \(k) \(special) grid \(grid)")
              }
            }
          }
        }
      }
    }
  }
}
