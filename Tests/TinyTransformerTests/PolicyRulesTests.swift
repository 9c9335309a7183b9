import KVTrace
import Testing

@testable import TinyTransformer

/// The oracle's one rule set per policy, and the traces it refuses to call correct.
@Suite(.tags(.oracle)) struct PolicyRulesTests {
  /// `trace` with its header claiming `policy` instead.
  static func relabelled(_ trace: Trace, as policy: CachePolicyInfo) -> Trace {
    var copy = trace
    copy.header.policy = policy
    return copy
  }

  @Test func aWindowKeepsItsSinksAndItsLastRows() {
    let rules = PolicyRules(.window(sinks: 1, window: 3))
    let prefill = rules.expected(first: true, length: 6)
    #expect(prefill.fresh == PositionSet(0..<6))
    #expect(prefill.evicted == PositionSet([1, 2]))
    let decode = rules.expected(first: false, length: 7)
    #expect(decode.fresh == PositionSet([6]))
    #expect(decode.reused == PositionSet([0, 4, 5]))
    #expect(decode.evicted == PositionSet([3]))
  }

  @Test func exactPoliciesKeepEveryRowAndNoneKeepsNothing() {
    for kind in [CachePolicyKind.full, .paged(blockSize: 4), .int8] {
      let decode = PolicyRules(kind).expected(first: false, length: 5)
      #expect(decode == ExpectedRows(fresh: PositionSet([4]), reused: PositionSet(0..<4)))
    }
    #expect(
      PolicyRules(.none).expected(first: false, length: 5) == ExpectedRows(fresh: .init(0..<5)))
    #expect(PolicyRules(.paged(blockSize: 4)).blockSize == 4)
    #expect(PolicyRules(.int8).quantizes && !PolicyRules(.full).quantizes)
  }

  @Test func aSharedPrefixIsReusedAtTheFirstStep() {
    let first = PolicyRules(.paged(blockSize: 2)).expected(first: true, length: 5, sharedPrefix: 3)
    #expect(first.fresh == PositionSet(3..<5))
    #expect(first.reused == PositionSet(0..<3))
    #expect(first.shared == PositionSet(0..<3))
  }

  /// The encoder-decoder keeps its rows by `none` and `full` only; a trace that names
  /// another policy did not keep its rows as it says, and the oracle reports it.
  @Test(arguments: [
    CachePolicyKind.window(sinks: 0, window: 4), .window(sinks: 2, window: 4),
    .paged(blockSize: 4), .int8,
  ])
  func anEncoderDecoderTraceNamingAnUnsupportedPolicyIsAProblem(_ kind: CachePolicyKind) throws {
    #expect(PolicyRules.encoderDecoder(kind) == nil)
    let trace = try EncoderDecoderAccountingTests.trace()
    let problems = Oracle.accountingProblems(Self.relabelled(trace, as: kind.info))
    #expect(problems.count == 1)
    #expect(problems.first?.contains("encoder-decoder") == true, "\(problems)")
  }

  /// A policy the oracle has no rules for cannot reach it: a header's policy always
  /// has a kind, and a name that names none is refused where the header is made.
  @Test func aPolicyNameWithoutRulesCannotBeRecorded() {
    #expect(throws: CachePolicyError.unknown("lru:4")) {
      try CachePolicyInfo(name: "lru:4", exact: false, summary: "")
    }
  }
}
