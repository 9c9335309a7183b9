/// The shape of a transformer: how many layers, heads and dimensions it has.
///
/// A trace carries the configuration of the model that produced it, so a renderer
/// can draw the cache grid (one column per layer and KV head) and a reader can
/// check the counters (bytes = 2 × layers × KV heads × head size × 4 × tokens)
/// without the model itself.
///
/// `kvHeads` may be smaller than `heads`: that is grouped-query attention
/// (GQA), and with `kvHeads == 1` multi-query attention (MQA). Each group of
/// `heads / kvHeads` query heads reads the same cached key/value row, so the
/// cache shrinks by that factor.
public struct ModelConfig: Sendable, Equatable, Hashable, Codable {
  /// The number of transformer blocks; every block has its own K/V cache.
  public var layers: Int
  /// The number of query heads per layer.
  public var heads: Int
  /// The number of key/value heads per layer (divides `heads`).
  public var kvHeads: Int
  /// The width of the residual stream (usually `heads × headSize`).
  public var dim: Int
  /// The hidden width of the SwiGLU feed-forward block.
  public var mlpDim: Int
  /// The most positions a sequence may have (prompt plus generated tokens).
  public var contextLength: Int
  /// The number of distinct tokens the model reads and predicts.
  public var vocabularySize: Int
  /// The head size when it is not `dim / heads`, else `nil`.
  ///
  /// Most models split the residual stream evenly over the heads. T5 does not have
  /// to: its attention projects `dim` to `heads × d_kv` and back (flan-t5-small:
  /// 6 heads of 64 = 384 wide, in a stream of 512). A trace writes the field only
  /// when it is set, so traces of evenly split models keep their bytes.
  public private(set) var explicitHeadSize: Int?

  /// Creates a configuration; the model (`TinyTransformer`) validates it before use.
  ///
  /// - Parameters:
  ///   - layers: Transformer blocks.
  ///   - heads: Query heads per layer.
  ///   - kvHeads: Key/value heads per layer.
  ///   - dim: The width of the residual stream.
  ///   - mlpDim: The hidden width of the feed-forward block.
  ///   - contextLength: The most positions a sequence may have.
  ///   - vocabularySize: Distinct tokens.
  ///   - headSize: The width of one head when it is not `dim / heads` (T5's `d_kv`);
  ///     `nil`, or a value equal to `dim / heads`, means the even split.
  public init(
    layers: Int, heads: Int, kvHeads: Int, dim: Int, mlpDim: Int, contextLength: Int,
    vocabularySize: Int, headSize: Int? = nil
  ) {
    self.layers = layers
    self.heads = heads
    self.kvHeads = kvHeads
    self.dim = dim
    self.mlpDim = mlpDim
    self.contextLength = contextLength
    self.vocabularySize = vocabularySize
    let even = heads > 0 && dim % heads == 0 ? dim / heads : nil
    explicitHeadSize = headSize == even ? nil : headSize
  }

  /// The width of one head's query, key and value vectors: ``explicitHeadSize``, or `dim / heads`.
  public var headSize: Int { explicitHeadSize ?? (heads > 0 ? dim / heads : 0) }
  /// The width of all query heads side by side, `heads × headSize`: what attention
  /// projects the stream to and back from (equal to `dim` unless the heads are explicit).
  public var attentionDim: Int { heads * headSize }
  /// The width of one position's cached keys (or values) in one layer: `kvHeads × headSize`.
  public var kvDim: Int { kvHeads * headSize }
  /// How many query heads share one KV head.
  public var queriesPerKVHead: Int { kvHeads > 0 ? heads / kvHeads : 0 }
  /// The KV head that query head `head` reads.
  public func kvHead(forQueryHead head: Int) -> Int {
    queriesPerKVHead > 0 ? head / queriesPerKVHead : 0
  }
  /// Bytes one cached position costs across all layers: K and V, `Float32` each.
  public var cacheBytesPerPosition: Int { 2 * layers * kvDim * MemoryLayout<Float>.size }

  /// The largest shapes kvtrace builds and reads.
  ///
  /// The model refuses to build beyond them and a trace file that claims more is
  /// rejected, so a damaged file cannot ask a renderer to draw a billion layers.
  public enum Limits {
    /// Transformer layers.
    public static let layers = 1...64
    /// Query heads per layer.
    public static let heads = 1...64
    /// Key/value heads per layer.
    public static let kvHeads = 1...64
    /// Width of the residual stream.
    public static let dim = 2...8192
    /// Hidden width of the feed-forward block.
    public static let mlpDim = 1...32768
    /// Positions a sequence may have.
    public static let contextLength = 1...32768
    /// Distinct tokens.
    public static let vocabularySize = 1...1_000_000
    /// The width of one head, when given explicitly.
    public static let headSize = 1...1024
  }
}
