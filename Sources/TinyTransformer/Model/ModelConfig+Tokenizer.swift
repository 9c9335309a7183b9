import KVTrace

extension ModelConfig {
  /// Checks that the shape can run and that its vocabulary is the tokenizer's.
  ///
  /// - Throws: ``ModelConfigError`` naming the first problem.
  func validate(for tokenizer: Tokenizer) throws(ModelConfigError) {
    try validate()
    guard vocabularySize == tokenizer.vocabularySize else {
      throw ModelConfigError(
        description: "the model's vocabulary (\(vocabularySize)) must match the "
          + "tokenizer's (\(tokenizer.vocabularySize))")
    }
  }
}

extension Tokenizer {
  /// The tokens that do not begin a word (specials, raw bytes, word pieces
  /// without a leading space): the random models draw their classifier rows
  /// small, so that they write words.
  var piecesNotBeginningAWord: Set<Int> {
    Set((0..<vocabularySize).filter { !TinyTransformer.beginsAWord(piece(of: $0)) })
  }
}
