import KVTrace
import TinyTransformer

/// The teacher-forced side of `kvtrace compare`: which run is exact, and the figures of
/// the other fed its tokens.
enum TeacherForcing {
  /// Whether the reference is the exact side: it is unless only the policy under test
  /// is exact (`--cache full --against window:4`). ``ComparisonRenderer`` names the
  /// sides by the same rule.
  static func referenceIsExact(reference: CachePolicyInfo, policy: CachePolicyInfo) -> Bool {
    reference.exact || !policy.exact
  }

  /// The step-by-step figures of the approximate side fed the exact side's tokens, or
  /// `nil` when they cannot be made (an encoder-decoder whose runs part).
  ///
  /// The decoder-only model decodes again, fed. The encoder-decoder takes only exact
  /// policies: when its two runs chose the same tokens at every step, each was fed the
  /// other's tokens already, so their own logits are the teacher-forced ones.
  static func steps(model: any CommandModel, options: RunOptions, report: OracleReport)
    throws(DecodeError) -> [TeacherForcedStep]?
  {
    guard let reference = report.referenceRun, let cached = report.cachedRun else { return nil }
    let exactIsReference = referenceIsExact(
      reference: options.reference.info, policy: options.policy.info)
    let exact = exactIsReference ? reference : cached
    let approximate = exactIsReference ? options.policy : options.reference
    if let transformer = model as? TinyTransformer {
      return try Oracle.teacherForced(
        model: transformer, promptTokens: exact.promptTokens, exact: exact, policy: approximate,
        sampling: options.sampling)
    }
    guard report.firstDivergence == nil else { return nil }
    let other = exactIsReference ? cached : reference
    return Oracle.compareLogits(exact: exact.logits, approximate: other.logits).map {
      var labelled = $0
      labelled.exactTopText = model.tokenizer.piece(of: $0.exactTop)
      labelled.approximateTopText = model.tokenizer.piece(of: $0.approximateTop)
      return labelled
    }
  }
}
