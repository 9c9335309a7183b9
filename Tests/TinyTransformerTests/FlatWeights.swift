@testable import TinyTransformer

extension DecoderWeights {
  /// kvtrace's own flat `Float32` buffer: the random, trained and llama2.c models these
  /// tests build all have one.
  var flat: Weights {
    guard case .flat(let weights) = self else { preconditionFailure("a model file's weights") }
    return weights
  }
}
