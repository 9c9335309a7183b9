// The hand-written word list behind `Tokenizer.demo`.
//
// The order of these arrays *is* the order of the token ids, so editing them renumbers the
// vocabulary. Keep every entry unique: the tests check that no two ids share a piece.

extension Tokenizer {
  /// The lowercase words (and a few sub-word suffixes) of the demo vocabulary.
  ///
  /// Each entry becomes two pieces, `"word"` and `" word"`, because in running text a word is
  /// almost always preceded by a space. Folding that space into the piece means "the quick fox"
  /// costs three tokens rather than five. An entry that is a single byte (such as `"a"` or
  /// `"s"`) is already covered by its byte token, so only its `" a"` form adds a new id.
  static let demoWords: [String] = [
    // Function words.
    "the", "a", "an", "and", "or", "but", "if", "then", "so", "as", "at", "by", "for", "from", "in",
    "into", "of", "on", "to", "with", "about", "after", "before", "under", "over", "up", "down",
    "out", "off", "than", "that", "this", "these", "those", "there", "here", "what", "which", "who",
    "when", "where", "why", "how", "all", "any", "both", "each", "every", "few", "more", "most",
    "other", "some", "such", "no", "not", "only", "own", "same", "too", "very", "can", "will",
    "just", "would", "could", "may", "do", "does", "did", "done", "be", "is", "are", "was", "were",
    "been", "being", "have", "has", "had", "me", "my", "we", "us", "our", "you", "your", "he",
    "him", "his", "she", "her", "it", "its", "they", "them", "their", "one", "two", "three", "four",
    "five", "ten", "first", "last", "next", "again", "once", "upon", "still", "also", "even",
    "ever", "never", "always", "often", "now", "soon", "today", "yes", "because", "while", "until",
    "through", "around", "away", "back",
    // Nouns.
    "time", "day", "night", "year", "world", "life", "man", "woman", "child", "children", "people",
    "friend", "friends", "family", "home", "house", "room", "door", "table", "bed", "car", "road",
    "city", "town", "water", "fire", "sun", "moon", "star", "sky", "tree", "river", "sea", "bird",
    "cat", "dog", "fox", "fish", "king", "queen", "story", "book", "word", "name", "hand", "head",
    "eye", "eyes", "face", "heart", "voice", "food", "bread", "apple", "cake", "carbs", "dinner",
    "school", "game", "music", "song", "light", "morning", "money", "work", "way", "thing",
    "things", "place", "end", "question", "answer", "idea", "cache", "token", "model",
    // Verbs.
    "go", "went", "come", "came", "run", "ran", "walk", "jump", "jumps", "jumped", "see", "saw",
    "look", "say", "said", "tell", "told", "make", "made", "take", "took", "give", "gave", "get",
    "got", "know", "knew", "think", "want", "need", "like", "love", "eat", "ate", "drink", "sleep",
    "play", "read", "write", "find", "found", "keep", "live", "lived", "help", "ask", "call", "try",
    "turn", "open", "close", "sit", "stand", "speak", "hear", "feel", "felt", "start", "stop",
    "begin", "learn", "summarize", "translate",
    // Adjectives.
    "quick", "slow", "brown", "red", "blue", "green", "black", "white", "big", "small", "little",
    "long", "short", "old", "new", "young", "good", "bad", "great", "happy", "sad", "cool", "hot",
    "cold", "warm", "lazy", "fast", "dark", "bright", "high", "low", "right", "left", "full",
    "kind", "many", "much",
    // Sub-word suffixes, so unseen words like "jumping" split into "jump" + "ing".
    "ing", "ed", "er", "ly", "s", "es", "est", "ness", "ful", "less", "tion",
  ]

  /// Capitalized words that often start a sentence, each added as `"The"` and `" The"`.
  ///
  /// Without these, "The" would fall back to byte tokens, because the tokenizer is
  /// case-sensitive: it never lowercases text, since decoding must reproduce it exactly.
  /// The words the training corpus added come last, so that every older id keeps its number.
  static let demoStarters: [String] = [
    "The", "A", "An", "Once", "My", "It", "He", "She", "They", "We", "I", "In", "On", "At", "This",
    "That", "There", "Then", "When", "What", "Where", "Why", "How", "You", "But", "And", "So", "If",
    "Yes", "No", "One", "Today",
    // Appended for the training corpus (Sources/Training/Corpus), after every earlier entry
    // so that no existing id moves: the names of its characters, then its story words.
    "Tom", "Lily", "Ben", "Mia", "Sam", "Anna", "Max", "Lucy", "girl", "boy", "mom", "dad",
    "park", "garden", "ball", "toy", "box", "hat", "bear", "frog", "duck", "pig", "named",
    "played", "smiled", "looked", "liked", "wanted", "funny", "yellow",
  ]
}
