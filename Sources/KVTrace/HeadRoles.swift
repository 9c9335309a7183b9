/// What each attention head does, measured from a full-detail trace.
///
/// A trained transformer's heads specialise, and four of their jobs are easy to
/// recognise from the attention weights alone, given which token stands where:
///
/// - a **previous-token head** puts its weight on the position just before the query
///   (`q - 1`). It copies "what came before me" into the query's row, which later
///   layers build on;
/// - a **duplicate-token head** looks at earlier positions holding the *same token* as
///   the query ("I have seen `cat` before, there");
/// - an **induction head** looks at the position *after* an earlier copy of the query's
///   token: in `… A B … A`, the second `A` reads `B`, and the model predicts `B` next.
///   It is how a transformer continues a phrase it has seen earlier in its context, and
///   it needs a previous-token head in an earlier layer (the row of `B` must already say
///   "`A` came before me" for the query `A` to find it);
/// - a **first-position (sink) head** parks its weight on position 0 when nothing else
///   is worth reading; softmax must put its weight somewhere, and StreamingLLM found
///   that models learn to put it on the first rows, which is why `sinks:N` keeps them.
///
/// **Why an induction head needs the cache.** The row it reads was cached when `B`
/// passed through the model, perhaps many steps ago. A full cache still holds it; a
/// `window:N` cache shorter than the distance back to `B` has evicted it, so the head
/// finds nothing to copy and the model's continuation breaks. Its score here falls too:
/// a target position the query could not see counts as zero weight.
///
/// **How the scores are computed** (TransformerLens's head detector, `error_measure
/// "mul"`): each role is a 0/1 pattern over (query, key) pairs built from the token
/// ids: previous token `k = q - 1`; duplicate token `k < q` with `token[k] == token[q]`
/// (the query itself, trivially a duplicate, is left out); induction `1 ≤ k ≤ q` with
/// `token[k - 1] == token[q]` and `k - 1 ≠ q` (the duplicate pattern shifted one to the
/// right, its first column cleared); first position `k = 0` for `q ≥ 1` (query 0 can see
/// nothing else, so it is left out). A query's score is the attention it puts on its
/// pattern positions over all the attention it gives. Unlike TransformerLens, which
/// divides by the attention of every query, a head's score is the **mean over the queries
/// that have at least one pattern position**: in a run of words said twice, only the
/// second half can be induction, and a perfect induction head should score 1, not 0.5.
/// Queries with no pattern position are not counted at all, so a score is `nil` when no
/// query had one (a prompt with no repeated token has no induction score).
///
/// Each query position is scored once per layer and head, at the first step that
/// computed it (a run without a cache recomputes every position at every step, to the
/// same weights). Several traces pool their queries: the score over ten prompts is the
/// mean over all their counted queries.
public struct HeadRoles: Sendable, Equatable {
  /// The layers and heads of the model the traces ran.
  public let layers: Int
  /// The query heads per layer.
  public let heads: Int
  /// Per (layer, head) and role: summed query scores and how many queries were counted.
  private var tallies: [[Tally]]
  /// Per sequence of each trace: the step at which each query position was first computed.
  private var firstStep: [[Int]] = []

  /// A role's score needs at least this value for the head to be named after it.
  public static let threshold = 0.5
  /// ...and at least this many counted queries, so that one lucky query (a two-token
  /// prompt's query 1 reads position 0 whatever the head does) names no role.
  public static let minimumQueries = 4

  /// Measures the heads of one trace.
  ///
  /// - Throws: ``HeadRolesError`` when the trace has no attention weights (recorded at
  ///   `summary` detail) or comes from an encoder-decoder.
  public init(_ trace: Trace) throws(HeadRolesError) {
    try self.init([trace])
  }

  /// Measures the heads over several traces of the same model, pooling their queries.
  ///
  /// - Throws: ``HeadRolesError`` when there is no trace, a trace has no attention
  ///   weights, comes from an encoder-decoder, or has another model's shape.
  public init(_ traces: [Trace]) throws(HeadRolesError) {
    guard let first = traces.first else { throw .noTrace }
    layers = first.header.model.layers
    heads = first.header.model.heads
    tallies = Array(
      repeating: Array(repeating: Tally(), count: HeadRole.allCases.count),
      count: layers * heads)
    for trace in traces {
      guard trace.header.architecture == .decoder else { throw .encoderDecoder }
      guard trace.header.detail.keepsScores else { throw .summaryDetail }
      let model = trace.header.model
      guard model.layers == layers, model.heads == heads else {
        throw .shapesDiffer(layers: model.layers, heads: model.heads)
      }
      try add(trace)
    }
  }

  /// The score of `role` for one head: the mean share of attention its counted queries
  /// put on the role's pattern positions, in 0...1; `nil` when no query was counted.
  public func score(_ role: HeadRole, layer: Int, head: Int) -> Double? {
    tally(role, layer: layer, head: head).map { $0.mean } ?? nil
  }

  /// How many queries the score of `role` for one head averages.
  public func queries(_ role: HeadRole, layer: Int, head: Int) -> Int {
    tally(role, layer: layer, head: head)?.count ?? 0
  }

  /// The role a head clearly plays: the highest-scoring role whose score is at least
  /// ``threshold`` over at least ``minimumQueries`` queries; `nil` when none is.
  public func role(layer: Int, head: Int) -> HeadRole? {
    var best: (role: HeadRole, score: Double)?
    for role in HeadRole.allCases
    where queries(role, layer: layer, head: head) >= Self.minimumQueries {
      guard let score = score(role, layer: layer, head: head), score >= Self.threshold,
        score > best?.score ?? -1
      else { continue }
      best = (role, score)
    }
    return best?.role
  }

  /// The step that first computed `position` of `sequence` (of the first trace measured):
  /// the step whose queries held it, where its K/V row was projected. A row a later step
  /// reads from the cache was cached then.
  public func firstStep(computing position: Int, sequence: Int = 0) -> Int? {
    guard sequence >= 0, sequence < firstStep.count, position >= 0,
      position < firstStep[sequence].count, firstStep[sequence][position] >= 0
    else { return nil }
    return firstStep[sequence][position]
  }

  private func tally(_ role: HeadRole, layer: Int, head: Int) -> Tally? {
    guard layer >= 0, layer < layers, head >= 0, head < heads,
      let index = HeadRole.allCases.firstIndex(of: role)
    else { return nil }
    return tallies[layer * heads + head][index]
  }

  /// Scores every query of `trace` at the first step that computed it.
  private mutating func add(_ trace: Trace) throws(HeadRolesError) {
    let sequences = trace.header.sequenceCount
    let ids = (0..<sequences).map { trace.tokens(sequence: $0).map(\.id) }
    // The (layer, head, sequence, query)s scored already, each as one number: a set, so
    // memory follows the events a trace has, not the shape its header claims.
    let longest = ids.map(\.count).max() ?? 0
    var seen = Set<Int>()
    var steps = ids.map { Array(repeating: -1, count: $0.count) }
    // Each query's pattern positions, role by role, found once for all its layers and heads.
    var patterns = ids.map { [[[Int]]?](repeating: nil, count: $0.count) }
    for case .attention(let event) in trace.events where event.kind == .self {
      guard let weights = event.weights, weights.count == event.keys.count else {
        throw .summaryDetail
      }
      let sequence = min(max(event.sequence, 0), sequences - 1)
      let q = event.query
      guard event.layer >= 0, event.layer < layers, event.head >= 0, event.head < heads,
        q >= 0, q < ids[sequence].count
      else { continue }
      let key = ((event.layer * heads + event.head) * sequences + sequence) * longest + q
      guard seen.insert(key).inserted else { continue }
      if steps[sequence][q] < 0 { steps[sequence][q] = event.step }
      if patterns[sequence][q] == nil {
        patterns[sequence][q] = Self.patterns(query: q, ids: ids[sequence])
      }
      let shares = Self.shares(
        query: q, keys: event.keys, weights: weights, ids: ids[sequence],
        patterns: patterns[sequence][q])
      for (index, share) in shares.enumerated() {
        guard let share else { continue }
        tallies[event.layer * heads + event.head][index].add(share)
      }
    }
    if firstStep.isEmpty { firstStep = steps }
  }

  /// Every role's pattern positions for the query `q`, in ``HeadRole/allCases`` order.
  static func patterns(query q: Int, ids: [Int]) -> [[Int]] {
    HeadRole.allCases.map { $0.positions(query: q, ids: ids) }
  }

  /// One query's share of attention on each role's pattern positions, in
  /// ``HeadRole/allCases`` order; `nil` for a role with no pattern position at `q`.
  ///
  /// The weights of the pattern's keys are summed in key order, as a pass over every key
  /// asking ``HeadRole/targets(_:query:ids:)`` of each would sum them. `patterns` (found
  /// from `ids` when not given) depend on the query's tokens alone, so one query's serve
  /// all its layers and heads.
  static func shares(
    query q: Int, keys: PositionSet, weights: [Float], ids: [Int], patterns: [[Int]]? = nil
  ) -> [Double?] {
    let total = weights.reduce(0.0) { $0 + Double($1) }
    guard total > 0, total.isFinite else { return HeadRole.allCases.map { _ in nil } }
    return (patterns ?? Self.patterns(query: q, ids: ids)).map { pattern in
      guard !pattern.isEmpty else { return nil }
      var on = 0.0
      for k in pattern {
        guard let index = keys.offset(of: k), index < weights.count else { continue }
        on += Double(weights[index])
      }
      return on / total
    }
  }

  /// A running sum of query scores and how many there were.
  struct Tally: Sendable, Equatable {
    var sum = 0.0
    var count = 0
    mutating func add(_ share: Double) {
      sum += share
      count += 1
    }
    var mean: Double? { count > 0 ? sum / Double(count) : nil }
  }
}
