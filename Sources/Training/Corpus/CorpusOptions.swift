/// The knobs of the corpus: how often a sample holds a repeated run, how long runs are, how
/// the pool of run words grows, how often the pangram appears.
///
/// The defaults follow the measurements in the project's training notes: an induction head
/// forms after a plateau, and the plateau is shorter when every sample holds a repeat and when
/// the run words start from a small pool (64 words: about 1,000 steps) rather than the whole
/// vocabulary (590 words: about 3,300 steps). So training starts with a *curriculum*: until
/// ``curriculumSteps``, every training sample opens with its run said ``copies`` times back to
/// back (the bare copying task), the run words drawn from ``initialPoolSize`` words for
/// ``poolHoldSteps`` steps and then from a pool that grows to every word. Measured with the
/// default recipe, the induction head forms inside the small pool, and the growing pool then
/// teaches it to copy any word.
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
  ///
  /// Such a run's first word is bare (`cake`, the document's first token) where its copies say
  /// it with a space (` cake`), a different token: the model must learn, word by word, that
  /// the two are the same word before the copy can start. At a share of 0.5 it had not
  /// learned it for about one word in nine, whose prompts it then failed to copy at all;
  /// 0.8 gives every word more such openings.
  public var promptShapedShare: Double
  /// How many words the runs draw from at step 0.
  public var initialPoolSize: Int
  /// How many steps the pool stays at ``initialPoolSize`` before it starts to grow.
  public var poolHoldSteps: Int
  /// The step at which the runs draw from every word; the pool grows linearly from
  /// ``poolHoldSteps`` until then, and every training sample before it is a run said
  /// ``copies`` times from the start. 0 means no curriculum: every word from the first step.
  public var curriculumSteps: Int
  /// The share of stories that hold the pangram or a variant of it (said twice).
  public var pangramShare: Double

  /// Options with the defaults described above; change any of them by name.
  public init(
    repeatShare: Double = 1, runLengths: ClosedRange<Int> = 8...20, copies: Int = 3,
    promptShapedShare: Double = 0.8, initialPoolSize: Int = 64, poolHoldSteps: Int = 1250,
    curriculumSteps: Int = 2500, pangramShare: Double = 0.5
  ) {
    self.repeatShare = repeatShare
    self.runLengths = runLengths
    self.copies = copies
    self.promptShapedShare = promptShapedShare
    self.initialPoolSize = initialPoolSize
    self.poolHoldSteps = poolHoldSteps
    self.curriculumSteps = curriculumSteps
    self.pangramShare = pangramShare
  }

  /// How many words the runs may draw from at `step`.
  ///
  /// It stays at ``initialPoolSize`` until ``poolHoldSteps``, then grows linearly to every
  /// word of the corpus (``Corpus/words``) at step ``curriculumSteps``, and stays there. It is
  /// never smaller than the longest run, since a run's words are distinct.
  public func poolSize(atStep step: Int) -> Int {
    let all = Lexicon.runPool.count
    let longest = max(1, runLengths.upperBound)
    let start = min(all, max(initialPoolSize, longest))
    guard curriculumSteps > 0, step < curriculumSteps else { return all }
    let hold = min(max(0, poolHoldSteps), curriculumSteps)
    guard step >= hold else { return start }
    // (all - start) · (step - hold) / (curriculumSteps - hold), in full width: no overflow.
    let product = (all - start).multipliedFullWidth(by: step - hold)
    return start + (curriculumSteps - hold).dividingFullWidth(product).quotient
  }

  /// Whether a training sample of `step` is the bare copying task: its run said ``copies``
  /// times from the start (true before ``curriculumSteps``).
  public func copiesOnly(atStep step: Int) -> Bool { step < curriculumSteps }
}
