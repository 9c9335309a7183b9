import KVTrace

// What a comparison concludes, as one value: the text's last line and the exit
// code of `kvtrace compare` are both made from ``ComparisonRenderer/Outcome``.

extension ComparisonRenderer {
  /// What the oracle measured, for the verdict.
  public struct Verdict: Sendable, Equatable {
    /// The largest |Δlogit| over the steps at which both runs read the same text: every
    /// step when their tokens never part, else up to and including the step where they part
    /// (after it they continue different texts, and their logits are not comparable).
    public var maxLogitDifference: Float
    /// The largest difference accepted as float rounding.
    public var tolerance: Float
    /// Row-accounting problems found in either run; empty when all is right.
    public var accountingProblems: [String]
    /// The teacher-forced comparison, step by step: the approximate policy (or the run
    /// under test) fed the exact run's tokens; `nil` when it was not made.
    public var teacherForced: [TeacherForcedStep]?

    /// Creates a verdict.
    public init(
      maxLogitDifference: Float, tolerance: Float, accountingProblems: [String],
      teacherForced: [TeacherForcedStep]? = nil
    ) {
      self.maxLogitDifference = maxLogitDifference
      self.tolerance = tolerance
      self.accountingProblems = accountingProblems
      self.teacherForced = teacherForced
    }
  }

  /// What a comparison concludes: the one value its last line and the exit code of
  /// `kvtrace compare` are both made from.
  public enum Outcome: Sendable, Equatable {
    /// An exact pair agreed: same tokens, logits within the tolerance, rows as promised.
    case pass
    /// An approximate policy kept its accounting; its tokens may rightly differ.
    case approximate
    /// An exact pair differs, or a run broke its policy's row accounting.
    case fail

    /// Whether the comparison is as it should be (exit 0).
    public var succeeded: Bool {
      switch self {
      case .pass, .approximate: true
      case .fail: false
      }
    }
  }

  /// What comparing `left` with `right` concludes, given the oracle's measurements.
  public static func outcome(_ left: Trace, _ right: Trace, verdict: Verdict) -> Outcome {
    Findings(left, right, verdict: verdict).outcome
  }

  /// The facts the verdict lines state, and the outcome they add up to.
  struct Findings {
    /// The first step whose chosen tokens differ, if any.
    let divergence: Int?
    let tokensOK: Bool
    let logitsOK: Bool
    let rowsOK: Bool
    let approximate: Bool

    init(_ left: Trace, _ right: Trace, verdict: Verdict) {
      divergence = ComparisonRenderer.partingStep(left, right)
      tokensOK = divergence == nil
      logitsOK = verdict.maxLogitDifference <= verdict.tolerance
      rowsOK = verdict.accountingProblems.isEmpty
      approximate = ComparisonRenderer.approximate(left, right)
    }

    var outcome: Outcome {
      guard rowsOK else { return .fail }
      if approximate { return .approximate }
      return tokensOK && logitsOK ? .pass : .fail
    }
  }
}
