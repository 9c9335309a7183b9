/// The steps a Hugging Face `tokenizer.json` puts around a Unigram model: added tokens split
/// out first, then the normalizer, the pre-tokenizer, and the model on each word.
struct HuggingFacePipeline: Sendable, Equatable {
  /// The added tokens (`</s>`, `<extra_id_0>`…), matched whole in the raw text.
  var addedTokens: [(content: String, id: Int)] = []

  static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.addedTokens.elementsEqual(rhs.addedTokens) { $0.content == $1.content && $0.id == $1.id }
  }
}
