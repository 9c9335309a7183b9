/// One step of a teacher-forced comparison: an exact run, and an approximate policy
/// fed the exact run's tokens, so both computed this step's logits on the same text.
///
/// Once two free-running decodes choose different tokens they continue different
/// texts, and a logit difference after that point measures the texts as much as the
/// cache. Fed the same tokens, the two runs differ only by what the policy does to the
/// arithmetic, so these figures measure the policy alone (M18).
public struct TeacherForcedStep: Sendable, Equatable {
  /// The step: 0 is the prefill.
  public var step: Int
  /// The largest |Δlogit| over the vocabulary at this step.
  public var maxLogitDifference: Float
  /// KL(exact ‖ approximate) of the two next-token distributions (softmax of the logits,
  /// temperature 1), in nats: 0 when they agree, larger the more the approximate run
  /// moves probability away from what the exact run expects.
  public var klDivergence: Double
  /// The exact run's most probable token at this step (the first, on a tie).
  public var exactTop: Int
  /// The approximate run's most probable token at this step.
  public var approximateTop: Int
  /// The text of ``exactTop`` (as a token event would label it; untrusted, escape it).
  public var exactTopText: String
  /// The text of ``approximateTop``.
  public var approximateTopText: String

  /// Creates a step's figures.
  public init(
    step: Int, maxLogitDifference: Float, klDivergence: Double, exactTop: Int, approximateTop: Int,
    exactTopText: String = "", approximateTopText: String = ""
  ) {
    self.step = step
    self.maxLogitDifference = maxLogitDifference
    self.klDivergence = klDivergence
    self.exactTop = exactTop
    self.approximateTop = approximateTop
    self.exactTopText = exactTopText
    self.approximateTopText = approximateTopText
  }

  /// Whether both runs rank the same token first.
  public var topAgrees: Bool { exactTop == approximateTop }
}
