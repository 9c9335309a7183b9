import KVTrace

/// The bookkeeping of one step, kept beside the computation rather than inside it:
/// the step's start, its attention events, its rows (with their int8 scales and
/// its block table, when the cache has them) and its counters.
///
/// The model computes; this records what it computed, and only when a recorder
/// listens: with ``NoRecorder`` no event is ever built. What the rows events say
/// comes from the cache's ``RowLedger``, never from this type.
struct StepAccounting {
  /// The step being recorded.
  let step: Int
  /// Which of two sequences decoding together (0 when alone).
  let sequence: Int
  /// Whether a recorder listens: nothing below builds an event otherwise.
  let recording: Bool
  /// Where the forward pass reports attention, while recording.
  var report: AttentionReport?
  /// FLOPs spent so far this step.
  var flops = 0

  /// The accounting of `step` for `recorder`.
  init(step: Int, sequence: Int = 0, recorder: some TraceRecorder) {
    self.step = step
    self.sequence = sequence
    recording = recorder.isRecording
    report = recording ? AttentionReport(step: step, detail: recorder.detail) : nil
  }

  /// Records that the step began: its phase, the positions it runs, the sequence length.
  func began(
    _ phase: Phase, queries: Range<Int>, length: Int, recorder: inout some TraceRecorder
  ) {
    guard recording else { return }
    recorder.record(
      .stepBegan(
        StepBegan(
          step: step, phase: phase, queries: queries, sequenceLength: length, sequence: sequence)))
  }

  /// Records the attention events the forward pass reported since the last call.
  mutating func flushAttention(to recorder: inout some TraceRecorder) {
    guard var pending = report else { return }
    for var event in pending.events {
      event.sequence = sequence
      recorder.record(.attention(event))
    }
    pending.events.removeAll(keepingCapacity: true)
    report = pending
  }

  /// Records the rows events, with `evicted` and the sequence; for a cache that rounds
  /// its rows, each fresh row's scales and errors. Returns the rows computed and reused.
  func record(
    rows: [RowsEvent], evicted: PositionSet, cache: KVCache, recorder: inout some TraceRecorder
  ) -> (computed: Int, reused: Int) {
    var computed = 0
    var reused = 0
    let vectors = report?.detail.keepsVectors == true
    for var event in rows {
      event.evicted = evicted
      event.sequence = sequence
      computed += event.fresh.count
      reused += event.reused.count
      if vectors { report?.fresh.attach(to: &event, headSize: cache.config.headSize) }
      recorder.record(.rows(event))
      if var rounded = cache.quantizationEvent(
        step: step, layer: event.layer, kvHead: event.kvHead, positions: event.fresh)
      {
        if vectors { cache.int8?.addVectors(to: &rounded) }
        recorder.record(.quantization(rounded))
      }
    }
    return (computed, reused)
  }

  /// Records the end of a decoder-only step: rows, block table, counters.
  func finish(
    rows: [RowsEvent], evicted: PositionSet, cache: KVCache, flopsWithoutCache: Int,
    recorder: inout some TraceRecorder
  ) {
    guard recording else { return }
    let (computed, reused) = record(
      rows: rows, evicted: evicted, cache: cache, recorder: &recorder)
    if let blocks = cache.takeBlocksEvent(step: step, sequence: sequence) {
      recorder.record(.blocks(blocks))
    }
    recorder.record(
      .counters(
        StepCounters(
          step: step, rowsComputed: computed, rowsReused: reused, flops: flops,
          flopsWithoutCache: flopsWithoutCache, cacheBytes: cache.bytesHeld, sequence: sequence)))
  }
}
