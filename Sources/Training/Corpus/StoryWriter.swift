import Foundation
import TinyTransformer

/// Tells one short story, sentence after sentence, in the spirit of TinyStories.
///
/// A story has a cast chosen once: a child and a friend (by name), a pet, a colored thing, a
/// place, and a line the child likes to say. Every sentence is a template filled from that
/// cast, so the same names and phrases come back again and again: once a story has said
/// "Lily had a red ball", the best guess after "Lily gave the" is what the text said before.
/// Some stories also hold the pangram or a variant of it, and say it twice.
struct StoryWriter {
  /// What the templates' `{slots}` are filled with, as (`"{slot}"`, word) pairs.
  private let cast: [(slot: String, word: String)]
  /// The pangram sentence of this story, if it has one, and the sentences where it goes.
  private let pangram: (sentence: String, places: Set<Int>)?
  private var generator: SplitMix64
  /// Sentences told so far, and how many of them came from the templates.
  private var told = 0
  private var toldFromTemplates = 0

  /// Chooses the cast and, with probability `pangramShare`, a pangram and where it goes.
  init(generator: inout SplitMix64, pangramShare: Double) {
    self.generator = SplitMix64(seed: generator.next())
    cast = Self.chooseCast(&self.generator)
    guard self.generator.chance(pangramShare) else {
      pangram = nil
      return
    }
    // Half the time the story opens with it, as kvtrace's demo prompt does, and then most
    // often says it again at once: a model that has read the pangram continues with it, and
    // its induction head reads the rows cached when the pangram first went by.
    let first = self.generator.chance(0.5) ? 0 : self.generator.int(in: 1...5)
    var again = first + self.generator.int(in: 2...6)
    if first == 0, self.generator.chance(0.7) { again = 1 }
    pangram = (Self.pangram(&self.generator), [first, again])
  }

  /// The next sentence, with a leading space and its closing punctuation.
  mutating func nextSentence() -> String {
    defer { told += 1 }
    if let pangram, pangram.places.contains(told) { return " " + pangram.sentence }
    defer { toldFromTemplates += 1 }
    let template =
      switch toldFromTemplates {
      case 0: generator.pick(Self.openings)
      case 1: Self.introduction
      default: generator.pick(Self.events)
      }
    return " " + Self.fill(template, from: cast)
  }

  /// "The quick brown fox jumps over the lazy dog." half the time, else a variant of it.
  static func pangram(_ generator: inout SplitMix64) -> String {
    if generator.chance(0.5) { return "The quick brown fox jumps over the lazy dog." }
    let animals = generator.distinct(2, of: Lexicon.animals)
    return "The \(generator.pick(Lexicon.looks)) \(generator.pick(Lexicon.colors)) \(animals[0])"
      + " jumps over the \(generator.pick(Lexicon.looks)) \(animals[1])."
  }

  /// Replaces every `{slot}` of the template with the cast's word for it.
  static func fill(_ template: String, from cast: [(slot: String, word: String)]) -> String {
    var text = template
    for (slot, word) in cast where text.contains(slot) {
      text = text.replacingOccurrences(of: slot, with: word)
    }
    return text
  }

  /// A child (whose name matches "girl" or "boy"), a friend, a pet, a thing, a place, a line.
  private static func chooseCast(_ generator: inout SplitMix64) -> [(slot: String, word: String)] {
    let isGirl = generator.chance(0.5)
    let hero = generator.pick(isGirl ? Lexicon.girls : Lexicon.boys)
    let cast = [
      "hero": hero, "friend": generator.pick(Lexicon.names.filter { $0 != hero }),
      "kind": isGirl ? "girl" : "boy",
      "He": isGirl ? "She" : "He", "he": isGirl ? "she" : "he", "his": isGirl ? "her" : "his",
      "him": isGirl ? "her" : "him", "parent": generator.pick(["mom", "dad"]),
      "pet": generator.pick(Lexicon.animals), "look": generator.pick(Lexicon.looks),
      "color": generator.pick(Lexicon.colors), "thing": generator.pick(Lexicon.things),
      "place": generator.pick(Lexicon.places), "feeling": generator.pick(Lexicon.feelings),
    ]
    var pairs = cast.sorted { $0.key < $1.key }.map { (slot: "{\($0.key)}", word: $0.value) }
    pairs.append((slot: "{phrase}", word: fill(generator.pick(phrases), from: pairs)))
    return pairs
  }
}

extension StoryWriter {
  /// The first sentence of a story: who it is about.
  static let openings = [
    "Once upon a time, there was a little {kind} named {hero}.",
    "Once upon a time, a {kind} named {hero} lived in a small house.",
    "{hero} was a happy little {kind}.",
    "There was a {kind} named {hero}. {He} lived with {his} {parent}.",
  ]

  /// The second sentence: the friend and the thing.
  static let introduction = "{hero} had a friend named {friend}. {He} had a {color} {thing}."

  /// What the child likes to say; the story quotes it more than once.
  static let phrases = [
    "I love my {color} {thing}!", "The {pet} is my friend.", "We can play in the {place} today.",
    "My {color} {thing} is very cool.", "I like the {look} {pet}.",
  ]

  /// Everything else that happens, drawn at random, with repeats.
  static let events = [
    "One day, {hero} went to the {place} with {his} friend {friend}.",
    "{hero} and {friend} played with the {color} {thing}.",
    "At the {place}, they saw a {look} {pet}.",
    "The {pet} was very {feeling}.",
    "{hero} gave the {color} {thing} to {friend}.",
    "{friend} looked at the {color} {thing} and smiled.",
    "The {look} {pet} ran to {hero}.",
    "{hero} wanted to play with the {pet}.",
    "{hero} said, \"{phrase}\"",
    "\"Yes,\" said {friend}. \"{phrase}\"",
    "Then {hero} and {friend} went home to {his} {parent}.",
    "{hero} told {his} {parent} about the {look} {pet}.",
    "{hero} liked the {pet} very much.",
    "The {pet} jumped over the {color} {thing}.",
    "{hero} was very {feeling}.",
    "They played in the {place} until night.",
    "{hero} and {friend} ate some cake.",
    "The sun was warm and the sky was blue.",
    "{friend} said to {hero}, \"I like your {color} {thing}.\"",
    "When {hero} saw the {pet}, {he} smiled.",
    "The {pet} liked {hero} too.",
  ]
}
