/// The knobs of the corpus: how often a sample holds a repeated run, how long runs are, how
/// the pool of run words grows, how often the pangram appears.
///
/// The defaults follow the measurements in the project's training notes: an induction head
/// forms after a plateau, and the plateau is shorter when every sample holds a repeat and when
/// the run words start from a small pool (64 words: about 1,000 steps) rather than the whole
/// vocabulary (590 words: about 3,300 steps).
public struct CorpusOptions: Sendable, Equatable, Codable {
  /// The share of samples that hold a repeated run (0…1); the rest are plain stories.
  public var repeatShare: Double
  /// How many words a run has; a run is shortened to fit when a sample is short.
  public var runLengths: ClosedRange<Int>
  /// How many times a run appears in its sample (at least 2): every copy after the first is
  /// more text that only copying predicts. A run is shortened so that every copy fits.
  public var copies: Int
  /// The share of repeats that open the document and follow at once (`a b c a b c`), the
  /// shape of the evaluation's repeat prompts; the others sit at random places in the story.
  public var promptShapedShare: Double
  /// How many words the runs draw from at step 0.
  public var initialPoolSize: Int
  /// The step at which the runs draw from every word; the pool grows linearly until then.
  /// 0 means no curriculum: every word from the first step.
  public var curriculumSteps: Int
  /// The share of stories that hold the pangram or a variant of it (said twice).
  public var pangramShare: Double

  /// Options with the defaults described above; change any of them by name.
  public init(
    repeatShare: Double = 1, runLengths: ClosedRange<Int> = 8...20, copies: Int = 2,
    promptShapedShare: Double = 0.25, initialPoolSize: Int = 64, curriculumSteps: Int = 1000,
    pangramShare: Double = 0.5
  ) {
    self.repeatShare = repeatShare
    self.runLengths = runLengths
    self.copies = copies
    self.promptShapedShare = promptShapedShare
    self.initialPoolSize = initialPoolSize
    self.curriculumSteps = curriculumSteps
    self.pangramShare = pangramShare
  }

  /// How many words the runs may draw from at `step`.
  ///
  /// It grows linearly from ``initialPoolSize`` at step 0 to every word of the corpus
  /// (``Corpus/words``) at step ``curriculumSteps``, and stays there. It is never smaller
  /// than the longest run, since a run's words are distinct.
  public func poolSize(atStep step: Int) -> Int {
    let all = Lexicon.runPool.count
    let longest = max(1, runLengths.upperBound)
    let start = min(all, max(initialPoolSize, longest))
    guard curriculumSteps > 0, step < curriculumSteps else { return all }
    // (all - start) · step / curriculumSteps, in full width so that no step can overflow.
    let product = (all - start).multipliedFullWidth(by: max(0, step))
    return start + curriculumSteps.dividingFullWidth(product).quotient
  }
}
