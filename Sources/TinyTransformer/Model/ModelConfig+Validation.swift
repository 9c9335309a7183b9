import KVTrace

/// Why a model configuration cannot be built.
public struct ModelConfigError: Error, Equatable, CustomStringConvertible {
  /// What is wrong and how to fix it, in one line.
  public var description: String
}

extension ModelConfig {
  /// The demo model's shape: 2 layers of 4 heads of size 16 (dim 64), each with its own KV
  /// head, an MLP of 128, a context of 64 positions.
  ///
  /// Small enough that every cache row fits on a screen and that `kvtrace train` trains it
  /// in minutes on a laptop, large enough for a trained model to form the heads the cache
  /// lessons need: one that reads the previous token's row, and an induction head that reads
  /// a row cached many steps before. The shipped trained model
  /// (``TinyTransformer/TinyTransformer/trainedDefault(seed:)``) has exactly this shape.
  ///
  /// - Parameter vocabularySize: The tokenizer's vocabulary size.
  public static func demo(vocabularySize: Int) -> ModelConfig {
    ModelConfig(
      layers: 2, heads: 4, kvHeads: 4, dim: 64, mlpDim: 128, contextLength: 64,
      vocabularySize: vocabularySize)
  }

  /// Checks that the shape describes a model that can run.
  ///
  /// - Throws: ``TinyTransformer/ModelConfigError`` naming the first problem and its fix.
  public func validate() throws(ModelConfigError) {
    func fail(_ message: String) -> ModelConfigError { ModelConfigError(description: message) }
    let limits: [(String, Int, ClosedRange<Int>)] = [
      ("layers", layers, Limits.layers), ("heads", heads, Limits.heads),
      ("kv-heads", kvHeads, Limits.kvHeads), ("dim", dim, Limits.dim),
      ("mlp dim", mlpDim, Limits.mlpDim), ("context length", contextLength, Limits.contextLength),
      ("vocabulary size", vocabularySize, Limits.vocabularySize),
    ]
    for (name, value, range) in limits where !range.contains(value) {
      throw fail("\(name) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
    }
    guard heads % kvHeads == 0 else {
      throw fail(
        "kv-heads (\(kvHeads)) must divide heads (\(heads)) so each KV head serves a whole "
          + "group of query heads; try --kv-heads \(Self.largestDivisor(of: heads, atMost: kvHeads))"
      )
    }
    if let explicitHeadSize {  // T5's d_kv: any width, no rotation to pair up
      guard Limits.headSize.contains(explicitHeadSize) else {
        throw fail("the head size must be in \(Limits.headSize), got \(explicitHeadSize)")
      }
      return
    }
    guard dim % heads == 0 else {
      throw fail("dim (\(dim)) must be a multiple of heads (\(heads)); try --dim \(heads * 8)")
    }
    guard headSize % 2 == 0 else {
      throw fail(
        "the head size dim / heads = \(headSize) must be even for rotary embeddings; "
          + "try --dim \(heads * 8)")
    }
  }

  private static func largestDivisor(of n: Int, atMost limit: Int) -> Int {
    (1...max(1, min(n, limit))).last { n % $0 == 0 } ?? 1
  }
}
