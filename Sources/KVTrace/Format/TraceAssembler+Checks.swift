// The checks every event type shares: its sequence, its step, its layer, its keys.

extension TraceAssembler {
  /// How many source tokens the encoder read (0 for a decoder-only trace).
  var sourceLength: Int { header.source?.tokens.count ?? 0 }

  /// The positions a row or key of `kind` may have at step `s`, and why: the
  /// step's sequence, or the source for cross-attention and the encoder.
  func bound(_ kind: AttentionKind, _ s: StepBegan) -> (Int, String) {
    guard kind == .cross || s.phase == .encode else {
      return (s.sequenceLength, "step \(s.step)'s sequence has \(s.sequenceLength) positions")
    }
    return (sourceLength, "the source has \(sourceLength) tokens")
  }

  /// The event's `sequence`: absent for sequence 0; 1 only in a trace of two prompts.
  func sequence(_ o: ObjectReader) throws(TraceProblem) -> Int {
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

  func layer(_ o: ObjectReader) throws(TraceProblem) -> Int {
    try o.int("layer", in: 0...(model.layers - 1), "the model has \(model.layers) layers")
  }

  /// Scores or weights: one number per key, present exactly at full detail.
  func perKey(_ key: String, _ o: ObjectReader, keys: PositionSet) throws(TraceProblem)
    -> [Float]?
  {
    switch (header.detail.keepsScores, o.optional(key)) {
    case (false, nil): return nil
    case (false, let value?):
      throw TraceProblem(
        .unknownField, at: value.offset, o.path + "." + key,
        "\(key) in a summary trace; the header says detail \"summary\", which leaves them out")
    case (true, nil):
      throw TraceProblem(
        .missingField, at: o.offset, o.path,
        "missing field '\(key)'; the header says detail \"\(header.detail.rawValue)\", which "
          + "keeps them")
    case (true, let value?):
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
  func checkWeights(_ weights: [Float], _ o: ObjectReader) throws(TraceProblem) {
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

  func candidate(_ value: JSONValue, _ path: String, _ o: ObjectReader)
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
