import TinyTransformer

/// One sample of the corpus, and where its repeated run sits.
struct Document {
  /// The token ids, exactly `length + 1` of them.
  var tokens: [Int] = []
  /// Where each copy of the run starts, and how many tokens it has; `nil` in a sample without
  /// a repeat.
  var run: (starts: [Int], count: Int)?
}

extension Corpus {
  /// Writes sample `index` of `step`: a story with a run of random words placed in it twice
  /// (or ``CorpusOptions/copies`` times).
  ///
  /// The run is placed first, in token positions, so that every copy always fits in the
  /// `length + 1` tokens the trainer sees; the story's sentences fill the room before, between
  /// and after them, whole sentences only, and the last one is cut where the sample ends.
  func document(step: Int, index: Int, length: Int) -> Document {
    var generator = SplitMix64(
      seed: Self.documentSeed(seed: seed, split: split, step: step, index: index))
    var writer = DocumentWriter(
      target: max(0, length) + 1,
      story: StoryWriter(generator: &generator, pangramShare: options.pangramShare))
    if generator.chance(options.repeatShare) {
      let run = runText(&generator, step: step, target: writer.target)
      if !run.isEmpty {
        let copiesOnly = split == .training && options.copiesOnly(atStep: step)
        place(run, in: &writer, &generator, fromTheStart: copiesOnly)
      }
    }
    writer.tell(upTo: Int.max)
    return writer.document
  }

  /// A run of distinct random words from the step's pool, as text: `" river blue cake"`.
  func runText(_ generator: inout SplitMix64, step: Int, target: Int) -> String {
    let poolSize = split == .validation ? Lexicon.runPool.count : options.poolSize(atStep: step)
    let shortest = max(1, options.runLengths.lowerBound)
    let drawn = generator.int(in: shortest...max(shortest, options.runLengths.upperBound))
    let count = min(drawn, poolSize, target / max(2, options.copies))
    let words = generator.distinct(count, of: Array(Lexicon.runPool.prefix(poolSize)))
    return words.map { " " + $0 }.joined()
  }

  /// Writes the copies of the run: from the start, one right after the other (as the
  /// evaluation's prompts do, and always during the curriculum), or with story sentences
  /// before and between them.
  func place(
    _ run: String, in writer: inout DocumentWriter, _ generator: inout SplitMix64,
    fromTheStart: Bool
  ) {
    let runTokens = Tokenizer.demo.encode(run).count
    let copies = max(2, options.copies)
    let promptShaped = generator.chance(options.promptShapedShare) || fromTheStart
    var starts: [Int] = []
    for copy in 0..<copies {
      // The room left for sentences once this copy and every later one are written.
      let room = writer.target - writer.document.tokens.count - (copies - copy) * runTokens
      if !promptShaped {
        writer.tell(upTo: writer.document.tokens.count + generator.int(in: 0...room))
      }
      starts.append(writer.document.tokens.count)
      writer.append(run)
    }
    writer.document.run = (starts, runTokens)
  }
}

/// Appends text to a document, token by token, until it holds `target` tokens.
struct DocumentWriter {
  let target: Int
  var story: StoryWriter
  var document = Document()
  /// A sentence the story told that did not fit where it was asked for; it comes next.
  private var pending: String?

  init(target: Int, story: StoryWriter) {
    self.target = target
    self.story = story
  }

  /// Appends the story's sentences while the document stays within `limit` tokens (and
  /// within the target, where the last sentence is cut).
  mutating func tell(upTo limit: Int) {
    while document.tokens.count < min(limit, target) {
      let text = pending ?? story.nextSentence()
      let sentence = encode(text)
      guard document.tokens.count + sentence.count <= limit else {
        pending = text
        return
      }
      pending = nil
      document.tokens += sentence.prefix(target - document.tokens.count)
    }
  }

  /// Appends text that begins with a space (a run of words), cut at the target.
  mutating func append(_ text: String) {
    document.tokens += encode(text).prefix(target - document.tokens.count)
  }

  /// The tokens of text that begins with a space; at the very start of a document the space
  /// is dropped, so the first word is the bare `"Once"` a typed prompt would begin with.
  private func encode(_ text: String) -> [Int] {
    Tokenizer.demo.encode(document.tokens.isEmpty ? String(text.dropFirst()) : text)
  }
}
