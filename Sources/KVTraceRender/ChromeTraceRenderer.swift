import KVTrace

/// A trace as a Chrome Trace Event file, for Perfetto (ui.perfetto.dev) and chrome://tracing.
///
/// The viewers draw time on the horizontal axis, one track per thread. kvtrace
/// has no threads and measures no time, so it maps its trace onto that picture:
///
/// - Track `steps` holds one slice per step, named after the token it chose.
/// - Track `layer L` holds, inside every step, one slice for that layer's
///   attention: what the layer's queries read.
/// - Counter tracks show, per layer, how many K/V rows each step computed
///   fresh and how many it reused, and how many bytes the cache holds.
///
/// Time is a *logical clock*, not a measurement: one microsecond per attention
/// score computed (one query against one key in one head). A slice is as long
/// as the attention work it stands for, so a cached decode step is visibly
/// short and an uncached one visibly long, and the file is the same bytes on
/// every machine. Layers are laid end to end within their step.
public enum ChromeTraceRenderer {
  /// The file's bytes: a JSON object with `traceEvents`, one event per line.
  ///
  /// - Parameter trace: The trace to draw.
  /// - Returns: UTF-8 JSON in the Chrome Trace Event format.
  public static func render(_ trace: Trace) -> [UInt8] {
    var file = EventList(capacity: 256 * trace.events.count / 8 + 4096)
    let header = trace.header
    file.writer.beginObject()
    file.writer.key("otherData")
    file.writer.beginObject()
    for (key, value) in [
      ("generator", "kvtrace"), ("clock", "1 us = one attention score (a query against a key)"),
      ("prompt", header.prompt), ("cache", header.policy.name), ("detail", header.detail.rawValue),
    ] {
      file.writer.field(key, value)
    }
    file.writer.endObject()
    file.writer.key("traceEvents")
    file.writer.beginArray()
    file.metadata("process_name", tid: 0, "kvtrace: cache \(header.policy.name)")
    file.metadata("thread_name", tid: 0, "steps")
    for layer in 0..<header.model.layers {
      file.metadata("thread_name", tid: layer + 1, "layer \(layer)")
    }
    var clock = 0
    for record in trace.steps {
      clock += writeStep(record, in: trace, at: clock, into: &file)
    }
    file.writer.newline()
    file.writer.endArray()
    file.writer.endObject()
    file.writer.newline()
    return file.writer.bytes
  }

  /// Writes one step's slices and counters starting at `start`; returns its duration.
  private static func writeStep(
    _ record: StepRecord, in trace: Trace, at start: Int, into file: inout EventList
  ) -> Int {
    let layers = trace.header.model.layers
    var work = [Int](repeating: 0, count: layers)
    var queries = [Set<Int>](repeating: [], count: layers)
    for event in record.attention where event.layer < layers {
      work[event.layer] += event.keys.count
      queries[event.layer].insert(event.query)
    }
    // Every slice lasts at least 1 µs, so a viewer can show it.
    let durations = work.map { max(1, $0) }
    let duration = durations.reduce(0, +)
    file.slice(name(record), category: "step", tid: 0, start: start, duration: duration) { w in
      stepArguments(record, into: &w)
    }
    var layerStart = start
    for layer in 0..<layers {
      // Self-attention rows; an encoder-decoder's cross-attention rows get tracks of their own.
      let (fresh, reused) = rowCounts(record, layer: layer, kind: .self)
      let cross = rowCounts(record, layer: layer, kind: .cross)
      let hasCross = record.rows.contains { $0.layer == layer && $0.kind == .cross }
      file.slice(
        "attention", category: "layer", tid: layer + 1, start: layerStart,
        duration: durations[layer]
      ) { w in
        var fields = [
          ("queries", queries[layer].count), ("scores", work[layer]), ("fresh rows", fresh),
          ("reused rows", reused),
        ]
        if hasCross { fields += [("fresh cross rows", cross.0), ("reused cross rows", cross.1)] }
        for (key, value) in fields { w.field(key, value) }
      }
      file.counter("K/V rows, layer \(layer)", at: start, [("fresh", fresh), ("reused", reused)])
      if hasCross {
        file.counter(
          "cross K/V rows, layer \(layer)", at: start, [("fresh", cross.0), ("reused", cross.1)])
      }
      layerStart += durations[layer]
    }
    if let counters = record.counters {
      file.counter("cache bytes", at: start, [("bytes", counters.cacheBytes)])
    }
    for blocks in record.blocks {  // a paged cache: blocks in use against the pool
      file.counter(
        "cache blocks", at: start,
        [("in use", blocks.blocksInUse), ("free", blocks.capacity - blocks.blocksInUse)])
    }
    return duration
  }

  /// The fresh and reused rows of one layer and kind, over its KV heads.
  private static func rowCounts(_ record: StepRecord, layer: Int, kind: AttentionKind) -> (
    Int, Int
  ) {
    let rows = record.rows.filter { $0.layer == layer && $0.kind == kind }
    return (rows.reduce(0) { $0 + $1.fresh.count }, rows.reduce(0) { $0 + $1.reused.count })
  }

  /// `step 1 decode → " sit"`.
  private static func name(_ record: StepRecord) -> String {
    let sequence = record.sequence > 0 ? " sequence \(record.sequence)" : ""
    let base = "step \(record.step) \(record.began.phase.rawValue)\(sequence)"
    guard let token = record.token else { return base }
    return base + " → \"\(token.chosen.text)\""
  }

  private static func stepArguments(_ record: StepRecord, into w: inout JSONWriter) {
    let q = record.began.queries
    w.key("queries")  // [start, end], end excluded, as the trace file writes positions
    w.beginArray()
    w.int(q.lowerBound)
    w.int(q.upperBound)
    w.endArray()
    w.field("sequenceLength", record.began.sequenceLength)
    if let c = record.counters {
      for (key, value) in [
        ("rowsComputed", c.rowsComputed), ("rowsReused", c.rowsReused), ("flops", c.flops),
        ("flopsWithoutCache", c.flopsWithoutCache), ("cacheBytes", c.cacheBytes),
      ] {
        w.field(key, value)
      }
    }
    if let token = record.token {
      w.field("token", token.chosen.text)
      w.field("probability", token.chosen.probability)
    }
  }
}

/// The `traceEvents` array being written, one event per line.
private struct EventList {
  var writer: JSONWriter
  let pid = 1

  init(capacity: Int) { writer = JSONWriter(reservingCapacity: capacity) }

  /// Opens an event object on a new line with its common fields.
  private mutating func begin(_ name: String, phase: String, tid: Int?, at time: Int?) {
    writer.lineBreak()
    writer.beginObject()
    writer.field("name", name)
    writer.field("ph", phase)
    if let time {
      writer.field("ts", time)
    }
    writer.field("pid", pid)
    if let tid {
      writer.field("tid", tid)
    }
  }

  /// A metadata event: a process or thread name.
  mutating func metadata(_ name: String, tid: Int, _ value: String) {
    begin(name, phase: "M", tid: tid, at: nil)
    writer.key("args")
    writer.beginObject()
    writer.field("name", value)
    writer.endObject()
    writer.endObject()
  }

  /// A complete ("X") slice.
  mutating func slice(
    _ name: String, category: String, tid: Int, start: Int, duration: Int,
    arguments: (inout JSONWriter) -> Void
  ) {
    begin(name, phase: "X", tid: tid, at: start)
    writer.field("dur", duration)
    writer.field("cat", category)
    writer.key("args")
    writer.beginObject()
    arguments(&writer)
    writer.endObject()
    writer.endObject()
  }

  /// A counter ("C") sample: each argument becomes a series.
  mutating func counter(_ name: String, at time: Int, _ values: [(String, Int)]) {
    begin(name, phase: "C", tid: nil, at: time)
    writer.key("args")
    writer.beginObject()
    for (key, value) in values {
      writer.field(key, value)
    }
    writer.endObject()
    writer.endObject()
  }
}
