import KVTrace
import Testing
import TinyTransformer

@testable import KVTraceRender

/// With no `--layer` or `--head`, the run draws the trace's clearest induction head; a step
/// where an unnamed head copies is still told.
@Suite(.tags(.unit)) struct AutomaticFocusTests {
  @Test func theClearestInductionHeadIsDrawn() throws {
    let trace = try StepSummaryRoleTests.trace()
    #expect(RenderFocus.automatic(for: trace) == StepSummaryRoleTests.induction)
  }

  /// `trace` with every head's weights spread evenly over its keys, except the heads in
  /// `copying`, whose queries read the token after an earlier copy of their own.
  static func trace(copying: [RenderFocus]) throws -> Trace {
    var trace = try StepSummaryRoleTests.trace()
    let ids = trace.tokens(sequence: 0).map(\.id)
    for index in trace.events.indices {
      guard case .attention(var event) = trace.events[index] else { continue }
      let q = event.query
      let copies = copying.contains(RenderFocus(layer: event.layer, head: event.head))
      let target = copies ? (1...max(q, 1)).first { $0 <= q && ids[$0 - 1] == ids[q] } : nil
      event.weights = event.keys.map { key in
        target.map { key == $0 ? 1 : 0 } ?? 1 / Float(event.keys.count)
      }
      trace.events[index] = .attention(event)
    }
    return trace
  }

  @Test func noCopyingHeadOrNoWeightsDrawsLayer0Head0() throws {
    var trace = try Self.trace(copying: [])
    let roles = try HeadRoles(trace)
    let best = (0..<2).flatMap { layer in
      (0..<4).compactMap { roles.score(.induction, layer: layer, head: $0) }
    }.max()
    #expect(try #require(best) < RenderFocus.minimumInductionScore)
    #expect(RenderFocus.automatic(for: trace) == RenderFocus())
    trace = try Self.trace(copying: [RenderFocus(layer: 1, head: 1)])
    trace.header.detail = .summary
    for index in trace.events.indices {
      guard case .attention(var event) = trace.events[index] else { continue }
      event.scores = nil
      event.weights = nil
      trace.events[index] = .attention(event)
    }
    #expect(RenderFocus.automatic(for: trace) == RenderFocus())
  }

  @Test func layer0IsNeverPickedAndTheBestLaterHeadIs() throws {
    let layer0 = RenderFocus(layer: 0, head: 1)
    #expect(RenderFocus.automatic(for: try Self.trace(copying: [layer0])) == RenderFocus())
    let later = RenderFocus(layer: 1, head: 3)
    #expect(RenderFocus.automatic(for: try Self.trace(copying: [layer0, later])) == later)
  }

  /// What the step summary says of step 2, whose newest query of layer 1 head 2 copies.
  static let step2Copy =
    "layer 1 head 2 copies here, as an induction head does: the query 'fox' gives 1.00 "
    + "to the row of 'jumps', the token after the earlier 'fox' (3 positions back), "
    + "cached at the prefill."

  /// The induction trace with every query of layer 1 head 2 but step 2's newest putting all
  /// its weight on the key `key(event)` names.
  static func trace(copyingOnlyAtStep2Else key: (AttentionEvent) -> Int) throws -> Trace {
    var trace = try StepSummaryRoleTests.trace()
    let copyQuery = trace.steps[2].began.sequenceLength - 1
    for index in trace.events.indices {
      guard case .attention(var event) = trace.events[index], event.layer == 1, event.head == 2,
        event.query != copyQuery
      else { continue }
      let target = key(event)
      event.weights = event.keys.map { $0 == target ? 1 : 0 }
      trace.events[index] = .attention(event)
    }
    return trace
  }

  /// Only step 2's newest query of layer 1 head 2 copies; every other query of that head
  /// reads itself. The head is not named, but step 2 is told as a copy.
  @Test func anUnnamedHeadThatCopiesAtOneStepIsToldThere() throws {
    let trace = try Self.trace(copyingOnlyAtStep2Else: { $0.query })
    let roles = try HeadRoles(trace)
    #expect(roles.role(layer: 1, head: 2) == nil)
    let focus = StepSummaryRoleTests.induction
    #expect(
      StepSummary.role(trace.steps[2], focus: focus, roles: roles, in: trace, style: .plain)
        == Self.step2Copy)
    #expect(
      StepSummary.role(trace.steps[1], focus: focus, roles: roles, in: trace, style: .plain)
        == nil)
  }

  /// Layer 1 head 2 parks on row 0 (a first-position head) at every query but step 2's
  /// newest, which copies: step 2 is told as a copy, where the sink habit is not shown.
  @Test(.tags(.unit)) func aHeadNamedForAnotherHabitIsToldWhereItCopies() throws {
    let trace = try Self.trace(copyingOnlyAtStep2Else: { _ in 0 })
    let roles = try HeadRoles(trace)
    #expect(roles.role(layer: 1, head: 2) == .firstPosition)
    let focus = StepSummaryRoleTests.induction
    #expect(
      StepSummary.role(trace.steps[2], focus: focus, roles: roles, in: trace, style: .plain)
        == Self.step2Copy)
    #expect(
      StepSummary.role(trace.steps[1], focus: focus, roles: roles, in: trace, style: .plain)?
        .hasPrefix("layer 1 head 2, a first-position (sink) head: the query 'brown' gives 1.00")
        == true)
  }
}
