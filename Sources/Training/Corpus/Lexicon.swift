import TinyTransformer

/// The corpus's words, grouped by the role they play in its stories.
///
/// Every word here is one whole-word token of ``TinyTransformer/Tokenizer/demo`` (bare at
/// the start of a document, with its leading space anywhere else); the tests check it.
enum Lexicon {
  /// The characters' names. A story picks two and keeps using them.
  static let names = ["Tom", "Lily", "Ben", "Mia", "Sam", "Anna", "Max", "Lucy"]
  /// The animals of the stories and of the pangram's variants.
  static let animals = ["dog", "cat", "fox", "bird", "fish", "bear", "frog", "duck", "pig"]
  /// What an animal looks like: the first adjective of a pangram variant.
  static let looks = [
    "quick", "slow", "lazy", "big", "small", "little", "happy", "sad", "old", "young", "fast",
    "funny",
  ]
  /// The colors of things and of pangram animals.
  static let colors = ["brown", "red", "blue", "green", "black", "white", "yellow"]
  /// The things a child has, gives and plays with.
  static let things = ["ball", "toy", "box", "hat", "book", "cake", "apple", "car"]
  /// Where the children go: "to the park".
  static let places = ["park", "garden", "river", "sea", "school", "town"]
  /// How a character feels: "was very happy".
  static let feelings = ["happy", "sad", "cold", "warm", "cool"]

  /// More words of the demo vocabulary that the stories rarely use, so that the random runs
  /// cover the whole vocabulary: whatever token a prompt repeats, the model has seen copied.
  static let everyday = [
    "the", "a", "an", "and", "or", "but", "if", "then", "so", "as", "at", "by", "for", "from",
    "in", "into", "of", "on", "to", "with", "about", "after", "before", "under", "over", "up",
    "down", "out", "off", "than", "that", "this", "these", "those", "there", "here", "what",
    "which", "who", "when", "where", "why", "how", "all", "any", "both", "each", "every", "few",
    "more", "most", "other", "some", "such", "no", "not", "only", "own", "same", "too", "very",
    "can", "will", "just", "would", "could", "may", "do", "does", "did", "done", "be", "is",
    "are", "was", "were", "been", "being", "have", "has", "had", "me", "my", "we", "us", "our",
    "you", "your", "he", "him", "his", "she", "her", "it", "its", "they", "them", "their",
    "one", "two", "three", "four", "five", "ten", "first", "last", "next", "again", "once",
    "upon", "still", "also", "even", "ever", "never", "always", "often", "now", "soon", "today",
    "yes", "because", "while", "until", "through", "around", "away", "back", "time", "day",
    "night", "year", "world", "life", "man", "woman", "child", "children", "people", "friend",
    "friends", "family", "home", "house", "room", "door", "table", "bed", "road", "city",
    "water", "fire", "sun", "moon", "star", "sky", "tree", "king", "queen", "story", "word",
    "name", "hand", "head", "eye", "eyes", "face", "heart", "voice", "food", "bread", "carbs",
    "dinner", "game", "music", "song", "light", "morning", "money", "work", "way", "thing",
    "things", "place", "end", "question", "answer", "idea", "cache", "token", "model", "go",
    "went", "come", "came", "run", "ran", "walk", "jump", "jumps", "jumped", "see", "saw",
    "look", "say", "said", "tell", "told", "make", "made", "take", "took", "give", "gave", "get",
    "got", "know", "knew", "think", "want", "need", "like", "love", "eat", "ate", "drink",
    "sleep", "play", "read", "write", "find", "found", "keep", "live", "lived", "help", "ask",
    "call", "try", "turn", "open", "close", "sit", "stand", "speak", "hear", "feel", "felt",
    "start", "stop", "begin", "learn", "summarize", "translate", "long", "short", "new", "good",
    "bad", "great", "hot", "dark", "bright", "high", "low", "right", "left", "full", "kind",
    "many", "much", "girl", "boy", "mom", "dad", "named", "played", "smiled", "looked", "liked",
    "wanted",
  ]

  /// Every distinct word above, in a fixed shuffled order: the pool of the random runs.
  ///
  /// The curriculum lets runs draw from a prefix of this list that grows with the step, so
  /// the order decides which words come first; shuffling once with a fixed seed mixes names,
  /// animals and function words into the small early pool.
  static let runPool: [String] = {
    var seen: Set<String> = []
    let all = (names + animals + looks + colors + things + places + feelings + everyday)
      .filter { seen.insert($0).inserted }
    var generator = SplitMix64(seed: 0x434F_5250_5553)  // "CORPUS"
    return generator.distinct(all.count, of: all)
  }()

  /// The token ids of ``runPool``'s words, each with its leading space (`" word"`).
  static let runPoolTokens: [Int] = runPool.map { Tokenizer.demo.encode(" " + $0)[0] }
}
