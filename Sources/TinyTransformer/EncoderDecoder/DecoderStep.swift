import KVTrace

/// What one decoder step computed, reused and produced.
///
/// The rows are the truth read from the caches: a row is fresh when this step
/// wrote it, reused when an earlier step did. They are the same events a trace
/// records, so the library's step-by-step API and a recorded run tell the same
/// story.
public struct DecoderStep: Sendable {
  /// The step's index in a trace (step 0 is the encoder's).
  public var step: Int
  /// The position of the token this step fed in.
  public var position: Int
  /// The positions this step ran through the decoder: the newest alone with a
  /// cache, every one without.
  public var queries: Range<Int>
  /// The logits for the next token.
  public var logits: [Float]
  /// Self-attention rows, one event per (layer, KV head).
  public var selfRows: [RowsEvent]
  /// Cross-attention rows, one event per (layer, KV head): always the source's
  /// positions, fresh or reused.
  public var crossRows: [RowsEvent]
  /// The step's work and the bytes the caches hold after it.
  public var counters: StepCounters

  /// Self-attention K/V rows computed at this step, over all layers and KV heads.
  public var selfRowsComputed: Int { selfRows.reduce(0) { $0 + $1.fresh.count } }
  /// Self-attention K/V rows read back from the cache.
  public var selfRowsReused: Int { selfRows.reduce(0) { $0 + $1.reused.count } }
  /// Cross-attention K/V rows projected from the encoder output at this step.
  public var crossRowsComputed: Int { crossRows.reduce(0) { $0 + $1.fresh.count } }
  /// Cross-attention K/V rows read back from the cache.
  public var crossRowsReused: Int { crossRows.reduce(0) { $0 + $1.reused.count } }
}
