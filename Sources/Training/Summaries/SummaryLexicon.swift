/// The words of the summarization corpus, grouped by the part of a sentence they fill.
///
/// A source sentence is a *subject*, a *fact* (a verb and its object) and one or two parts a
/// summary drops: an opinion (`are cool but they`), an aside (`, who lives in Paris,`), a
/// time phrase (`every weekend`), a comment (`, to be honest`), a concession (`, although she
/// is busy`) or a filler adverb (`really`). The summary is the subject and the fact, copied
/// word for word. Every word here is one whole-word token of
/// ``TinyTransformer/Tokenizer/summaries``; the tests check it.
enum SummaryLexicon {
  /// A sentence's subject: its words, whether it takes plural verbs, its pronoun.
  struct Subject: Sendable {
    let words: String
    let plural: Bool
    let pronoun: String
  }

  /// A verb in its plural (`eat`) and singular (`eats`) present forms, with the objects
  /// that make a fact of it.
  struct Verb: Sendable {
    let plural: String
    let singular: String
    let objects: [String]
  }

  static let singularSubjects: [Subject] =
    ["Anna", "Mia", "Lucy", "Emma", "Sara"].map {
      Subject(words: $0, plural: false, pronoun: "she")
    }
    + ["Tom", "Ben", "Sam", "Max", "Leo"].map { Subject(words: $0, plural: false, pronoun: "he") }
    + ["My sister", "My mom", "My aunt", "The teacher", "Our neighbor"].map {
      Subject(words: $0, plural: false, pronoun: "she")
    }
    + ["My brother", "My dad", "My uncle", "The doctor", "The baker"].map {
      Subject(words: $0, plural: false, pronoun: "he")
    }

  static let pluralSubjects: [Subject] = [
    "My friends", "My parents", "My neighbors", "My cousins", "The kids", "The students",
    "Our neighbors", "The twins", "The players", "Tom and Anna", "Ben and Mia", "My coworkers",
  ].map { Subject(words: $0, plural: true, pronoun: "they") }

  static let subjects = singularSubjects + pluralSubjects

  static let verbs: [Verb] = [
    Verb(
      plural: "eat", singular: "eats",
      objects: [
        "too many carbs", "too much sugar", "a lot of pasta", "cake for breakfast", "spicy food",
        "fresh fruit", "cold pizza", "too many cookies",
      ]),
    Verb(
      plural: "drink", singular: "drinks",
      objects: ["too much coffee", "green tea", "a lot of milk", "orange juice", "cold water"]),
    Verb(
      plural: "play", singular: "plays",
      objects: ["chess", "football", "the piano", "the guitar", "video games", "tennis", "cards"]),
    Verb(
      plural: "cook", singular: "cooks",
      objects: ["pasta", "soup", "fish", "rice", "spicy food", "dinner for everyone"]),
    Verb(
      plural: "read", singular: "reads",
      objects: ["old books", "the news", "long novels", "comic books", "poems"]),
    Verb(
      plural: "watch", singular: "watches",
      objects: ["old movies", "football", "the news", "cartoons"]),
    Verb(
      plural: "visit", singular: "visits",
      objects: ["the museum", "the park", "the beach", "the market", "the library"]),
    Verb(plural: "grow", singular: "grows", objects: ["tomatoes", "flowers", "herbs", "apples"]),
    Verb(
      plural: "love", singular: "loves",
      objects: ["long walks", "loud music", "sunny days", "board games", "cats", "dogs"]),
    Verb(
      plural: "hate", singular: "hates",
      objects: ["cold weather", "loud music", "early mornings", "long meetings"]),
    Verb(
      plural: "wear", singular: "wears",
      objects: ["red shoes", "funny hats", "old jeans", "big glasses"]),
    Verb(
      plural: "walk", singular: "walks",
      objects: ["to work", "to school", "the dog", "in the park"]),
  ]

  /// What a subject is (`are cool`, `is kind`): the opinion a summary drops.
  static let adjectives = [
    "cool", "nice", "kind", "funny", "smart", "busy", "lazy", "friendly", "quiet", "loud",
    "great", "happy", "tired", "young", "old", "shy", "brave", "polite", "strange", "lovely",
  ]

  /// Asides in plural and singular form: `, who live in Paris,`.
  static let asides: [(plural: String, singular: String)] = [
    ("live in Paris", "lives in Paris"), ("live near the sea", "lives near the sea"),
    ("work at the bank", "works at the bank"), ("are always late", "is always late"),
    ("are very busy", "is very busy"), ("love music", "loves music"),
    ("have a new car", "has a new car"), ("were born in London", "was born in London"),
    ("never sleep", "never sleeps"),
  ]

  /// When the fact happens: dropped, since a summary keeps what, not when.
  static let times = [
    "every day", "every morning", "every weekend", "on Sundays", "at night", "after work",
    "in the evening", "in summer", "most days", "these days", "on holidays",
  ]

  /// The speaker's comments, set off by a comma.
  static let comments = [
    "I think", "as you know", "to be honest", "of course", "in fact", "believe it or not",
    "as usual", "sadly", "apparently", "it seems",
  ]

  /// Filler adverbs between the subject and the verb.
  static let adverbs = ["really", "actually", "honestly", "clearly", "truly"]

  /// The words that join a dropped concession to the fact.
  static let concessions = ["although", "even though", "but"]
}
