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

  /// Adds the logits to a `vectors`-detail token event: all of them in token-id order
  /// when `kept` is 0 (or the whole vocabulary), else the `kept` largest, largest first
  /// (ties: lower id first), with their token ids.
  static func addLogits(
    _ logits: UnsafeBufferPointer<Float>, keeping kept: Int, to event: inout TokenEvent
  ) {
    guard kept > 0, kept < logits.count else {
      event.logits = Array(logits)
      return
    }
    let tokens = top(kept, of: logits)
    event.logits = tokens.map { logits[$0] }
    event.logitTokens = tokens
  }
}
