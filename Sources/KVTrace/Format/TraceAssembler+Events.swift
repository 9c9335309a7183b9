// Decoding each event type, with the range checks that tie it to the header and its step.

extension TraceAssembler {
  var model: ModelConfig { header.model }

  func stepBegan(_ o: ObjectReader) throws(TraceProblem) -> StepBegan {
    let step = try o.int(
      "step", in: 0...header.decodeSteps,
      "the header promises a prefill (step 0) and \(header.decodeSteps) decode steps")
    let sequence = try sequence(o)
    let phase = try o.name("phase", as: Phase.self)
    let encodes = header.source != nil && step == 0
    guard (phase == .encode) == encodes else {
      throw TraceProblem(
        .outOfRange, at: try o.required("phase").offset, o.path + ".phase",
        header.source == nil
          ? "a decoder-only trace has no encode step"
          : "an encoder-decoder trace encodes at step 0, once, and decodes at every later step")
    }
    let prompt = header.promptTokens(sequence: sequence).count
    let known = encodes ? sourceLength : prompt + step - (header.source == nil ? 0 : 1)
    let length = try o.int(
      "sequenceLength", in: 1...max(1, known),
      encodes
        ? "the encoder reads the source's \(known) tokens"
        : "at step \(step) the sequence has at most \(known) tokens (the prompt's "
          + "\(prompt) and one chosen per earlier step)")
    let pair = try o.array("queries")
    guard pair.count == 2 else {
      throw TraceProblem(
        .wrongType, at: try o.required("queries").offset, o.path + ".queries",
        "queries is [start, end] (end excluded), found \(pair.count) numbers")
    }
    let start = try JSONDecoding.int(pair[0], o.path + ".queries[0]", o.bytes)
    let end = try JSONDecoding.int(pair[1], o.path + ".queries[1]", o.bytes)
    guard 0 <= start, start <= end, end <= length else {
      throw TraceProblem(
        .outOfRange, at: pair[0].offset, o.path + ".queries",
        "queries [\(start), \(end)] must satisfy 0 <= start <= end <= sequenceLength (\(length))")
    }
    return StepBegan(
      step: step, phase: phase, queries: start..<end, sequenceLength: length, sequence: sequence)
  }

  func rows(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> RowsEvent {
    let step = try sameStep(o, s)
    let layer = try layer(o)
    let kind = try o.name("kind", as: AttentionKind.self)
    let (n, note) = bound(kind, s)
    let event = RowsEvent(
      step: step, layer: layer, kind: kind,
      kvHead: try o.int(
        "kvHead", in: 0...(model.kvHeads - 1), "the model has \(model.kvHeads) KV heads"),
      fresh: try o.positions("fresh", below: n, note),
      reused: try o.positions("reused", below: n, note),
      evicted: try o.positions("evicted", below: n, note),
      shared: o.optional("shared") == nil
        ? PositionSet() : try o.positions("shared", below: n, note),
      sequence: s.sequence)
    if let stray = event.shared.first(where: { !event.reused.contains($0) }) {
      throw TraceProblem(
        .outOfRange, at: try o.required("shared").offset, o.path + ".shared",
        "position \(stray) is shared but not reused; a shared row is one read from the cache "
          + "that another sequence computed")
    }
    let overlap = event.fresh.ranges.contains { run in
      event.reused.ranges.contains { $0.overlaps(run) }
    }
    guard !overlap else {
      throw TraceProblem(
        .outOfRange, at: try o.required("reused").offset, o.path + ".reused",
        "a position is both fresh and reused; a row is either computed at this step or read "
          + "from the cache")
    }
    return event
  }

  func attention(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> AttentionEvent {
    let step = try sameStep(o, s)
    let layer = try layer(o)
    let kind = try o.name("kind", as: AttentionKind.self)
    let head = try o.int("head", in: 0...(model.heads - 1), "the model has \(model.heads) heads")
    let expectedKV = model.kvHead(forQueryHead: head)
    let kvHead = try o.int(
      "kvHead", in: expectedKV...expectedKV,
      "query head \(head) reads KV head \(expectedKV) (\(model.heads) heads share "
        + "\(model.kvHeads) KV heads in groups of \(model.queriesPerKVHead))")
    let n = s.sequenceLength
    let query = try o.int("query", in: 0...(n - 1), "step \(s.step)'s sequence has \(n) positions")
    let (keyBound, note) = bound(kind, s)
    let keys = try o.positions("keys", below: keyBound, note)
    // Causal, except the encoder's self-attention: every source token reads every other.
    if kind == .self, s.phase != .encode, let last = keys.ranges.last, last.upperBound - 1 > query {
      throw TraceProblem(
        .outOfRange, at: try o.required("keys").offset, o.path + ".keys",
        "key \(last.upperBound - 1) comes after query \(query); causal self-attention sees only "
          + "the query's own and earlier positions")
    }
    let scores = try perKey("scores", o, keys: keys)
    let weights = try perKey("weights", o, keys: keys)
    if let weights { try checkWeights(weights, o) }
    return AttentionEvent(
      step: step, layer: layer, kind: kind, head: head, kvHead: kvHead, query: query, keys: keys,
      scores: scores, weights: weights, sequence: s.sequence)
  }

  func token(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> TokenEvent {
    let step = try sameStep(o, s)
    guard s.phase != .encode else {
      throw TraceProblem(
        .outOfOrder, at: try o.required("step").offset, o.path,
        "the encode step chooses no token; the decoder's first step does")
    }
    let n = s.sequenceLength
    let position = try o.int(
      "position", in: n...n, "the chosen token goes right after step \(s.step)'s \(n) positions")
    let chosen = try candidate(o.required("chosen"), o.path + ".chosen", o)
    var candidates: [TokenCandidate] = []
    for (index, element) in try o.array("candidates").enumerated() {
      candidates.append(try candidate(element, "\(o.path).candidates[\(index)]", o))
    }
    return TokenEvent(
      step: step, position: position, chosen: chosen, candidates: candidates,
      sequence: s.sequence)
  }

  func blocks(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> BlocksEvent {
    let step = try sameStep(o, s)
    let blockSize = try o.int(
      "blockSize", in: 1...max(1, model.contextLength),
      "a block holds 1 to \(model.contextLength) positions (the context)")
    let capacity = try o.int("capacity", in: 1...Int.max, "a pool has at least one block")
    let inUse = try o.int(
      "blocksInUse", in: 0...capacity, "the pool has \(capacity) blocks")
    let needed = (s.sequenceLength + blockSize - 1) / blockSize
    let table = try blockIDs("table", o, capacity: capacity)
    guard table.count == needed else {
      throw TraceProblem(
        .outOfRange, at: try o.required("table").offset, o.path + ".table",
        "the table has \(table.count) blocks, but \(s.sequenceLength) positions in blocks of "
          + "\(blockSize) take \(needed)")
    }
    guard Set(table).count == table.count, table.count <= inUse else {
      throw TraceProblem(
        .outOfRange, at: try o.required("table").offset, o.path + ".table",
        "a physical block appears twice, or more than the \(inUse) blocks in use; each logical "
          + "block has its own physical block")
    }
    let allocated = try blockIDs("allocated", o, capacity: capacity)
    if let stray = allocated.first(where: { !table.contains($0) }) {
      throw TraceProblem(
        .outOfRange, at: try o.required("allocated").offset, o.path + ".allocated",
        "block \(stray) was allocated but is not in the table; a step allocates blocks for its "
          + "own positions")
    }
    let references = try blockReferences(o, count: table.count)
    let copy = try blockCopy(o, allocated: allocated, capacity: capacity, blockSize: blockSize)
    return BlocksEvent(
      step: step, sequence: s.sequence, blockSize: blockSize, table: table, allocated: allocated,
      blocksInUse: inUse, capacity: capacity, references: references, copy: copy)
  }

  /// How many sequences hold each block of the table: 1, or 2 for a shared prefix.
  private func blockReferences(_ o: ObjectReader, count: Int) throws(TraceProblem) -> [Int] {
    let elements = try o.array("references")
    guard elements.count == count else {
      throw TraceProblem(
        .outOfRange, at: try o.required("references").offset, o.path + ".references",
        "\(elements.count) reference counts for \(count) blocks; there is one per block")
    }
    var counts: [Int] = []
    for (index, element) in elements.enumerated() {
      let path = "\(o.path).references[\(index)]"
      let value = try JSONDecoding.int(element, path, o.bytes)
      guard (1...header.sequenceCount).contains(value) else {
        throw TraceProblem(
          .outOfRange, at: element.offset, path,
          "reference count \(value) is out of range: a block is held by 1 to "
            + "\(header.sequenceCount) sequences")
      }
      counts.append(value)
    }
    return counts
  }

  /// The copy on write of this step, if any: `{"from", "to", "positions": [start, end]}`.
  private func blockCopy(_ o: ObjectReader, allocated: [Int], capacity: Int, blockSize: Int)
    throws(TraceProblem) -> BlockCopy?
  {
    guard o.optional("copy") != nil else { return nil }
    let c = try o.object("copy", allowed: ["from", "to", "positions"])
    let from = try c.int("from", in: 0...(capacity - 1), "the pool has \(capacity) blocks")
    let to = try c.int("to", in: 0...(capacity - 1), "the pool has \(capacity) blocks")
    let pair = try c.array("positions")
    guard pair.count == 2, from != to, allocated.contains(to) else {
      throw TraceProblem(
        .outOfRange, at: try o.required("copy").offset, o.path + ".copy",
        "a copy goes from one block to another allocated at this step, over positions "
          + "[start, end]")
    }
    let start = try JSONDecoding.int(pair[0], c.path + ".positions[0]", o.bytes)
    let end = try JSONDecoding.int(pair[1], c.path + ".positions[1]", o.bytes)
    guard 0 <= start, start < end, end - start <= blockSize else {
      throw TraceProblem(
        .outOfRange, at: pair[0].offset, c.path + ".positions",
        "positions [\(start), \(end)] must be a non-empty run within one block of \(blockSize)")
    }
    return BlockCopy(from: from, to: to, positions: start..<end)
  }

  /// An array of physical block ids, each below the pool's `capacity`.
  private func blockIDs(_ key: String, _ o: ObjectReader, capacity: Int) throws(TraceProblem)
    -> [Int]
  {
    var ids: [Int] = []
    for (index, element) in try o.array(key).enumerated() {
      let id = try JSONDecoding.int(element, "\(o.path).\(key)[\(index)]", o.bytes)
      guard (0..<capacity).contains(id) else {
        throw TraceProblem(
          .outOfRange, at: element.offset, "\(o.path).\(key)[\(index)]",
          "block \(id) is out of range: the pool has blocks 0 to \(capacity - 1)")
      }
      ids.append(id)
    }
    return ids
  }

  func quantization(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> QuantizationEvent {
    let step = try sameStep(o, s)
    guard header.policy.quantizesRows else {
      throw TraceProblem(
        .outOfRange, at: try o.required("type").offset, o.path,
        "a quantization event in a trace of cache \(header.policy.name); only an int8 cache "
          + "rounds its rows")
    }
    var event = QuantizationEvent(
      step: step, layer: try layer(o),
      kvHead: try o.int(
        "kvHead", in: 0...(model.kvHeads - 1), "the model has \(model.kvHeads) KV heads"),
      positions: try o.positions(
        "positions", below: s.sequenceLength,
        "step \(s.step)'s sequence has \(s.sequenceLength) positions"))
    event.keyScales = try perRow("keyScales", o, event.positions)
    event.keyErrors = try perRow("keyErrors", o, event.positions, scales: event.keyScales)
    event.valueScales = try perRow("valueScales", o, event.positions)
    event.valueErrors = try perRow("valueErrors", o, event.positions, scales: event.valueScales)
    return event
  }

  /// Scales or errors: one number per row, none negative; an error is at most
  /// half its row's scale (with room for float rounding), since a value is rounded
  /// to the nearest step.
  private func perRow(
    _ key: String, _ o: ObjectReader, _ positions: PositionSet, scales: [Float]? = nil
  ) throws(TraceProblem) -> [Float] {
    let numbers = try o.floats(key)
    guard numbers.count == positions.count else {
      throw TraceProblem(
        .outOfRange, at: try o.required(key).offset, o.path + "." + key,
        "\(numbers.count) \(key) for \(positions.count) "
          + "\(positions.count == 1 ? "row" : "rows"); there is one per row in positions")
    }
    let elements = try o.array(key)
    for (index, number) in numbers.enumerated() {
      guard number >= 0 else {
        throw TraceProblem(
          .outOfRange, at: elements[index].offset, "\(o.path).\(key)[\(index)]",
          "\(key) \(number) is negative; scales and rounding errors are magnitudes")
      }
      if let scales, number > scales[index] * 0.5001 {
        throw TraceProblem(
          .outOfRange, at: elements[index].offset, "\(o.path).\(key)[\(index)]",
          "error \(number) is more than half the row's scale \(scales[index]); rounding to "
            + "the nearest int8 step is off by at most half a step")
      }
    }
    return numbers
  }

  /// How many source tokens the encoder read (0 for a decoder-only trace).
  var sourceLength: Int { header.source?.tokens.count ?? 0 }

  /// The positions a row or key of `kind` may have at step `s`, and why: the
  /// step's sequence, or the source for cross-attention and the encoder.
  private func bound(_ kind: AttentionKind, _ s: StepBegan) -> (Int, String) {
    guard kind == .cross || s.phase == .encode else {
      return (s.sequenceLength, "step \(s.step)'s sequence has \(s.sequenceLength) positions")
    }
    return (sourceLength, "the source has \(sourceLength) tokens")
  }

  // MARK: - Shared checks

  /// The event's `sequence`: absent for sequence 0; 1 only in a trace of two prompts.
  private func sequence(_ o: ObjectReader) throws(TraceProblem) -> Int {
    guard o.optional("sequence") != nil else { return 0 }
    return try o.int(
      "sequence", in: 0...(header.sequenceCount - 1),
      header.sequenceCount == 1
        ? "a trace of one prompt has only sequence 0 (written by leaving sequence out)"
        : "two prompts are sequences 0 and 1")
  }

  /// The event's `step` and `sequence`, which must be the step and sequence being read.
  func sameStep(_ o: ObjectReader, _ s: StepBegan) throws(TraceProblem) -> Int {
    let sequence = try sequence(o)
    guard sequence == s.sequence else {
      throw TraceProblem(
        .outOfOrder, at: try o.required("sequence").offset, o.path + ".sequence",
        "an event of sequence \(sequence) comes while sequence \(s.sequence) runs; a step's "
          + "events follow its stepBegan")
    }
    let value = try o.required("step")
    let step = try JSONDecoding.int(value, o.path + ".step", o.bytes)
    guard step == s.step else {
      throw TraceProblem(
        .outOfOrder, at: value.offset, o.path + ".step",
        "an event of step \(step) comes during step \(s.step); a step's events follow its "
          + "stepBegan")
    }
    return step
  }

  private func layer(_ o: ObjectReader) throws(TraceProblem) -> Int {
    try o.int("layer", in: 0...(model.layers - 1), "the model has \(model.layers) layers")
  }

  /// Scores or weights: one number per key, present exactly at full detail.
  private func perKey(_ key: String, _ o: ObjectReader, keys: PositionSet) throws(TraceProblem)
    -> [Float]?
  {
    switch (header.detail, o.optional(key)) {
    case (.summary, nil): return nil
    case (.summary, let value?):
      throw TraceProblem(
        .unknownField, at: value.offset, o.path + "." + key,
        "\(key) in a summary trace; the header says detail \"summary\", which leaves them out")
    case (.full, nil):
      throw TraceProblem(
        .missingField, at: o.offset, o.path,
        "missing field '\(key)'; the header says detail \"full\", which keeps them")
    case (.full, let value?):
      let numbers = try o.floats(key)
      guard numbers.count == keys.count else {
        throw TraceProblem(
          .outOfRange, at: value.offset, o.path + "." + key,
          "\(numbers.count) \(key) for \(keys.count) \(keys.count == 1 ? "key" : "keys"); there "
            + "is one per key")
      }
      return numbers
    }
  }

  /// Softmax weights: each in 0...1, together 1 (within 1e-3).
  private func checkWeights(_ weights: [Float], _ o: ObjectReader) throws(TraceProblem) {
    let elements = try o.array("weights")
    var sum = 0.0
    for (index, weight) in weights.enumerated() {
      guard weight >= 0, weight <= 1 else {
        throw TraceProblem(
          .notProbabilities, at: elements[index].offset, "\(o.path).weights[\(index)]",
          "weight \(weight) is not a probability; attention weights lie between 0 and 1")
      }
      sum += Double(weight)
    }
    guard abs(sum - 1) <= 1e-3 else {
      throw TraceProblem(
        .notProbabilities, at: try o.required("weights").offset, o.path + ".weights",
        "the weights sum to \(Float(sum)), not 1; softmax weights sum to 1 (within 1e-3)")
    }
  }

  private func candidate(_ value: JSONValue, _ path: String, _ o: ObjectReader)
    throws(TraceProblem) -> TokenCandidate
  {
    let c = try ObjectReader(
      value, path: path, bytes: o.bytes, allowed: ["token", "text", "probability"])
    let token = try c.int(
      "token", in: 0...(model.vocabularySize - 1),
      "the vocabulary has \(model.vocabularySize) tokens")
    let text = try c.string("text")
    let probability = try c.float("probability")
    guard probability >= 0, probability <= 1 else {
      throw TraceProblem(
        .notProbabilities, at: try c.required("probability").offset, path + ".probability",
        "probability \(probability) is not between 0 and 1")
    }
    return TokenCandidate(token: token, text: text, probability: probability)
  }
}
