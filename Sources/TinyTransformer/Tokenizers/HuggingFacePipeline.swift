/// The steps a Hugging Face `tokenizer.json` puts around a Unigram model.
///
/// `tokenizers` encodes in stages: the *added tokens* (`</s>`, `<extra_id_0>`…) are found
/// whole in the raw text and become their ids; every other stretch of text goes through the
/// *normalizer* (for T5 the same precompiled NFKC map as `spiece.model`), the
/// *pre-tokenizer* (`Metaspace`: spaces become `▁`, one is put in front, and the text is cut
/// before each `▁`, so every word is segmented on its own) and then the Unigram model.
struct HuggingFacePipeline: Sendable, Equatable {
  /// One normalizer step.
  enum NormalizerStep: Sendable, Equatable {
    /// The precompiled map, applied one grapheme at a time as `tokenizers` does.
    case precompiled(PrecompiledCharsmap)
    /// Every copy of `pattern` becomes `content`; with a `minimumRun`, every run of at least
    /// that many copies becomes one `content` (the regular expression `" {2,}"`).
    case replace(pattern: String, minimumRun: Int?, content: String)
    /// Whitespace removed from the left and/or right end.
    case strip(left: Bool, right: Bool)
  }

  /// One pre-tokenizer step.
  enum PreTokenizerStep: Sendable, Equatable {
    /// Cut at whitespace, which is dropped.
    case whitespaceSplit
    /// Spaces become `replacement`; it is put in front (`prepend`: "always", "first" or
    /// "never"); with `split`, the text is cut before every `replacement`.
    case metaspace(replacement: String, prepend: String, split: Bool)
  }

  /// An added token, matched whole in the raw text.
  struct AddedToken: Sendable, Equatable {
    var content: String
    var id: Int
  }

  var addedTokens: [AddedToken] = []
  var normalizers: [NormalizerStep] = []
  var preTokenizers: [PreTokenizerStep] = []

  /// The ids of `text`: added tokens whole, every other stretch normalized, pre-tokenized
  /// and segmented in `Double`, as `tokenizers` does.
  func encode(_ text: String, with vocabulary: UnigramVocabulary) -> [Int] {
    var ids: [Int] = []
    for (index, stretch) in splitAddedTokens(text).enumerated() {
      switch stretch {
      case .added(let id): ids.append(id)
      case .text(let part):
        for word in preTokenize(normalize(part), isFirst: index == 0) {
          let bytes = Array(word.utf8)
          let path = vocabulary.bestPath(bytes, as: Double.self, resetsScores: false)
          ids += vocabulary.ids(of: path, in: bytes)
        }
      }
    }
    return ids
  }

  /// A stretch of the raw text: an added token, or text between them.
  enum Stretch: Equatable {
    case added(Int)
    case text(String)
  }

  /// The text cut at every added token, leftmost first and, among those starting at the
  /// same place, longest first.
  func splitAddedTokens(_ text: String) -> [Stretch] {
    guard !addedTokens.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
    let firsts = Set(addedTokens.compactMap { $0.content.unicodeScalars.first })
    var stretches: [Stretch] = []
    var start = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
      let rest = text.unicodeScalars[index...]
      let match =
        !firsts.contains(text.unicodeScalars[index])
        ? nil
        : addedTokens
          .filter { rest.starts(with: $0.content.unicodeScalars) }
          .max { $0.content.unicodeScalars.count < $1.content.unicodeScalars.count }
      guard let match else {
        index = text.unicodeScalars.index(after: index)
        continue
      }
      if start < index { stretches.append(.text(String(text.unicodeScalars[start..<index]))) }
      stretches.append(.added(match.id))
      index = text.unicodeScalars.index(index, offsetBy: match.content.unicodeScalars.count)
      start = index
    }
    if start < text.endIndex { stretches.append(.text(String(text.unicodeScalars[start...]))) }
    return stretches
  }
}
