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
    var event = RowsEvent(
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
    (event.keys, event.values) = try rowVectors(o, fresh: event.fresh.count)
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
    let (q, output) = try queryVectors(o)
    return AttentionEvent(
      step: step, layer: layer, kind: kind, head: head, kvHead: kvHead, query: query, keys: keys,
      scores: scores, weights: weights, sequence: s.sequence, q: q, output: output)
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
    let (logits, logitTokens) = try logitVectors(o)
    return TokenEvent(
      step: step, position: position, chosen: chosen, candidates: candidates,
      sequence: s.sequence, logits: logits, logitTokens: logitTokens)
  }
}
