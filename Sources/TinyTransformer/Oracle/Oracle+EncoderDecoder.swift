import KVTrace

extension Oracle {
  /// Runs the encoder-decoder on `sourceTokens` with `reference` (``NoCache`` by
  /// default) and with `policy`, both with `crossAttention`, and compares.
  ///
  /// All three ways of running the decoder (no cache; a cache with the
  /// cross-attention K/V projected once; a cache with them projected at every
  /// step) must give the same tokens and the same logits within
  /// ``OracleReport/tolerance``: the cross rows are the same numbers however
  /// often they are computed. `firstDivergence` counts decoder tokens from 0
  /// (token `i` is chosen at step `i + 1`; step 0 is the encoder's).
  ///
  /// - Throws: ``DecodeError`` if the source cannot be encoded or `steps` is 0.
  public static func check(
    model: EncoderDecoderTransformer, sourceTokens: [Int], sourceText: String? = nil, steps: Int,
    policy: some CachePolicy = FullCache(), against reference: any CachePolicy = NoCache(),
    crossAttention: CrossAttentionMode = .once, sampling: Sampling = .greedy,
    detail: TraceDetail = .summary
  ) throws(DecodeError) -> OracleReport {
    try compareRuns(policy: policy, against: reference, detail: detail) {
      policy, log throws(DecodeError) in
      try model.generate(
        sourceTokens: sourceTokens, sourceText: sourceText, steps: steps, policy: policy,
        crossAttention: crossAttention, sampling: sampling, collectLogits: true, recorder: &log)
    }
  }

  /// The ways an encoder-decoder trace's rows differ from what it promises.
  ///
  /// - *The encoder runs once*: exactly one `encode` step, step 0, whose
  ///   self-attention rows are all `S` source positions, fresh, in every layer
  ///   and KV head, with no cross rows.
  /// - *Decoder self-attention* at a step of sequence length `n`: `none`, all
  ///   `n` rows fresh; `full`, row `n − 1` fresh and rows `0..<n − 1` reused. The
  ///   decoder supports no other policy, and a trace that names one is a problem.
  /// - *Cross-attention* never grows: always the `S` source positions. With
  ///   `none` or `--cross recompute` they are fresh at every step; with `full` and
  ///   `--cross once` fresh at the first decoder step and reused at every later
  ///   one, so exactly `S × layers × KV heads` rows are computed in the whole run.
  /// - The counters agree with the rows events, cross rows counted apart.
  public static func encoderDecoderAccountingProblems(_ trace: Trace) -> [String] {
    let header = trace.header
    let kind = header.policy.kind
    guard let rules = PolicyRules.encoderDecoder(kind) else {
      return [
        "\(kind.name): the encoder-decoder keeps its decoder's rows by the rules of none and "
          + "full only, so a trace that records \(kind.name) did not keep them as it says"
      ]
    }
    var check = AccountingCheck(trace)
    let encodeSteps = trace.steps.filter { $0.began.phase == .encode }.map(\.step)
    if encodeSteps != [0] {
      check.report("the encoder ran at steps \(encodeSteps); it must run once, at step 0")
    }
    let sourceLength = header.source?.tokens.count ?? 0
    let source = PositionSet(0..<sourceLength)
    var crossOnce = header.source?.crossAttention == .once
    if case .recomputeAll = rules.rows { crossOnce = false }
    var crossComputed = 0
    for record in trace.steps {
      let n = record.began.sequenceLength
      switch record.began.phase {
      case .encode:
        check.checkRows(record, .self, ExpectedRows(fresh: source))
        check.checkRows(record, .cross, nil)
      case .prefill:
        check.report("\(check.label(record)): an encoder-decoder decoder has no prefill")
      case .decode:
        check.checkRows(record, .self, rules.expected(first: false, length: n))
        let cross =
          crossOnce && n > 1
          ? ExpectedRows(fresh: PositionSet(), reused: source) : ExpectedRows(fresh: source)
        check.checkRows(record, .cross, cross)
      }
      crossComputed += check.checkCrossRows(record, sourceLength: sourceLength)
      check.checkCounters(record)
    }
    let onceTotal = sourceLength * header.model.layers * header.model.kvHeads
    if crossOnce, crossComputed != onceTotal {
      check.report(
        "\(kind.name) --cross once computed \(crossComputed) cross rows in all; expected exactly "
          + "\(onceTotal) (\(sourceLength) source positions × \(header.model.layers) layers × "
          + "\(header.model.kvHeads) KV heads)")
    }
    return check.problems
  }
}
