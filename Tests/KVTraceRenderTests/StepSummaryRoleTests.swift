import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// The step summary names the drawn head's role when the trace shows it clearly, with the
/// key the newest query reads and how long ago that row was cached.
@Suite(.tags(.unit)) struct StepSummaryRoleTests {
  static let induction = RenderFocus(layer: 1, head: 2)

  /// A real run of "The quick brown fox jumps quick" with a full cache (or `policy`), its
  /// continuation rewritten to " brown fox jumps …" and layer 1 head 2's weights made an
  /// induction head's: each query reads the token after an earlier copy of its own, and a
  /// query with no earlier copy reads itself.
  static func trace(policy: some CachePolicy = FullCache()) throws -> Trace {
    var trace = try RunRendererGoldenTests.trace(
      prompt: "The quick brown fox jumps quick", steps: 3, policy: policy)
    let prompt = trace.header.promptTokens
    var ids = prompt.map(\.id)
    for index in trace.events.indices {
      switch trace.events[index] {
      case .token(var event) where event.step < 3:
        let copy = prompt[event.step + 2]
        event.chosen = TokenCandidate(token: copy.id, text: copy.text, probability: 0.5)
        trace.events[index] = .token(event)
        ids.append(copy.id)
      default: continue
      }
    }
    for index in trace.events.indices {
      guard case .attention(var event) = trace.events[index], event.layer == 1, event.head == 2
      else { continue }
      let q = event.query
      let target = (1...max(q, 1)).first { $0 <= q && ids[$0 - 1] == ids[q] && $0 - 1 < q } ?? q
      event.weights = event.keys.map { $0 == target ? 1 : 0 }
      trace.events[index] = .attention(event)
    }
    return trace
  }

  @Test func anInductionHeadIsNamedWithTheRowItReadsAndWhenItWasCached() throws {
    let trace = try Self.trace()
    let roles = try HeadRoles(trace)
    #expect(roles.score(.induction, layer: 1, head: 2) == 1)
    #expect(roles.role(layer: 1, head: 2) == .induction)
    let steps = trace.steps
    // Step 2's query is the second 'fox' (position 7); it reads 'jumps' (position 4), the
    // token after the first 'fox', whose row the prefill cached.
    #expect(
      StepSummary.role(steps[2], focus: Self.induction, roles: roles, in: trace, style: .plain)
        == "layer 1 head 2, an induction head: the query 'fox' gives 1.00 to the row of 'jumps' "
        + "(3 positions back), cached at the prefill.")
    #expect(
      StepSummary.role(steps[1], focus: Self.induction, roles: roles, in: trace, style: .plain)
        == "layer 1 head 2, an induction head: the query 'brown' gives 1.00 to the row of 'fox' "
        + "(3 positions back), cached at the prefill.")
    // At the prefill, the newest query, the second 'quick', reads 'brown', computed in the
    // same step.
    #expect(
      StepSummary.role(steps[0], focus: Self.induction, roles: roles, in: trace, style: .plain)
        == "layer 1 head 2, an induction head: the query 'quick' gives 1.00 to the row of 'brown' "
        + "(3 positions back), computed at this step.")
  }

  @Test func theRunSaysItUnderTheStepAndOnlyForThatHead() throws {
    let trace = try Self.trace()
    let drawn = RunRenderer.render(trace, focus: Self.induction, style: .plain)
    #expect(drawn.contains("\nlayer 1 head 2, an induction head: the query 'fox' gives 1.00 to"))
    #expect(drawn.components(separatedBy: "an induction head").count == 5)  // 4 steps
    let other = RunRenderer.render(trace, focus: RenderFocus(layer: 1, head: 1), style: .plain)
    #expect(!other.contains("head: the query"))
  }

  @Test func withoutACacheTheRowIsComputedAgain() throws {
    let trace = try Self.trace(policy: NoCache())
    let roles = try HeadRoles(trace)
    #expect(
      StepSummary.role(
        trace.steps[2], focus: Self.induction, roles: roles, in: trace, style: .plain)
        == "layer 1 head 2, an induction head: the query 'fox' gives 1.00 to the row of 'jumps' "
        + "(3 positions back), computed at this step.")
  }

  @Test func aSummaryTraceNamesNoRole() throws {
    var trace = try Self.trace()
    trace.header.detail = .summary
    for index in trace.events.indices {
      guard case .attention(var event) = trace.events[index] else { continue }
      event.scores = nil
      event.weights = nil
      trace.events[index] = .attention(event)
    }
    let drawn = RunRenderer.render(trace, focus: Self.induction, style: .plain)
    #expect(!drawn.contains("an induction head"))
  }
}
