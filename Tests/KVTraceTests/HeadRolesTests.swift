import KVTrace
import Testing

/// A hand-built full-cache run over given token ids: a prefill of `prompt` tokens, then
/// one decode step per remaining position; every layer and head attends as `attend` says.
struct SyntheticRun {
  var ids: [Int]
  var prompt: Int
  var layers = 1
  var heads = 1
  var detail = TraceDetail.full
  /// The keys each query sees (default: every position up to it).
  var keys: (Int) -> PositionSet = { PositionSet(0..<($0 + 1)) }
  /// The weights of (layer, head, query) over its keys; `nil` leaves them out.
  var attend: (Int, Int, Int, PositionSet) -> [Float]?

  var trace: Trace {
    let config = ModelConfig(
      layers: layers, heads: heads, kvHeads: heads, dim: 8 * heads, mlpDim: 16 * heads,
      contextLength: 64, vocabularySize: 1000)
    let texts = ids.map { " w\($0)" }
    let tokens = zip(ids, texts).map { TraceToken(id: $0, text: $1) }
    let header = TraceHeader(
      model: config, weights: "hand-built",
      policy: CachePolicyInfo(
        kind: .full, exact: true, summary: "keeps every row"), seed: 0, sampling: .greedy,
      prompt: texts.prefix(prompt).joined(), promptTokens: Array(tokens.prefix(prompt)),
      decodeSteps: ids.count - prompt, detail: detail)
    var events: [TraceEvent] = []
    for step in 0...(ids.count - prompt) {
      let queries = step == 0 ? 0..<prompt : (prompt + step - 1)..<(prompt + step)
      events.append(
        .stepBegan(
          StepBegan(
            step: step, phase: step == 0 ? .prefill : .decode, queries: queries,
            sequenceLength: queries.upperBound)))
      for layer in 0..<layers {
        for head in 0..<heads {
          for q in queries {
            let keys = self.keys(q)
            events.append(
              .attention(
                AttentionEvent(
                  step: step, layer: layer, head: head, kvHead: head, query: q, keys: keys,
                  scores: nil, weights: attend(layer, head, q, keys))))
          }
        }
      }
      let next = queries.upperBound
      if next < ids.count {
        let chosen = TokenCandidate(token: ids[next], text: texts[next], probability: 1)
        events.append(
          .token(TokenEvent(step: step, position: next, chosen: chosen, candidates: [chosen])))
      }
    }
    return Trace(header: header, events: events)
  }

  /// All weight on one key, `target(q)`, when the query can see it.
  static func oneHot(_ keys: PositionSet, at target: Int) -> [Float] {
    keys.map { $0 == target ? 1 : 0 }
  }
}

/// Head roles scored on hand-built traces whose attention is known exactly.
@Suite(.tags(.unit)) struct HeadRolesTests {
  /// A B C D A B C D: the second half repeats the first, 4 positions back.
  static let repeated = [10, 11, 12, 13, 10, 11, 12, 13]

  /// Random weights over ids full of repeats, some queries reading a window with a gap:
  /// every role's score is exactly the mean, over the queries in order, of the share a
  /// pass over every key (asking ``HeadRole/targets(_:query:ids:)`` of each) finds.
  @Test func scoresAreTheSharesAPassOverEveryKeyFinds() throws {
    var seed: UInt64 = 7
    func next() -> UInt64 {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return seed >> 33
    }
    let ids = (0..<48).map { _ in Int(next() % 5) }
    let keys: (Int) -> PositionSet = { q in
      q % 3 == 0 && q > 10
        ? PositionSet(ranges: [0..<2, (q - 6)..<(q + 1)]) : PositionSet(0..<(q + 1))
    }
    var weights: [Int: [Float]] = [:]  // by (layer × 2 + head) × 100 + query
    let run = SyntheticRun(ids: ids, prompt: 6, layers: 2, heads: 2, keys: keys) {
      layer, head, q, keys in
      let w = keys.map { _ in Float(next() % 1000) / 997 }
      weights[(layer * 2 + head) * 100 + q] = w
      return w
    }
    let roles = try HeadRoles(run.trace)
    for layer in 0..<2 {
      for head in 0..<2 {
        for role in HeadRole.allCases {
          var sum = 0.0
          var count = 0
          for q in 0..<ids.count {
            let has =
              role == .previousToken || role == .firstPosition
              ? q >= 1 : ids[..<q].contains(ids[q])
            guard has, let w = weights[(layer * 2 + head) * 100 + q] else { continue }
            let total = w.reduce(0.0) { $0 + Double($1) }
            var on = 0.0
            for (key, weight) in zip(keys(q), w) where role.targets(key, query: q, ids: ids) {
              on += Double(weight)
            }
            sum += on / total
            count += 1
          }
          #expect(roles.queries(role, layer: layer, head: head) == count, "\(role)")
          #expect(
            roles.score(role, layer: layer, head: head) == (count > 0 ? sum / Double(count) : nil),
            "\(role) layer \(layer) head \(head)")
        }
      }
    }
  }

  @Test func aPreviousTokenHeadScoresOne() throws {
    let run = SyntheticRun(ids: Self.repeated, prompt: 5) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: max(q - 1, 0))
    }
    let roles = try HeadRoles(run.trace)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 1)
    #expect(roles.queries(.previousToken, layer: 0, head: 0) == 7)
    // Only query 1's previous token is position 0.
    #expect(roles.score(.firstPosition, layer: 0, head: 0) == 1.0 / 7.0)
    #expect(roles.score(.duplicateToken, layer: 0, head: 0) == 0)
    #expect(roles.score(.induction, layer: 0, head: 0) == 0)
    #expect(roles.queries(.induction, layer: 0, head: 0) == 4)
    #expect(roles.role(layer: 0, head: 0) == .previousToken)
  }

  @Test func anInductionHeadScoresOneOverTheRepeatOnly() throws {
    // The second half reads the token after the earlier copy (q - 3); the first half,
    // with nothing to copy, rests on position 0.
    let run = SyntheticRun(ids: Self.repeated, prompt: 5, heads: 2) { _, head, q, keys in
      head == 0 ? SyntheticRun.oneHot(keys, at: q >= 4 ? q - 3 : 0) : nil
    }
    var trace = run.trace
    trace.events.removeAll {  // head 1 records nothing at all
      if case .attention(let event) = $0 { return event.head == 1 }
      return false
    }
    let roles = try HeadRoles(trace)
    #expect(roles.score(.induction, layer: 0, head: 0) == 1)
    #expect(roles.queries(.induction, layer: 0, head: 0) == 4)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 1.0 / 7.0)
    #expect(roles.score(.firstPosition, layer: 0, head: 0) == 3.0 / 7.0)
    #expect(roles.score(.duplicateToken, layer: 0, head: 0) == 0)
    #expect(roles.role(layer: 0, head: 0) == .induction)
    #expect(roles.score(.induction, layer: 0, head: 1) == nil)
    #expect(roles.role(layer: 0, head: 1) == nil)
  }

  @Test func splitAttentionScoresItsShare() throws {
    // Half on the induction target, half on the duplicate (q - 4): 0.5 each.
    let run = SyntheticRun(ids: Self.repeated, prompt: 8) { _, _, q, keys in
      keys.map { q >= 4 && ($0 == q - 3 || $0 == q - 4) ? 0.5 : ($0 == 0 && q < 4 ? 1 : 0) }
    }
    let roles = try HeadRoles(run.trace)
    #expect(roles.score(.induction, layer: 0, head: 0) == 0.5)
    #expect(roles.score(.duplicateToken, layer: 0, head: 0) == 0.5)
    // Both reach the threshold; neither beats the other, so the first listed wins.
    #expect(roles.role(layer: 0, head: 0) == .duplicateToken)
  }

  @Test func aDuplicateTokenHeadIgnoresTheQueryItself() throws {
    // All weight on the query's own position: a duplicate of itself, which does not count.
    let run = SyntheticRun(ids: Self.repeated, prompt: 8) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: q)
    }
    let roles = try HeadRoles(run.trace)
    #expect(roles.score(.duplicateToken, layer: 0, head: 0) == 0)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 0)
    #expect(roles.role(layer: 0, head: 0) == nil)
  }

  @Test func anEvictedTargetCountsAsNoAttention() throws {
    // A window of 3 rows: the induction target q - 3 is gone, the head reads q - 1.
    var run = SyntheticRun(ids: Self.repeated, prompt: 4) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: max(q - 1, 0))
    }
    run.keys = { PositionSet(max(0, $0 - 2)..<($0 + 1)) }
    let roles = try HeadRoles(run.trace)
    #expect(roles.score(.induction, layer: 0, head: 0) == 0)
    #expect(roles.queries(.induction, layer: 0, head: 0) == 4)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 1)
  }

  @Test func aQueryIsScoredAtTheFirstStepThatComputedIt() throws {
    // As without a cache: step 1 recomputes query 0...2 with other weights; only the
    // prefill's count.
    let run = SyntheticRun(ids: [5, 6, 7, 8], prompt: 3) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: max(q - 1, 0))
    }
    var trace = run.trace
    let again = (0..<3).map { q in
      TraceEvent.attention(
        AttentionEvent(
          step: 1, layer: 0, head: 0, kvHead: 0, query: q, keys: PositionSet(0..<(q + 1)),
          weights: SyntheticRun.oneHot(PositionSet(0..<(q + 1)), at: q)))
    }
    let stepOne = trace.events.firstIndex {
      if case .stepBegan(let began) = $0 { return began.step == 1 }
      return false
    }
    trace.events.insert(contentsOf: again, at: try #require(stepOne) + 1)
    let roles = try HeadRoles(trace)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 1)
    #expect(roles.firstStep(computing: 2) == 0)
    #expect(roles.firstStep(computing: 3) == 1)
    #expect(roles.firstStep(computing: 4) == nil)
  }

  @Test func tracesPoolTheirQueries() throws {
    let previous = SyntheticRun(ids: [1, 2, 3, 4, 5], prompt: 5) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: max(q - 1, 0))
    }
    let first = SyntheticRun(ids: [1, 2, 3, 4, 5, 6, 7, 8, 9], prompt: 9) { _, _, _, keys in
      SyntheticRun.oneHot(keys, at: 0)
    }
    let roles = try HeadRoles([previous.trace, first.trace])
    // 4 queries score 1 and 8 score 0 except query 1 of the second run (position 0 is
    // its previous token): 5 of 12.
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 5.0 / 12.0)
    #expect(roles.queries(.previousToken, layer: 0, head: 0) == 12)
  }

  @Test func oneLuckyQueryNamesNoRole() throws {
    let run = SyntheticRun(ids: [1, 2, 3], prompt: 3) { _, _, q, keys in
      SyntheticRun.oneHot(keys, at: max(q - 1, 0))
    }
    let roles = try HeadRoles(run.trace)
    #expect(roles.score(.previousToken, layer: 0, head: 0) == 1)
    #expect(roles.queries(.previousToken, layer: 0, head: 0) < HeadRoles.minimumQueries)
    #expect(roles.role(layer: 0, head: 0) == nil)
  }

  @Test func aTraceWithoutWeightsIsRefused() {
    var run = SyntheticRun(ids: [1, 2, 3], prompt: 3) { _, _, _, _ in nil }
    #expect(throws: HeadRolesError.summaryDetail) { try HeadRoles(run.trace) }
    run.detail = .summary
    #expect(throws: HeadRolesError.summaryDetail) { try HeadRoles(run.trace) }
    #expect(throws: HeadRolesError.noTrace) { try HeadRoles([]) }
    #expect(HeadRolesError.summaryDetail.description.contains("--detail full"))
  }

  @Test func modelsOfDifferentShapesDoNotPool() {
    let one = SyntheticRun(ids: [1, 2], prompt: 2) { _, _, _, keys in keys.map { _ in 0.5 } }
    var two = one
    two.heads = 2
    #expect(throws: HeadRolesError.shapesDiffer(layers: 1, heads: 2)) {
      try HeadRoles([one.trace, two.trace])
    }
  }
}
