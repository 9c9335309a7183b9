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
    var referenceLog = TraceLog(detail: detail)
    var cachedLog = TraceLog(detail: detail)
    let reference = try model.generate(
      sourceTokens: sourceTokens, sourceText: sourceText, steps: steps, policy: reference,
      crossAttention: crossAttention, sampling: sampling, collectLogits: true,
      recorder: &referenceLog)
    let cached = try model.generate(
      sourceTokens: sourceTokens, sourceText: sourceText, steps: steps, policy: policy,
      crossAttention: crossAttention, sampling: sampling, collectLogits: true,
      recorder: &cachedLog)
    return try compare(reference, referenceLog, cached, cachedLog)
  }

  /// The ways an encoder-decoder trace's rows differ from what it promises.
  ///
  /// - *The encoder runs once*: exactly one `encode` step, step 0, whose
  ///   self-attention rows are all `S` source positions, fresh, in every layer
  ///   and KV head, with no cross rows.
  /// - *Decoder self-attention* at a step of sequence length `n`: `none`, all
  ///   `n` rows fresh; `full`, row `n − 1` fresh and rows `0..<n − 1` reused.
  /// - *Cross-attention* never grows: always the `S` source positions. With
  ///   `none` or `--cross recompute` they are fresh at every step; with `full` and
  ///   `--cross once` fresh at the first decoder step and reused at every later
  ///   one, so exactly `S × layers × KV heads` rows are computed in the whole run.
  /// - The counters agree with the rows events, cross rows counted apart.
  public static func encoderDecoderAccountingProblems(_ trace: Trace) -> [String] {
    let header = trace.header
    let config = header.model
    let policy = header.policy.name
    let sourceLength = header.source?.tokens.count ?? 0
    let source = PositionSet(0..<sourceLength)
    let crossOnce = policy == "full" && header.source?.crossAttention == .once
    let none = PositionSet()
    var problems: [String] = []
    let steps = trace.steps
    let encodeSteps = steps.filter { $0.began.phase == .encode }.map(\.step)
    if encodeSteps != [0] {
      problems.append("the encoder ran at steps \(encodeSteps); it must run once, at step 0")
    }
    var crossComputed = 0
    for record in steps {
      let n = record.began.sequenceLength
      var expected: [AttentionKind: (fresh: PositionSet, reused: PositionSet)] = [:]
      switch (record.began.phase, policy) {
      case (.encode, _):
        expected[.self] = (source, none)
      case (.prefill, _):
        problems.append("step \(record.step): an encoder-decoder decoder has no prefill")
      case (.decode, "none"), (.decode, "full"):
        expected[.self] =
          policy == "none"
          ? (PositionSet(0..<n), none) : (PositionSet((n - 1)..<n), PositionSet(0..<(n - 1)))
        expected[.cross] = crossOnce && n > 1 ? (none, source) : (source, none)
      case (.decode, _):
        break  // a policy this oracle has no rule for
      }
      for kind in AttentionKind.allCases {
        for layer in 0..<config.layers {
          for kvHead in 0..<config.kvHeads {
            let rows = record.rows(layer: layer, kvHead: kvHead, kind: kind)
            let label = "\(policy) step \(record.step) layer \(layer) KV head \(kvHead) \(kind)"
            if let rows, kind == .cross {
              crossComputed += rows.fresh.count
              if !PositionSet(ranges: rows.fresh.ranges + rows.reused.ranges).allSatisfy({
                $0 < sourceLength
              }) {
                problems.append("\(label): a cross row beyond the source length \(sourceLength)")
              }
            }
            guard let want = expected[kind] else {
              if rows != nil, record.began.phase == .encode {
                problems.append("\(label): the encoder step has no cross rows")
              }
              continue
            }
            if let problem = mismatch(rows, want.fresh, want.reused, label) {
              problems.append(problem)
            }
          }
        }
      }
      problems += counterProblems(record, policy: policy)
    }
    let onceTotal = sourceLength * config.layers * config.kvHeads
    if crossOnce, crossComputed != onceTotal {
      problems.append(
        "\(policy) --cross once computed \(crossComputed) cross rows in all; expected exactly "
          + "\(onceTotal) (\(sourceLength) source positions × \(config.layers) layers × "
          + "\(config.kvHeads) KV heads)")
    }
    return problems
  }

  /// A problem when `rows` is missing or its fresh and reused rows are not the expected ones.
  static func mismatch(
    _ rows: RowsEvent?, _ fresh: PositionSet, _ reused: PositionSet, _ label: String
  ) -> String? {
    guard let rows else { return "\(label): no rows" }
    guard rows.fresh != fresh || rows.reused != reused else { return nil }
    return
      "\(label): fresh \(Array(rows.fresh)) reused \(Array(rows.reused)), expected fresh "
      + "\(Array(fresh)) reused \(Array(reused))"
  }

  /// Problems when a step's counters disagree with its rows events.
  private static func counterProblems(_ record: StepRecord, policy: String) -> [String] {
    guard let counters = record.counters else { return [] }
    func total(_ rows: [RowsEvent], _ part: KeyPath<RowsEvent, PositionSet>) -> Int {
      rows.reduce(0) { $0 + $1[keyPath: part].count }
    }
    let cross = record.rows.filter { $0.kind == .cross }
    let agree =
      counters.rowsComputed == total(record.rows, \.fresh)
      && counters.rowsReused == total(record.rows, \.reused)
      && counters.crossRowsComputed == total(cross, \.fresh)
      && counters.crossRowsReused == total(cross, \.reused)
    return agree ? [] : ["\(policy) step \(record.step): counters disagree with the rows events"]
  }
}
