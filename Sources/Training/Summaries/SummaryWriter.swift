import TinyTransformer

/// One summarization example: a sentence and its summary, both plain text.
public struct SummaryPair: Sendable, Equatable {
  /// The model's input without its task prefix, e.g. "My friends are cool but they eat too
  /// many carbs."
  public var sentence: String
  /// What the model learns to write: the sentence's subject and fact, e.g. "My friends eat
  /// too many carbs."
  public var summary: String

  /// The encoder's input: `summarize: ` and the sentence, as T5 writes its tasks.
  public var source: String { "summarize: " + sentence }
}

/// Writes one pair from a generator's draws: the kept parts copied in order, the dropped
/// parts wrapped around them by one of the templates.
enum SummaryWriter {
  /// How a template drops a part of the sentence.
  enum Template: CaseIterable {
    /// "My friends are cool but they eat too many carbs." (the seed's own shape)
    case opinionBut
    /// "My friends are cool, and they eat too many carbs."
    case opinionAnd
    /// "My friends, who live in Paris, eat too many carbs."
    case aside
    /// "My friends eat too many carbs every weekend."
    case time
    /// "My friends eat too many carbs, to be honest."
    case comment
    /// "My friends eat too many carbs, although they are cool."
    case concession
    /// "My friends really eat too many carbs."
    case adverb
    /// "My friends, who live in Paris, eat too many carbs every weekend."
    case asideAndTime
    /// "My friends are cool but they eat too many carbs every weekend."
    case opinionAndTime
    /// "My friends eat too many carbs every weekend, to be honest."
    case timeAndComment
  }

  /// The parts a pair is made of, drawn before any text is written.
  struct Draw {
    var template: Template
    var subject: SummaryLexicon.Subject
    var verb: SummaryLexicon.Verb
    var object: String
    var adjective: String
    var aside: (plural: String, singular: String)
    var time: String
    var comment: String
    var adverb: String
    var concession: String
  }

  /// Draws every part of a pair from `generator`, in a fixed order.
  static func draw(_ g: inout SplitMix64) -> Draw {
    let verb = g.pick(SummaryLexicon.verbs)
    return Draw(
      template: g.pick(Template.allCases), subject: g.pick(SummaryLexicon.subjects), verb: verb,
      object: g.pick(verb.objects), adjective: g.pick(SummaryLexicon.adjectives),
      aside: g.pick(SummaryLexicon.asides), time: g.pick(SummaryLexicon.times),
      comment: g.pick(SummaryLexicon.comments), adverb: g.pick(SummaryLexicon.adverbs),
      concession: g.pick(SummaryLexicon.concessions))
  }

  /// The pair the draw describes.
  static func write(_ d: Draw) -> SummaryPair {
    let s = d.subject
    let verb = s.plural ? d.verb.plural : d.verb.singular
    let fact = verb + " " + d.object
    let be = s.plural ? "are" : "is"
    let aside = s.plural ? d.aside.plural : d.aside.singular
    let opinion = "\(s.words) \(be) \(d.adjective)"
    let sentence: String
    switch d.template {
    case .opinionBut: sentence = "\(opinion) but \(s.pronoun) \(fact)."
    case .opinionAnd: sentence = "\(opinion), and \(s.pronoun) \(fact)."
    case .aside: sentence = "\(s.words), who \(aside), \(fact)."
    case .time: sentence = "\(s.words) \(fact) \(d.time)."
    case .comment: sentence = "\(s.words) \(fact), \(d.comment)."
    case .concession:
      sentence = "\(s.words) \(fact), \(d.concession) \(s.pronoun) \(be) \(d.adjective)."
    case .adverb: sentence = "\(s.words) \(d.adverb) \(fact)."
    case .asideAndTime: sentence = "\(s.words), who \(aside), \(fact) \(d.time)."
    case .opinionAndTime: sentence = "\(opinion) but \(s.pronoun) \(fact) \(d.time)."
    case .timeAndComment: sentence = "\(s.words) \(fact) \(d.time), \(d.comment)."
    }
    return SummaryPair(sentence: sentence, summary: "\(s.words) \(fact).")
  }
}
