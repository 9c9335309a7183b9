/// A recorder that hands every event to two recorders.
///
/// `kvtrace run --export t.jsonl` uses one to draw the run in the terminal (a
/// ``TraceLog``) and stream it to a file (a ``JSONLinesRecorder``) in the same
/// decoding pass.
public struct TeeRecorder<First: TraceRecorder, Second: TraceRecorder>: TraceRecorder {
  /// The first recorder; its ``TraceRecorder/detail`` is what the model records.
  public var first: First
  /// The second recorder; give it the same detail as the first.
  public var second: Second

  /// Creates a recorder that feeds `first` and then `second`.
  public init(_ first: First, _ second: Second) {
    self.first = first
    self.second = second
  }

  /// The first recorder's detail.
  public var detail: TraceDetail { first.detail }
  /// The first recorder's count of logits kept.
  public var logitsKept: Int { first.logitsKept }
  /// Whether either recorder records.
  public var isRecording: Bool { first.isRecording || second.isRecording }

  /// Passes the header to both.
  public mutating func begin(_ header: TraceHeader) {
    first.begin(header)
    second.begin(header)
  }

  /// Passes the event to both.
  public mutating func record(_ event: TraceEvent) {
    first.record(event)
    second.record(event)
  }
}
