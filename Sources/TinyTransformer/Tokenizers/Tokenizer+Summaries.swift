// The word list behind `Tokenizer.summaries`. Its order is the order of the token ids:
// editing it renumbers the vocabulary of every model trained on it.

extension Tokenizer {
  /// The word-level vocabulary of kvtrace's trained T5 default, the summarizer.
  ///
  /// The decoder default's vocabulary (``demo``) is fixed by the model shipped with it, so
  /// the encoder-decoder default has a list of its own: every word of the summarization
  /// corpus (`summarize`, names, foods, verbs in both present forms, time phrases, ...), each
  /// one whole-word token, so a cache row and a cross-attention column read `carbs`, not
  /// `car` + `bs`. It uses the same machinery as the demo vocabulary, and so the same ids
  /// below the words: `<pad>` 0, `<bos>` 1, `<eos>` 2 (the end of every source and summary,
  /// T5's `</s>`), `<start>` 3 (the decoder's first input, T5's `decoder_start_token_id`),
  /// then the 256 byte tokens (punctuation such as `.`, `,` and `:` is a byte token). Real
  /// T5 numbers these differently (`<pad>` 0 is also its decoder start, `</s>` is 1); a
  /// checkpoint's `config.json` says which ids a model uses, so nothing depends on the
  /// numbers.
  public static let summaries = Tokenizer(
    kind: .words(WordVocabulary(words: summaryWords, starters: [])))

  /// The words of ``summaries``, in id order; each gives the pieces `"word"` and `" word"`.
  static let summaryWords: [String] = [
    "summarize", "Anna", "Mia", "Lucy", "Emma", "Sara", "she", "Tom", "Ben", "Sam", "Max", "Leo",
    "he", "My", "sister", "mom", "aunt", "The", "teacher", "Our", "neighbor", "brother", "dad",
    "uncle", "doctor", "baker", "friends", "parents", "neighbors", "cousins", "kids", "students",
    "twins", "players", "and", "coworkers", "they", "eat", "eats", "too", "many", "carbs", "much",
    "sugar", "a", "lot", "of", "pasta", "cake", "for", "breakfast", "spicy", "food", "fresh",
    "fruit", "cold", "pizza", "cookies", "drink", "drinks", "coffee", "green", "tea", "milk",
    "orange", "juice", "water", "play", "plays", "chess", "football", "the", "piano", "guitar",
    "video", "games", "tennis", "cards", "cook", "cooks", "soup", "fish", "rice", "dinner",
    "everyone", "read", "reads", "old", "books", "news", "long", "novels", "comic", "poems",
    "watch", "watches", "movies", "cartoons", "visit", "visits", "museum", "park", "beach",
    "market", "library", "grow", "grows", "tomatoes", "flowers", "herbs", "apples", "love",
    "loves", "walks", "loud", "music", "sunny", "days", "board", "cats", "dogs", "hate", "hates",
    "weather", "early", "mornings", "meetings", "wear", "wears", "red", "shoes", "funny", "hats",
    "jeans", "big", "glasses", "walk", "to", "work", "school", "dog", "in", "cool", "nice",
    "kind", "smart", "busy", "lazy", "friendly", "quiet", "great", "happy", "tired", "young",
    "shy", "brave", "polite", "strange", "lovely", "live", "Paris", "lives", "near", "sea", "at",
    "bank", "works", "are", "always", "late", "is", "very", "have", "new", "car", "has", "were",
    "born", "London", "was", "never", "sleep", "sleeps", "every", "day", "morning", "weekend",
    "on", "Sundays", "night", "after", "evening", "summer", "most", "these", "holidays", "I",
    "think", "as", "you", "know", "be", "honest", "course", "fact", "believe", "it", "or", "not",
    "usual", "sadly", "apparently", "seems", "really", "actually", "honestly", "clearly", "truly",
    "although", "even", "though", "but", "who",
  ]
}
