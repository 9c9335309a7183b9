import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

/// Every kernel variant this processor runs gives the portable kernels' very bits: on
/// every length (the 32-element blocks, the 8-element steps and every tail 0..31), on
/// random data at unaligned addresses, and through whole decodes. Serialized: the
/// whole-decode tests switch the process's active variant (other suites may run meanwhile,
/// which is harmless exactly because every variant gives the same bits).
@Suite(.tags(.oracle), .serialized) struct KernelVariantTests {
  static let lengths = Array(0...71) + [96, 127, 128, 129, 255, 288, 768, 1000, 2049]
  static let wider = KernelVariant.available.filter { $0 != .portable }

  static func random(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
    var generator = SplitMix64(seed: seed)
    return (0..<count).map { _ in generator.nextSignedFloat() * scale }
  }

  static func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

  @Test func thePortableVariantIsAlwaysAvailableAndListedFirst() {
    #expect(KernelVariant.available.first == .portable)
    #expect(KernelVariant.available.contains(KernelVariant.active))
    #if !arch(x86_64)
      #expect(KernelVariant.available == [.portable])  // Apple silicon keeps NEON
    #endif
  }

  @Test func dotProductsAreBitIdenticalOnEveryLength() {
    for variant in Self.wider {
      var mismatches: [Int] = []
      for n in Self.lengths {
        for shift in 0..<3 {  // unaligned starts too
          let a = Self.random(n + shift, seed: UInt64(10 * n + shift), scale: 3)
          let b = Self.random(n + shift, seed: UInt64(10 * n + shift) + 7_777)
          a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
              let x = pa.baseAddress! + shift
              let y = pb.baseAddress! + shift
              let portable = Kernels.dot(x, y, n: n, variant: .portable)
              let wide = Kernels.dot(x, y, n: n, variant: variant)
              if portable.bitPattern != wide.bitPattern { mismatches.append(n) }
            }
          }
        }
      }
      #expect(mismatches.isEmpty, "\(variant): lengths \(mismatches)")
    }
  }

  @Test func matrixProductsAreBitIdenticalOnEveryWidth() {
    for variant in Self.wider {
      for n in [1, 7, 8, 31, 32, 33, 48, 63, 64, 288, 769] {
        let d = 37
        let w = Self.random(d * n, seed: 300 + UInt64(n))
        let x = Self.random(9 * n, seed: 301 + UInt64(n))
        func product(_ variant: KernelVariant, rows: Range<Int>) -> [Float] {
          var out = [Float](repeating: -1, count: d)
          out.withUnsafeMutableBufferPointer {
            Kernels.matmulRows($0.baseAddress!, x, w, n: n, rows: rows, variant: variant)
          }
          return out
        }
        func batch(_ variant: KernelVariant, count: Int, rows: Range<Int>) -> [Float] {
          var out = [Float](repeating: -1, count: d * count)
          out.withUnsafeMutableBufferPointer {
            Kernels.matmulBatchRows(
              $0.baseAddress!, x, w, n: n, d: d, count: count, rows: rows, variant: variant)
          }
          return out
        }
        #expect(
          Self.bits(product(variant, rows: 0..<d)) == Self.bits(product(.portable, rows: 0..<d)))
        #expect(
          Self.bits(product(variant, rows: 5..<9)) == Self.bits(product(.portable, rows: 5..<9)))
        // Odd and even row counts, and input counts around the blocks of two and four.
        for count in 1...9 {
          for rows in [2..<d, 3..<d, 4..<5] {
            #expect(
              Self.bits(batch(variant, count: count, rows: rows))
                == Self.bits(batch(.portable, count: count, rows: rows)),
              "\(variant), n \(n), \(count) inputs, rows \(rows)")
          }
        }
      }
    }
  }

  /// A prompt's worth of inputs against a matrix taller than one block of rows: the AVX-512
  /// product walks rows in blocks of about 128 KB and inputs in tiles of about 20 KB, so
  /// these cross both, with an odd first row, and widths with and without leftover elements.
  @Test func batchedProductsAreBitIdenticalAcrossTiles() {
    for variant in Self.wider {
      for (n, d) in [(288, 250), (264, 300), (1032, 70), (32, 1100)] {
        let count = 41
        let w = Self.random(d * n, seed: 700 + UInt64(n))
        let x = Self.random(count * n, seed: 701 + UInt64(n))
        func batch(_ variant: KernelVariant, rows: Range<Int>) -> [Float] {
          var out = [Float](repeating: -1, count: d * count)
          out.withUnsafeMutableBufferPointer {
            Kernels.matmulBatchRows(
              $0.baseAddress!, x, w, n: n, d: d, count: count, rows: rows, variant: variant)
          }
          return out
        }
        for rows in [0..<d, 3..<d, 1..<(d - 2)] {
          #expect(
            Self.bits(batch(variant, rows: rows)) == Self.bits(batch(.portable, rows: rows)),
            "\(variant), n \(n), d \(d), rows \(rows)")
        }
      }
    }
  }

  @Test func addScaledIsBitIdenticalOnEveryLength() {
    for variant in Self.wider {
      for n in Self.lengths {
        let x = Self.random(n, seed: 500 + UInt64(n))
        let start = Self.random(n, seed: 501 + UInt64(n))
        var portable = start
        var wide = start
        portable.withUnsafeMutableBufferPointer {
          Kernels.addScaled($0.baseAddress!, -0.731, x, n: n, variant: .portable)
        }
        wide.withUnsafeMutableBufferPointer {
          Kernels.addScaled($0.baseAddress!, -0.731, x, n: n, variant: variant)
        }
        #expect(Self.bits(wide) == Self.bits(portable), "\(variant), n \(n)")
      }
    }
  }

  /// Grouped-query attention (two query heads per KV head) over rows stored out of order:
  /// head sizes around the 8- and 16-lane steps, heads that the AVX-512 value loop keeps in
  /// registers all six in one pass (up to 64 floats), in passes of four, three or two (72 to
  /// 128 floats) or leaves to the AVX2 loop (over 128), and row counts around the groups of
  /// eight.
  @Test(
    arguments: [1, 8, 16, 32, 33, 48, 64, 72, 96, 100, 128, 130, 200, 384, 385], [1, 8, 13, 17])
  func attentionLoopsAreBitIdentical(headSize: Int, count: Int) {
    let (heads, group) = (6, 2)
    let kvDim = heads / group * headSize
    let q = Self.random(heads * headSize, seed: 600 + UInt64(headSize))
    let keys = Self.random(count * kvDim + 5, seed: 601 + UInt64(headSize))
    let values = Self.random(count * kvDim + 5, seed: 602 + UInt64(headSize))
    let offsets = (0..<count).map { ((7 * $0) % count) * kvDim }  // rows out of order
    let weights = Self.random(heads * count, seed: 603 + UInt64(headSize))
    func run(_ variant: KernelVariant, inCache: Bool = false) -> ([Float], [Float]) {
      var scores = [Float](repeating: 0, count: heads * count)
      var out = [Float](repeating: 9, count: heads * headSize)
      scores.withUnsafeMutableBufferPointer {
        Kernels.attentionScores(
          $0.baseAddress!, q: q, keys: keys, offsets: offsets, count: count, heads: heads,
          headSize: headSize, group: group, scale: 0.125, inCache: inCache, variant: variant)
      }
      out.withUnsafeMutableBufferPointer {
        Kernels.attentionValues(
          $0.baseAddress!, weights: weights, values: values, offsets: offsets, count: count,
          heads: heads, headSize: headSize, group: group, variant: variant)
      }
      return (scores, out)
    }
    let portable = run(.portable)
    for variant in Self.wider {
      for inCache in [false, true] {  // the AVX-512 scores' two orders of reading the rows
        let wide = run(variant, inCache: inCache)
        #expect(Self.bits(wide.0) == Self.bits(portable.0), "\(variant) scores, \(inCache)")
        #expect(Self.bits(wide.1) == Self.bits(portable.1), "\(variant) outputs")
      }
    }
  }

  /// A whole decode under `variant`: every step's logits and the full trace's JSON bytes.
  static func decode(
    _ model: TinyTransformer, prompt: [Int], steps: Int, variant: KernelVariant
  ) throws -> (Generation, [UInt8]) {
    let previous = KernelVariant.active
    defer { KernelVariant.select(previous) }
    #expect(KernelVariant.select(variant))
    #expect(KernelVariant.active == variant)
    var log = TraceLog(detail: .full)
    let generation = try model.generate(
      promptTokens: prompt, steps: steps, collectLogits: true, recorder: &log)
    let trace = try #require(log.trace)
    return (generation, Array(TraceEncoder.encode(trace, as: .json)))
  }

  @Test func theTrainedDefaultDecodesTheSameBitsWithEveryVariant() throws {
    let model = try TinyTransformer.trainedDefault()
    let prompt = model.tokenizer.encode("The quick brown fox jumps over the lazy dog.")
    let portable = try Self.decode(model, prompt: prompt, steps: 12, variant: .portable)
    for variant in Self.wider {
      let wide = try Self.decode(model, prompt: prompt, steps: 12, variant: variant)
      #expect(wide.0.logits.map(Self.bits) == portable.0.logits.map(Self.bits), "\(variant)")
      #expect(wide.0 == portable.0)
      #expect(wide.1 == portable.1, "\(variant): trace bytes differ")
    }
  }

  /// llama2.c's stories15M shape (random weights): head size 48, MLP 768, 32000 logits.
  @Test func aModelOfTheStories15MShapeDecodesTheSameBitsWithEveryVariant() throws {
    let model = try stories15MShapeModel(contextLength: 16)
    let prompt = [1, 400, 1_234, 31_999]
    let portable = try Self.decode(model, prompt: prompt, steps: 3, variant: .portable)
    for variant in Self.wider {
      let wide = try Self.decode(model, prompt: prompt, steps: 3, variant: variant)
      #expect(wide.0.logits.map(Self.bits) == portable.0.logits.map(Self.bits), "\(variant)")
      #expect(wide.1 == portable.1, "\(variant): trace bytes differ")
    }
  }

  /// The bandwidth probe's sum, in every variant's registers: exact on small whole numbers,
  /// at every length around the blocks, whatever order each variant adds in.
  @Test func everyVariantsReadingSumAddsEveryFloat() {
    for variant in KernelVariant.available {
      for count in [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 100, 1000, 4099] {
        let floats = (0..<count).map { Float($0 % 5) }
        let expected = Float(floats.reduce(0, +))
        #expect(variant.readingSum(floats, count: count) == expected, "\(variant), \(count)")
      }
    }
  }

  /// The vocabulary's softmax with its exponentials shared among threads (portable), or on
  /// one thread in wider registers: the portable one-thread bits.
  @Test func aThreadedSoftmaxGivesTheOneThreadBits() {
    for n in [4096, 4097, 4103, 32_000, 32_007] {
      let logits = Self.random(n, seed: 700 + UInt64(n), scale: 12)
      var one = logits
      one.withUnsafeMutableBufferPointer {
        Kernels.softmax($0.baseAddress!, n: n, variant: .portable)
      }
      for variant in KernelVariant.available {
        for threads in [2, 3] {
          var many = logits
          many.withUnsafeMutableBufferPointer {
            Kernels.softmax($0.baseAddress!, n: n, threads: threads, variant: variant)
          }
          #expect(Self.bits(many) == Self.bits(one), "\(variant), n \(n), \(threads) threads")
        }
      }
    }
  }

  /// The checkpoint digest: with the processor's SHA instructions (when it has them) and
  /// without, the same as `sha256sum`, on every length around the block boundaries.
  @Test func sha256WithAndWithoutTheProcessorsInstructionsAgrees() {
    let known = [
      "": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "abc": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
      String(repeating: "a", count: 1000):
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3",
    ]
    for (text, digest) in known {
      #expect(SHA256.hex(Data(text.utf8)) == digest)
      #expect(SHA256.hex(Data(text.utf8), instructions: false) == digest)
    }
    var random = SplitMix64(seed: 256)
    let bytes = (0..<5000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    for count in Array(0...130) + [191, 192, 193, 4096, 5000] {
      let data = Data(bytes[0..<count])
      let portable = SHA256.hex(data, instructions: false)
      #expect(SHA256.hex(data, instructions: SHA256.hasInstructions) == portable, "\(count)")
    }
  }

  @Test func selectingAVariantTheProcessorLacksChangesNothing() {
    let before = KernelVariant.active
    for variant in KernelVariant.allCases where !KernelVariant.available.contains(variant) {
      #expect(!KernelVariant.select(variant))
      #expect(KernelVariant.active == before)
    }
    #expect(KernelVariant.select(.portable))  // forcing the portable kernels always works
    #expect(KernelVariant.active == .portable)
    #expect(KernelVariant.select(before))
  }
}
