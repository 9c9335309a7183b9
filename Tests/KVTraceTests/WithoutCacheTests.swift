import KVTrace
import Testing

/// The no-cache view of a step is derived from the cached step, never faked.
@Suite(.tags(.unit)) struct WithoutCacheTests {
  /// A decode step of a full cache: 2 layers × 2 KV heads, sequence of 5, position 4 new.
  static let decodeStep: StepRecord = {
    var record = StepRecord(
      began: StepBegan(step: 2, phase: .decode, queries: 4..<5, sequenceLength: 5))
    for layer in 0..<2 {
      for kvHead in 0..<2 {
        record.add(
          .rows(
            RowsEvent(
              step: 2, layer: layer, kvHead: kvHead, fresh: PositionSet(4..<5),
              reused: PositionSet(0..<4))))
      }
    }
    record.add(
      .attention(
        AttentionEvent(
          step: 2, layer: 0, head: 0, kvHead: 0, query: 4, keys: PositionSet(0..<5),
          weights: [0.2, 0.2, 0.2, 0.2, 0.2])))
    record.add(
      .counters(
        StepCounters(
          step: 2, rowsComputed: 4, rowsReused: 16, flops: 100, flopsWithoutCache: 500,
          cacheBytes: 640)))
    return record
  }()

  @Test func everyPositionIsFreshAndNothingIsReused() {
    let derived = Self.decodeStep.withoutCache()
    for layer in 0..<2 {
      for kvHead in 0..<2 {
        for position in 0..<5 {
          #expect(derived.source(of: position, layer: layer, kvHead: kvHead) == .fresh)
        }
        #expect(derived.source(of: 5, layer: layer, kvHead: kvHead) == .notCached)
      }
    }
    #expect(Self.decodeStep.source(of: 0, layer: 0, kvHead: 0) == .reused)
  }

  @Test func countersDescribeTheRecomputation() throws {
    let counters = try #require(Self.decodeStep.withoutCache().counters)
    #expect(counters.rowsComputed == 20)
    #expect(counters.rowsReused == 0)
    #expect(counters.flops == 500)
    #expect(counters.flopsWithoutCache == 500)
    #expect(counters.cacheBytes == 0)
  }

  @Test func attentionAndStepAreKept() {
    let derived = Self.decodeStep.withoutCache()
    #expect(derived.began == Self.decodeStep.began)
    #expect(derived.attention == Self.decodeStep.attention)
    #expect(derived.token == Self.decodeStep.token)
  }

  @Test func crossAttentionRowsServedByTheCacheBecomeFresh() {
    var record = StepRecord(
      began: StepBegan(step: 1, phase: .decode, queries: 3..<4, sequenceLength: 4))
    record.add(
      .rows(
        RowsEvent(
          step: 1, layer: 0, kind: .cross, kvHead: 0, fresh: PositionSet(),
          reused: PositionSet(0..<7))))
    let derived = record.withoutCache()
    #expect(derived.source(of: 6, layer: 0, kvHead: 0, kind: .cross) == .fresh)
    #expect(derived.rows(layer: 0, kvHead: 0, kind: .cross)?.reused.isEmpty == true)
  }
}
