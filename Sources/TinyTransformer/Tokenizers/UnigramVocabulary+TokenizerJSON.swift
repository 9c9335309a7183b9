import Foundation

extension UnigramVocabulary {
  /// The vocabulary of a Hugging Face `tokenizer.json` of model type `Unigram`.
  init(tokenizerJSON data: Data) throws(TokenizerFileProblem) {
    throw .unsupportedModelType(.tokenizerJSON, "not yet")
  }
}

extension HuggingFacePipeline {
  /// The ids of `text`: added tokens whole, every other stretch normalized, pre-tokenized
  /// and segmented.
  func encode(_ text: String, with vocabulary: UnigramVocabulary) -> [Int] {
    []
  }
}
