/// Receives the events a model emits while it decodes.
///
/// The model is handed a recorder; it calls ``begin(_:)`` once with the header,
/// then ``record(_:)`` for every event in order. Write your own to count, filter
/// or stream events. When ``isRecording`` is false the model does not even build
/// the events, so decoding without a trace pays nothing for instrumentation.
public protocol TraceRecorder {
  /// What the model should record: `summary` drops scores and weights.
  var detail: TraceDetail { get }
  /// Whether the model should build events at all.
  var isRecording: Bool { get }
  /// At ``TraceDetail/vectors``, how many logits each token event keeps: the `K`
  /// largest, or every logit of the vocabulary when 0.
  var logitsKept: Int { get }
  /// Called once, before any event.
  mutating func begin(_ header: TraceHeader)
  /// Called for each event, in the order the model computes them.
  mutating func record(_ event: TraceEvent)
}

extension TraceRecorder {
  /// Recorders record unless they say otherwise.
  public var isRecording: Bool { true }
  /// Every logit, unless a recorder says otherwise.
  public var logitsKept: Int { 0 }
}

/// A recorder that records nothing: decoding with it costs no instrumentation.
public struct NoRecorder: TraceRecorder {
  /// Creates the recorder.
  public init() {}
  /// Irrelevant: nothing is recorded.
  public var detail: TraceDetail { .summary }
  /// Always false, so the model skips building events.
  public var isRecording: Bool { false }
  /// Ignores the header.
  public mutating func begin(_ header: TraceHeader) {}
  /// Ignores the event.
  public mutating func record(_ event: TraceEvent) {}
}

/// A recorder that keeps every event in memory and hands back a ``Trace``.
public struct TraceLog: TraceRecorder {
  /// What to record.
  public var detail: TraceDetail
  /// The header received, if decoding has begun.
  public private(set) var header: TraceHeader?
  /// The events received so far.
  public private(set) var events: [TraceEvent] = []
  /// At `vectors` detail, how many logits a token event keeps (0: all).
  public var logitsKept: Int

  /// Creates an empty log.
  public init(detail: TraceDetail = .full, logitsKept: Int = 0) {
    self.detail = detail
    self.logitsKept = logitsKept
  }

  /// Stores the header.
  public mutating func begin(_ header: TraceHeader) { self.header = header }
  /// Appends the event.
  public mutating func record(_ event: TraceEvent) { events.append(event) }

  /// The trace recorded so far, or `nil` before decoding began.
  public var trace: Trace? { header.map { Trace(header: $0, events: events) } }
}
