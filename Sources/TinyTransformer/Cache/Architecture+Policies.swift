import KVTrace

extension Architecture {
  /// Whether this architecture's model implements `policy`: the one place that
  /// says which cache policies each kind of transformer runs.
  ///
  /// The decoder-only model runs every policy. The encoder-decoder keeps its rows
  /// by the exact rules of ``TinyTransformer/NoCache`` and ``TinyTransformer/FullCache`` only: a window would have
  /// to evict self-attention rows before each query and leave the cross-attention
  /// rows alone, an int8 decoder would need its self and cross rows rounded apart,
  /// and its two caches have no block table to page. Its `generate` refuses the
  /// others with ``TinyTransformer/DecodeError/unsupportedPolicy(_:architecture:)`` rather than run
  /// them as `full` under another name.
  ///
  /// - Parameter policy: The policy asked for.
  /// - Returns: `true` when the model runs `policy` as the policy says.
  public func supports(_ policy: CachePolicyKind) -> Bool {
    switch self {
    case .decoder: true
    case .encoderDecoder:
      switch policy {
      case .none, .full: true
      case .window, .paged, .int8: false
      }
    }
  }

  /// The policies, among `kinds`, this architecture runs, in order.
  public func supported(among kinds: [CachePolicyKind]) -> [CachePolicyKind] {
    kinds.filter(supports)
  }
}
