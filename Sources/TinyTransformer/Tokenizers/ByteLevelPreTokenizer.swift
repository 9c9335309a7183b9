/// How a byte-level BPE tokenizer cuts text into words before merging, so that no token
/// spans two words (`" quick"` and `" brown"`, never `"k b"`).
///
/// Each kind is a regular expression in its model's files; here each is written by hand
/// over Unicode properties (letters `\p{L}`, numbers `\p{N}`, white space `\s`), one
/// matcher per alternative, tried in the expression's order at each position.
enum ByteLevelPreTokenizer: String, Sendable, Equatable, CaseIterable {
  /// GPT-2's pattern: `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|`
  /// `\s+(?!\S)|\s+`. A word keeps the one space before it; a run of spaces gives all but
  /// its last space to a token of its own.
  case gpt2
  /// SmolLM's: every digit alone (`"2024"` is four words), then GPT-2's pattern.
  case smollm
  /// Llama 3's: contractions in either case, a letter run with one non-letter before it,
  /// numbers in groups of up to three digits, punctuation runs with the newlines after
  /// them, newline runs, then spaces as in GPT-2.
  case llama3
  /// Qwen2's: Llama 3's pattern with every digit alone.
  case qwen2

  /// The kind a GGUF `tokenizer.ggml.pre` names, or `nil` for a name kvtrace does not know.
  ///
  /// llama.cpp writes `llama-bpe` for Llama 3 (and `smaug-bpe`, `llama3` for models with
  /// its pattern) and `qwen2` for Qwen2; a file without the key is read as GPT-2.
  init?(ggufName name: String) {
    switch name {
    case "gpt2", "gpt-2": self = .gpt2
    case "smollm": self = .smollm
    case "llama-bpe", "llama3", "llama-v3", "smaug-bpe": self = .llama3
    case "qwen2": self = .qwen2
    default: return nil
    }
  }

  /// The words of `text` as ranges of its scalars, in order; together they cover it.
  func split(_ text: [Unicode.Scalar]) -> [Range<Int>] {
    var words: [Range<Int>] = []
    var start = 0
    while start < text.count {
      let end = nextEnd(text, from: start)
      words.append(start..<end)
      start = end
    }
    return words
  }

  /// Where the word starting at `start` ends (always after `start`).
  private func nextEnd(_ text: [Unicode.Scalar], from start: Int) -> Int {
    switch self {
    case .gpt2:
      return PatternMatcher(text: text, end: text.count).gpt2(at: start)
    case .smollm:
      // Digits are cut out first, so the GPT-2 pattern sees the text up to the next digit
      // as if it ended there.
      if PatternMatcher.isNumber(text[start]) { return start + 1 }
      let end = text[start...].firstIndex(where: PatternMatcher.isNumber) ?? text.count
      return PatternMatcher(text: text, end: end).gpt2(at: start)
    case .llama3:
      return PatternMatcher(text: text, end: text.count).llama3(at: start, digitGroup: 3)
    case .qwen2:
      return PatternMatcher(text: text, end: text.count).llama3(at: start, digitGroup: 1)
    }
  }
}
