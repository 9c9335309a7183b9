/// A recorder that writes the trace as JSON Lines while the model decodes.
///
/// Each event becomes one line the moment the model reports it and is handed to
/// `sink` at once, so a long run never holds its trace in memory, and a run that
/// stops early leaves a file whose whole lines can still be read and replayed.
/// The bytes are exactly those of ``TraceEncoder/encode(_:as:)`` with
/// ``TraceFileFormat/jsonl``.
///
/// The library does no file I/O: the sink decides where the bytes go (a file,
/// a socket, an array in a test).
///
/// ```swift
/// var bytes: [UInt8] = []
/// var recorder = JSONLinesRecorder(detail: .summary) { bytes += $0 }
/// _ = try model.generate(prompt: "The quick brown fox", steps: 3, recorder: &recorder)
/// // bytes now holds the header line and one line per event
/// ```
public struct JSONLinesRecorder: TraceRecorder {
  /// What the model should record: `summary` drops scores and weights.
  public var detail: TraceDetail
  /// At `vectors` detail, how many logits a token event keeps (0: all).
  public var logitsKept = 0
  private let sink: ([UInt8]) -> Void
  private var writer = JSONWriter(reservingCapacity: 4096)

  /// Creates a recorder.
  ///
  /// - Parameters:
  ///   - detail: What the model records.
  ///   - sink: Receives the bytes of each line, in order: the header line first,
  ///     then one call per event. It must not keep the array past the call if it
  ///     wants the recorder to reuse its buffer.
  public init(detail: TraceDetail = .full, sink: @escaping ([UInt8]) -> Void) {
    self.detail = detail
    self.sink = sink
  }

  /// Writes the header line.
  public mutating func begin(_ header: TraceHeader) {
    TraceEncoder.headerLine(header, to: &writer)
    flush()
  }

  /// Writes the event's line.
  public mutating func record(_ event: TraceEvent) {
    TraceEncoder.eventLine(event, to: &writer)
    flush()
  }

  private mutating func flush() {
    sink(writer.bytes)
    writer.removeAll()
  }
}
