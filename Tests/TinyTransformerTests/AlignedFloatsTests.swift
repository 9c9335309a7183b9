import KVTrace
import Testing

@testable import TinyTransformer

/// The kernels' working memory starts on cache-line boundaries: the batched products'
/// inputs, the decode scratch and every cache's rows (a row of a multiple of 16 floats then
/// keeps the boundary). `malloc` alone gives 16 bytes, which a large buffer usually is off by.
@Suite(.tags(.unit)) struct AlignedFloatsTests {
  static func onLine(_ pointer: UnsafeRawPointer) -> Bool {
    Int(bitPattern: pointer) % AlignedFloats.alignment == 0
  }

  @Test func everySizeStartsOnACacheLine() {
    for count in [0, 1, 3, 16, 17, 1_000, 288 * 200, 1 << 20, (1 << 20) + 5] {
      let floats = AlignedFloats.allocate(count)
      defer { floats.deallocate() }
      #expect(Self.onLine(floats), "\(count) floats")
      floats[max(count, 1) - 1] = 1  // the last one is there to write
      let zeroed = AlignedFloats.zeroed(count)
      defer { zeroed.deallocate() }
      #expect(Self.onLine(zeroed.baseAddress!) && zeroed.allSatisfy { $0 == 0 })
    }
  }

  /// The rows of a 15M-shaped cache (288 floats a row) each start on a line, in the float,
  /// paged and int8 caches (the last's staging rows, where a fresh row is computed).
  @Test func cachedRowsStartOnCacheLines() throws {
    let c = ModelConfig(
      layers: 2, heads: 6, kvHeads: 6, dim: 288, mlpDim: 768, contextLength: 64,
      vocabularySize: 32)
    for cache in [
      KVCache(config: c), KVCache(config: c, blockSize: 16), KVCache(config: c, quantized: true),
    ] {
      for (layer, position) in [(0, 0), (0, 1), (1, 37), (1, 63)] {
        let (key, value) = cache.slots(layer: layer, position: position)
        #expect(Self.onLine(key) && Self.onLine(value), "\(type(of: cache.storage)) \(position)")
      }
    }
    let scratch = Scratch(config: c)
    for buffer in [scratch.x, scratch.xb, scratch.q, scratch.gate, scratch.scores] {
      #expect(Self.onLine(buffer))
    }
    let batch = BatchScratch(config: c, count: 200)
    for buffer in [batch.x, batch.n, batch.q, batch.k, batch.attended, batch.gate, batch.up] {
      #expect(Self.onLine(buffer))
    }
  }
}
