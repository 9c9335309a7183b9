// Text to ids: normalize, then segment (Hugging Face files add their own steps around it).

extension UnigramVocabulary {
  /// The ids of `text`, as sentencepiece's `EncodeAsIds` (or `tokenizers`' `encode` without
  /// special tokens) gives them.
  func encode(_ text: String) -> [Int] {
    switch flavor {
    case .sentencePiece(let normalizer):
      let bytes = normalizer.normalize(text)
      return ids(of: bestPath(bytes, as: Float.self, resetsScores: true), in: bytes)
    case .huggingFace(let pipeline):
      return pipeline.encode(text, with: self)
    }
  }

  /// What a trace header calls this vocabulary, e.g. `sentencepiece unigram, 32100 pieces`.
  var identityName: String {
    switch flavor {
    case .sentencePiece: "sentencepiece unigram, \(count) pieces"
    case .huggingFace: "tokenizer.json unigram, \(count) pieces"
    }
  }
}
