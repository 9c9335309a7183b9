/// Builds a ``Trace`` from decoded events, checking that they tell a possible story.
///
/// The rules, in the order a run produces events:
///
/// - Steps count up from 0 to the header's `decodeSteps`; each starts with a
///   `stepBegan`, and every other event carries the step it belongs to.
/// - A step is *whole* when it has its `counters` and its `token` (one each;
///   an encoder-decoder's encode step chooses no token); the next step may
///   begin only after that.
/// - Every coordinate is in range: layers, heads and KV heads of the model,
///   positions of the step's sequence, tokens of the vocabulary.
///
/// Because it keeps the index of the last whole step, it can hand back the part
/// of a file that is whole when the rest was cut off.
struct TraceAssembler {
  let header: TraceHeader
  let bytes: [UInt8]
  private(set) var events: [TraceEvent] = []
  /// The step being read, once its `stepBegan` arrived.
  private(set) var current: StepBegan?
  private var hasCounters = false
  private var hasToken = false
  /// How many events belong to whole steps.
  private var wholeEventCount = 0
  /// How many whole steps there are.
  private(set) var wholeSteps = 0

  init(header: TraceHeader, bytes: [UInt8]) {
    self.header = header
    self.bytes = bytes
  }

  /// The trace up to the last whole step.
  var wholePrefix: Trace {
    Trace(header: header, events: Array(events[..<wholeEventCount]))
  }

  /// Decodes the event object `value` (found at `path`), checks it and appends it.
  mutating func add(_ value: JSONValue, path: String) throws(TraceProblem) {
    let wasWhole = isWhole
    let type = try eventType(value, path: path)
    let event: TraceEvent
    switch type {
    case "stepBegan":
      let began = try stepBegan(reader(value, path, EventFields.stepBegan))
      try begin(began, at: value.offset, path: path)
      event = .stepBegan(began)
    case "rows": event = .rows(try rows(reader(value, path, EventFields.rows), step()))
    case "attention":
      event = .attention(try attention(reader(value, path, EventFields.attention), step()))
    case "token":
      event = .token(try token(reader(value, path, EventFields.token), step()))
      try once(hasToken, "token", value, path)
      hasToken = true
    case "blocks": event = .blocks(try blocks(reader(value, path, EventFields.blocks), step()))
    case "counters":
      event = .counters(try counters(reader(value, path, EventFields.counters), step()))
      try once(hasCounters, "counters", value, path)
      hasCounters = true
    case "quantization":
      event = .quantization(
        try quantization(reader(value, path, EventFields.quantization), step()))
    default:
      throw TraceProblem(
        .outOfRange, at: value.offset, path + ".type",
        "type \"\(type)\" is not an event type; the types are \(EventFields.types)")
    }
    events.append(event)
    guard isWhole else { return }
    wholeEventCount = events.count
    if !wasWhole { wholeSteps += 1 }
  }

  /// The finished trace; fails if the file stopped before the steps its header promises.
  func finish(at offset: Int, path: String) throws(TraceProblem) -> Trace {
    let expected = (header.decodeSteps + 1) * header.sequenceCount
    guard wholeSteps == expected, wholeEventCount == events.count else {
      let whole = wholeSteps == 1 ? "1 whole step" : "\(wholeSteps) whole steps"
      let first = header.source == nil ? "a prefill" : "an encode step"
      throw TraceProblem(
        .cutShort, at: offset, path,
        "the trace ends after \(whole), but its header promises \(expected) (\(first) and "
          + "\(header.decodeSteps) decode steps); the file was cut short",
        wholePrefix: wholePrefix)
    }
    return Trace(header: header, events: events)
  }

  /// Starts step `began.step`: it must follow a whole step, in order.
  private mutating func begin(_ began: StepBegan, at offset: Int, path: String)
    throws(TraceProblem)
  {
    // With two prompts each step runs sequence 0, then sequence 1.
    let last = header.sequenceCount - 1
    let expected = current.map { $0.sequence < last ? $0.step : $0.step + 1 } ?? 0
    let expectedSequence = current.map { $0.sequence < last ? $0.sequence + 1 : 0 } ?? 0
    guard began.step == expected else {
      throw TraceProblem(
        .outOfOrder, at: offset, path + ".step",
        "step \(began.step) begins where step \(expected) should; steps count up from 0")
    }
    guard began.sequence == expectedSequence else {
      throw TraceProblem(
        .outOfOrder, at: offset, path + ".sequence",
        "sequence \(began.sequence) begins where sequence \(expectedSequence) should; each step "
          + "runs sequence 0, then sequence 1")
    }
    if let current, !isWhole {
      let missing = hasCounters ? "token" : "counters"
      throw TraceProblem(
        .outOfOrder, at: offset, path,
        "step \(began.step) begins before step \(current.step) has its \(missing) event")
    }
    current = began
    hasCounters = false
    hasToken = false
  }

  /// Whether the step being read has all its events: counters, and a token
  /// unless it is an encode step (the encoder chooses none).
  private var isWhole: Bool {
    hasCounters && (hasToken || current?.phase == .encode)
  }

  /// The step being read; every event but `stepBegan` needs one.
  private func step() throws(TraceProblem) -> StepBegan {
    guard let current else {
      throw TraceProblem(
        .outOfOrder, at: 0, "$",
        "an event comes before any step began; the first event is "
          + "the stepBegan of step 0")
    }
    return current
  }

  /// Fails if a once-per-step event was `seen` already in this step.
  private func once(_ seen: Bool, _ type: String, _ value: JSONValue, _ path: String)
    throws(TraceProblem)
  {
    guard !seen else {
      throw TraceProblem(
        .outOfOrder, at: value.offset, path,
        "step \(current?.step ?? 0) has a second \(type) event; a step has one")
    }
  }

  private func reader(_ value: JSONValue, _ path: String, _ fields: [String]) throws(TraceProblem)
    -> ObjectReader
  {
    try ObjectReader(value, path: path, bytes: bytes, allowed: fields)
  }

  /// The `type` of an event object, read before anything else decides its fields.
  private func eventType(_ value: JSONValue, path: String) throws(TraceProblem) -> String {
    guard case .object(let members) = value.kind else {
      throw JSONDecoding.wrongType(value, "an event object", path)
    }
    guard let type = members.first(where: { $0.key == "type" })?.value else {
      throw TraceProblem(
        .missingField, at: value.offset, path,
        "missing field 'type'; every event names its type (\(EventFields.types))")
    }
    guard case .string(let name) = type.kind else {
      throw JSONDecoding.wrongType(type, "a string", path + ".type")
    }
    return name
  }
}
