/// One fact the model reports while it decodes.
///
/// The log is flat and append-only: every event carries its own coordinates
/// (step, layer, head, position), so any view (the cache grid, a heatmap, a
/// JSON file) is a query over the same list. Events are values the model emits
/// as it computes, not a reconstruction after the fact.
public enum TraceEvent: Sendable, Equatable {
  /// A step starts: which positions it processes as queries, and why.
  case stepBegan(StepBegan)
  /// Which key/value rows of one layer and KV head were computed or read at a step.
  case rows(RowsEvent)
  /// One query's attention over the keys it can see.
  case attention(AttentionEvent)
  /// The token a step chose, with its top candidates.
  case token(TokenEvent)
  /// The work and memory a step cost.
  case counters(StepCounters)
  /// How an int8 cache rounded the fresh rows of one layer and KV head.
  case quantization(QuantizationEvent)
  /// A paged cache's block table after a step, and the blocks it allocated.
  case blocks(BlocksEvent)

  /// The sequence the event belongs to: 0, or 1 for the second of two prompts.
  public var sequence: Int {
    switch self {
    case .stepBegan(let event): event.sequence
    case .rows(let event): event.sequence
    case .attention(let event): event.sequence
    case .token(let event): event.sequence
    case .counters(let event): event.sequence
    case .blocks(let event): event.sequence
    case .quantization: 0  // int8 decodes one prompt only
    }
  }

  /// The step the event belongs to.
  public var step: Int {
    switch self {
    case .stepBegan(let event): event.step
    case .rows(let event): event.step
    case .attention(let event): event.step
    case .token(let event): event.step
    case .counters(let event): event.step
    case .quantization(let event): event.step
    case .blocks(let event): event.step
    }
  }
}

/// The start of a step.
public struct StepBegan: Sendable, Equatable, Hashable, Codable {
  /// The step index: 0 is the prefill (or an encoder-decoder's encode step),
  /// then one per decode step.
  public var step: Int
  /// Prefill, decode or encode.
  public var phase: Phase
  /// The positions run through the model at this step (queries). With a full
  /// cache a decode step has one; without a cache, every position of the sequence.
  public var queries: Range<Int>
  /// How many positions the sequence has at this step (`queries.upperBound`).
  public var sequenceLength: Int
  /// Which sequence the step runs: 0, or 1 for the second of two prompts decoded together.
  public var sequence: Int

  /// Creates the event.
  public init(
    step: Int, phase: Phase, queries: Range<Int>, sequenceLength: Int, sequence: Int = 0
  ) {
    self.sequence = sequence
    self.step = step
    self.phase = phase
    self.queries = queries
    self.sequenceLength = sequenceLength
  }
}

/// The truth about one layer's key/value rows for one KV head at one step.
///
/// `fresh` rows were computed at this step (projected from the hidden state);
/// `reused` rows were read back from the cache, computed at an earlier step;
/// `evicted` rows left the cache at this step (by policy). A position of the
/// sequence in none of the three was not available to attention at all.
public struct RowsEvent: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// The layer (0-based).
  public var layer: Int
  /// Self- or cross-attention rows.
  public var kind: AttentionKind
  /// The KV head (0-based).
  public var kvHead: Int
  /// Positions whose K and V were computed at this step.
  public var fresh: PositionSet
  /// Positions whose K and V were read from the cache.
  public var reused: PositionSet
  /// Positions whose rows the cache dropped at this step.
  public var evicted: PositionSet
  /// Of `reused`, the rows another sequence computed and this one shares (prefix
  /// sharing): this sequence never computed them.
  public var shared: PositionSet
  /// Which sequence the rows belong to (0, or 1 for a second prompt).
  public var sequence: Int
  /// At ``TraceDetail/vectors``: the fresh key rows of this KV head as computed (after
  /// RoPE, before any int8 rounding), `[fresh.count, headSize]` row-major, in increasing
  /// position order.
  public var keys: [Float]?
  /// At ``TraceDetail/vectors``: the fresh value rows, laid out as ``keys``.
  public var values: [Float]?

  /// Creates the event.
  public init(
    step: Int, layer: Int, kind: AttentionKind = .self, kvHead: Int, fresh: PositionSet,
    reused: PositionSet, evicted: PositionSet = PositionSet(), shared: PositionSet = PositionSet(),
    sequence: Int = 0, keys: [Float]? = nil, values: [Float]? = nil
  ) {
    self.keys = keys
    self.values = values
    self.shared = shared
    self.sequence = sequence
    self.step = step
    self.layer = layer
    self.kind = kind
    self.kvHead = kvHead
    self.fresh = fresh
    self.reused = reused
    self.evicted = evicted
  }
}

extension RowsEvent {
  /// Where `position`'s row came from at this step: evicted, computed fresh, reused from the
  /// cache, or not cached (checked in that order).
  public func source(of position: Int) -> RowSource {
    if evicted.contains(position) { return .evicted }
    if fresh.contains(position) { return .fresh }
    if reused.contains(position) { return .reused }
    return .notCached
  }
}

/// One query position's attention in one layer and head.
///
/// `scores` are the raw dot products `q·k / √headSize`; `weights` their softmax.
/// Both are aligned with `keys` in increasing position order and are present
/// only at ``TraceDetail/full``.
public struct AttentionEvent: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// The layer.
  public var layer: Int
  /// Self- or cross-attention.
  public var kind: AttentionKind
  /// The query head.
  public var head: Int
  /// The KV head this query head reads (shared by its group under GQA).
  public var kvHead: Int
  /// The query's position.
  public var query: Int
  /// The key positions the query attended (causal: at most `query`).
  public var keys: PositionSet
  /// Raw scores per key, at full detail.
  public var scores: [Float]?
  /// Softmax weights per key (they sum to 1), at full detail.
  public var weights: [Float]?
  /// Which sequence the query belongs to (0, or 1 for a second prompt).
  public var sequence: Int
  /// At ``TraceDetail/vectors``: this head's query vector, `[headSize]`, after RoPE.
  public var q: [Float]?
  /// At ``TraceDetail/vectors``: this head's attention output `Σ weights[i] · v[i]`,
  /// `[headSize]`, before the output projection.
  public var output: [Float]?

  /// Creates the event.
  public init(
    step: Int, layer: Int, kind: AttentionKind = .self, head: Int, kvHead: Int, query: Int,
    keys: PositionSet, scores: [Float]? = nil, weights: [Float]? = nil, sequence: Int = 0,
    q: [Float]? = nil, output: [Float]? = nil
  ) {
    self.q = q
    self.output = output
    self.sequence = sequence
    self.step = step
    self.layer = layer
    self.kind = kind
    self.head = head
    self.kvHead = kvHead
    self.query = query
    self.keys = keys
    self.scores = scores
    self.weights = weights
  }
}

/// A token and the probability the model gave it.
public struct TokenCandidate: Sendable, Equatable, Hashable, Codable {
  /// The token id.
  public var token: Int
  /// The token's text, as the tokenizer spells it (a leading space included).
  public var text: String
  /// Its probability after softmax.
  public var probability: Float

  /// Creates a candidate.
  public init(token: Int, text: String, probability: Float) {
    self.token = token
    self.text = text
    self.probability = probability
  }
}

/// The token a step chose.
public struct TokenEvent: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// The position the chosen token will occupy when it is fed back.
  public var position: Int
  /// The chosen token.
  public var chosen: TokenCandidate
  /// The most probable tokens, most probable first.
  public var candidates: [TokenCandidate]
  /// Which sequence chose it (0, or 1 for a second prompt).
  public var sequence: Int
  /// At ``TraceDetail/vectors``: the logits the token was chosen from, before any
  /// temperature: the whole vocabulary in token-id order, or (with ``logitTokens``)
  /// the largest few, largest first.
  public var logits: [Float]?
  /// The token ids of ``logits`` when only the largest were kept (ties: lower id
  /// first); `nil` when ``logits`` holds the whole vocabulary.
  public var logitTokens: [Int]?

  /// Creates the event.
  public init(
    step: Int, position: Int, chosen: TokenCandidate, candidates: [TokenCandidate],
    sequence: Int = 0, logits: [Float]? = nil, logitTokens: [Int]? = nil
  ) {
    self.logits = logits
    self.logitTokens = logitTokens
    self.sequence = sequence
    self.step = step
    self.position = position
    self.chosen = chosen
    self.candidates = candidates
  }
}

/// What one step cost, summed over layers and KV heads.
///
/// FLOPs count a multiply-add as two operations and include the projections,
/// attention, the MLP and the final classifier; `flopsWithoutCache` is what the
/// same step costs when every position is recomputed, so the ratio is the
/// cache's saving at this step.
public struct StepCounters: Sendable, Equatable, Hashable, Codable {
  /// The step.
  public var step: Int
  /// K/V rows computed at this step, summed over layers, KV heads and kinds
  /// (self- and cross-attention alike).
  public var rowsComputed: Int
  /// K/V rows read back from the cache.
  public var rowsReused: Int
  /// Floating-point operations this step performed.
  public var flops: Int
  /// Floating-point operations this step would need with no cache.
  public var flopsWithoutCache: Int
  /// Bytes of keys and values the cache holds after the step.
  public var cacheBytes: Int
  /// The cross-attention rows among `rowsComputed` (encoder-decoder; 0 otherwise).
  public var crossRowsComputed: Int
  /// The cross-attention rows among `rowsReused` (encoder-decoder; 0 otherwise).
  public var crossRowsReused: Int
  /// Which sequence the step ran (0, or 1 for a second prompt).
  public var sequence: Int

  /// Creates the counters.
  public init(
    step: Int, rowsComputed: Int, rowsReused: Int, flops: Int, flopsWithoutCache: Int,
    cacheBytes: Int, crossRowsComputed: Int = 0, crossRowsReused: Int = 0, sequence: Int = 0
  ) {
    self.sequence = sequence
    self.step = step
    self.rowsComputed = rowsComputed
    self.rowsReused = rowsReused
    self.flops = flops
    self.flopsWithoutCache = flopsWithoutCache
    self.cacheBytes = cacheBytes
    self.crossRowsComputed = crossRowsComputed
    self.crossRowsReused = crossRowsReused
  }
}
