/// The two file formats of a trace.
///
/// Both carry the same objects (see the TraceFormat article of this catalog);
/// they differ in how the events are framed.
public enum TraceFileFormat: String, Sendable, Equatable, CaseIterable {
  /// One JSON document: `{"format":"kvtrace","version":1,"header":{…},"events":[…]}`.
  /// Easy to load whole (`json.load` in Python); one event per line inside.
  case json
  /// JSON Lines: the first line is `{"format":"kvtrace","version":1,"header":{…}}`,
  /// then one event object per line. Written as decoding runs, so a long trace
  /// never has to sit whole in memory, and a file cut short keeps its whole lines.
  case jsonl
}

/// Turns a trace into the bytes of a trace file.
///
/// The output is byte-stable: the same trace gives the same bytes on every
/// machine, because keys are written in a fixed order and numbers with
/// ``JSONWriter``'s exact rules. ``TraceDecoder`` reads these bytes back into an
/// equal ``Trace``, and encoding that again gives the same bytes.
public enum TraceEncoder {
  /// The whole file for `trace`, ending in a newline.
  ///
  /// - Parameters:
  ///   - trace: The trace to write.
  ///   - format: A single JSON document or JSON Lines.
  /// - Returns: UTF-8 JSON text.
  public static func encode(_ trace: Trace, as format: TraceFileFormat) -> [UInt8] {
    // About 160 bytes per event and 12 per score or weight: growing a 30 MB buffer
    // step by step would copy it again and again.
    let floats = trace.events.reduce(0) { count, event in
      guard case .attention(let a) = event else { return count }
      return count + (a.scores?.count ?? 0) + (a.weights?.count ?? 0)
    }
    var writer = JSONWriter(reservingCapacity: 1024 + 160 * trace.events.count + 12 * floats)
    writePreamble(trace.header, to: &writer)
    switch format {
    case .json:
      writer.key("events")
      writer.beginArray()
      for event in trace.events {
        writer.lineBreak()
        writeEvent(event, to: &writer)
      }
      writer.newline()
      writer.endArray()
      writer.endObject()
      writer.newline()
    case .jsonl:
      writer.endObject()
      writer.newline()
      for event in trace.events {
        writeEvent(event, to: &writer)
        writer.newline()
      }
    }
    return writer.bytes
  }

  /// The first line of a JSON Lines file: format, version and header, and a newline.
  public static func headerLine(_ header: TraceHeader, to writer: inout JSONWriter) {
    writePreamble(header, to: &writer)
    writer.endObject()
    writer.newline()
  }

  /// One event as a line of a JSON Lines file, newline included.
  public static func eventLine(_ event: TraceEvent, to writer: inout JSONWriter) {
    writeEvent(event, to: &writer)
    writer.newline()
  }

  /// `{"format":"kvtrace","version":1,"header":{…}`, leaving the object open.
  static func writePreamble(_ header: TraceHeader, to w: inout JSONWriter) {
    w.beginObject()
    w.field("format", TraceHeader.formatName)
    w.field("version", TraceHeader.currentVersion)
    w.key("header")
    writeHeader(header, to: &w)
  }

  static func writeHeader(_ h: TraceHeader, to w: inout JSONWriter) {
    let m = h.model
    w.beginObject()
    w.key("model")
    w.beginObject()
    for (name, value) in [
      ("layers", m.layers), ("heads", m.heads), ("kvHeads", m.kvHeads), ("dim", m.dim),
      ("mlpDim", m.mlpDim), ("contextLength", m.contextLength),
      ("vocabularySize", m.vocabularySize),
    ] {
      w.field(name, value)
    }
    if let headSize = m.explicitHeadSize { w.field("headSize", headSize) }
    w.field("architecture", h.architecture.rawValue)
    w.endObject()
    w.field("weights", h.weights)
    w.key("policy")
    w.beginObject()
    w.field("name", h.policy.name)
    w.field("exact", h.policy.exact)
    w.field("summary", h.policy.summary)
    w.endObject()
    w.key("seed")
    w.uint(h.seed)
    w.key("sampling")
    w.beginObject()
    w.field("temperature", h.sampling.temperature)
    w.field("topK", h.sampling.topK)
    w.endObject()
    w.field("prompt", h.prompt)
    tokens("promptTokens", h.promptTokens, &w)
    w.field("decodeSteps", h.decodeSteps)
    w.field("detail", h.detail.rawValue)
    if let second = h.secondPrompt {  // two prompts decoded together
      w.key("secondPrompt")
      w.beginObject()
      w.field("text", second.text)
      tokens("tokens", second.tokens, &w)
      w.endObject()
    }
    if let source = h.source {  // an encoder-decoder run: the encoder's side
      w.key("source")
      w.beginObject()
      tokens("tokens", source.tokens, &w)
      w.field("crossAttention", source.crossAttention.rawValue)
      w.endObject()
    }
    if let identity = h.identity { writeIdentity(identity, to: &w) }
    w.endObject()
  }

  /// `"identity": {…}`: which kvtrace, weights and tokenizer made the trace.
  private static func writeIdentity(_ identity: TraceIdentity, to w: inout JSONWriter) {
    w.key("identity")
    w.beginObject()
    w.field("kvtrace", identity.kvtrace)
    w.field("weights", identity.weights)
    if let digest = identity.weightsSHA256 { w.field("weightsSHA256", digest) }
    w.field("tokenizer", identity.tokenizer)
    if let digest = identity.tokenizerSHA256 { w.field("tokenizerSHA256", digest) }
    w.endObject()
  }

  /// An array of `{"id": …, "text": …}` tokens.
  private static func tokens(_ name: String, _ tokens: [TraceToken], _ w: inout JSONWriter) {
    w.key(name)
    w.beginArray()
    for token in tokens {
      w.beginObject()
      w.field("id", token.id)
      w.field("text", token.text)
      w.endObject()
    }
    w.endArray()
  }

  /// One event object, `type` first, then its fields in declaration order.
  static func writeEvent(_ event: TraceEvent, to w: inout JSONWriter) {
    w.beginObject()
    w.key("type")
    switch event {
    case .stepBegan(let e): writeStepBegan(e, &w)
    case .rows(let e): writeRows(e, &w)
    case .attention(let e): writeAttention(e, &w)
    case .token(let e): writeToken(e, &w)
    case .counters(let e): writeCounters(e, &w)
    case .quantization(let e): writeQuantization(e, &w)
    case .blocks(let e): writeBlocks(e, &w)
    }
    w.endObject()
  }

  static func field(_ name: String, _ value: Int, _ w: inout JSONWriter) {
    w.key(name)
    w.int(value)
  }

  /// A position set as runs `[[start, end], …]`, each end excluded.
  static func positions(_ name: String, _ set: PositionSet, _ w: inout JSONWriter) {
    w.key(name)
    w.beginArray()
    for range in set.ranges {
      w.beginArray()
      w.int(range.lowerBound)
      w.int(range.upperBound)
      w.endArray()
    }
    w.endArray()
  }

  /// `"sequence": n` for the second of two prompts; nothing for sequence 0, so a
  /// single prompt's trace reads as it always did.
  static func sequence(_ sequence: Int, _ w: inout JSONWriter) {
    if sequence != 0 { w.field("sequence", sequence) }
  }

  static func ints(_ name: String, _ values: [Int], _ w: inout JSONWriter) {
    w.key(name)
    w.beginArray()
    for value in values { w.int(value) }
    w.endArray()
  }

  static func floats(_ name: String, _ values: [Float], _ w: inout JSONWriter) {
    w.key(name)
    w.floats(values)
  }

  static func candidate(_ c: TokenCandidate, _ w: inout JSONWriter) {
    w.beginObject()
    w.field("token", c.token)
    w.field("text", c.text)
    w.field("probability", c.probability)
    w.endObject()
  }
}
