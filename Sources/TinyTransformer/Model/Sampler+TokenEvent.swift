import KVTrace

extension Sampler {
  /// The token event of a choice: the chosen token and the five most probable
  /// candidates, with their texts and probabilities.
  static func tokenEvent(
    step: Int, position: Int, chosen: Int, probabilities: UnsafeBufferPointer<Float>,
    tokenizer: Tokenizer
  ) -> TokenEvent {
    func candidate(_ token: Int) -> TokenCandidate {
      TokenCandidate(
        token: token, text: tokenizer.piece(of: token), probability: probabilities[token])
    }
    return TokenEvent(
      step: step, position: position, chosen: candidate(chosen),
      candidates: top(5, of: probabilities).map(candidate))
  }
}
