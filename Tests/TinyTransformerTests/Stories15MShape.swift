import KVTrace

@testable import TinyTransformer

/// A random model of llama2.c's stories15M shape (dim 288, 6 layers of 6 heads, head size
/// 48, MLP 768, 32000 logits) on two threads: the shape the speed work is measured on.
func stories15MShapeModel(contextLength: Int) throws -> TinyTransformer {
  let config = ModelConfig(
    layers: 6, heads: 6, kvHeads: 6, dim: 288, mlpDim: 768, contextLength: contextLength,
    vocabularySize: 32000)
  var model = try TinyTransformer(randomWeightsFor: config, seed: 15)
  model.threads = 2
  return model
}
