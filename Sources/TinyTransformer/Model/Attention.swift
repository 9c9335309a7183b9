import KVTrace

/// Multi-head attention of one query over a block of key/value rows.
///
/// Every attention in kvtrace is this one computation over different rows: the
/// decoder-only model's causal self-attention (rows `0...position` of its cache),
/// the encoder's bidirectional self-attention (every source row), and the
/// encoder-decoder's cross-attention (the rows projected from the encoder
/// output). Which rows a query may read is the caller's choice; how it reads
/// them is the same.
enum Attention {
  /// Where the K/V rows a query reads live: row `i` at `keys + offsets[i]` (and
  /// `values + offsets[i]`), `kvDim` floats each.
  ///
  /// Every storage hands attention this one shape (see ``KVStorage``): contiguous
  /// rows have offsets `i × kvDim`, paged rows wherever their block is, int8 rows
  /// are expanded into scratch first. The loops below read plain pointers and
  /// never ask which storage they read.
  struct Rows {
    /// The base the offsets count from.
    var keys: UnsafePointer<Float>
    /// The base of the value rows, at the same offsets.
    var values: UnsafePointer<Float>
    /// Where row `i` starts, in floats from `keys` and `values`.
    var offsets: UnsafePointer<Int>  // [count]
    /// How many rows the query reads.
    var count: Int
    /// Which positions the rows are, when not `0..<count` (a ``SlidingWindow``
    /// evicted the others); read only to record them.
    var positions: [Int]?

    /// `count` rows at `offsets`: positions `0..<count`, or `positions` when given.
    init(
      keys: UnsafePointer<Float>, values: UnsafePointer<Float>, offsets: UnsafePointer<Int>,
      count: Int, positions: [Int]? = nil
    ) {
      self.keys = keys
      self.values = values
      self.offsets = offsets
      self.count = count
      self.positions = positions
    }

    /// The positions read, as the trace records them.
    var read: PositionSet { positions.map { PositionSet($0) } ?? PositionSet(0..<count) }
  }

  /// How a query and a key make a score.
  enum Scoring {
    /// `q·k / √headSize`: Llama, and every model but T5.
    case scaled
    /// T5: `q·k` unscaled, plus `bias` (`[heads, rows.count]`, the relative position
    /// bias of each head and offset) when given; cross-attention passes `nil`. The
    /// recorded scores include the bias: they are what the softmax reads.
    case t5(bias: UnsafePointer<Float>?)
  }

  /// Writes `softmax(q·k / √headSize) · v` of every head of `q` into `out`.
  ///
  /// Query head `h` reads KV head `h / (heads / kvHeads)`: under grouped-query
  /// attention several query heads share one cached row. `out` holds the heads'
  /// outputs side by side (`[heads, headSize]`). When `report` is given, one
  /// ``AttentionEvent`` per head is appended to it, built from `event` (which
  /// names the step, layer, kind and query) with this head's keys, scores and
  /// weights.
  ///
  /// The rows are read in order, each once for the scores and once for the
  /// weighted sum, every head's slice of a row while that row is in cache: a row
  /// is `kvDim` floats side by side, and a loop over one head's slices alone
  /// would jump from row to row, waiting on memory at each. Every head's result
  /// is the same arithmetic in the same order either way.
  ///
  /// - Parameters:
  ///   - q: The queries of all heads, `[heads, headSize]`, already rotated if the
  ///     attention uses positions.
  ///   - rows: The keys and values read.
  ///   - config: The shape (heads, KV heads, head size).
  ///   - scores: Scratch of at least `heads × rows.count` floats.
  ///   - out: `[heads, headSize]`, overwritten.
  ///   - event: The coordinates every recorded event carries.
  ///   - report: Receives the events, if recording.
  ///   - scoring: How a query and a key make a score (``Scoring``).
  ///   - threads: How many threads share the heads, a KV head's query heads together (a
  ///     long enough attention only); every head's numbers are the same for any count.
  static func attend(
    _ q: UnsafePointer<Float>, over rows: Rows, config c: ModelConfig,
    scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
    event: AttentionEvent, report: inout AttentionReport?, scoring: Scoring = .scaled,
    threads: Int = 1
  ) {
    let headSize = c.headSize
    var scale: Float = 1  // T5: unscaled (its initialization absorbs the 1/√d)
    var bias: UnsafePointer<Float>? = nil
    switch scoring {
    case .scaled: scale = 1 / Float(headSize).squareRoot()
    case .t5(let positionBias): bias = positionBias
    }
    let count = rows.count
    // Query head h reads KV head h / group (every head reads KV head 0 if kvHeads > heads).
    let group = c.queriesPerKVHead > 0 ? c.queriesPerKVHead : max(c.heads, 1)
    let full = report?.detail.keepsScores == true
    // [heads, count]: the scores before the softmax, at full detail only.
    let raw = full ? UnsafeMutablePointer<Float>.allocate(capacity: c.heads * count) : nil
    defer { raw?.deallocate() }
    let variant = KernelVariant.active  // once for the whole attention
    let share = Share(
      q: q, rows: rows, headSize: headSize, group: group, count: count, scale: scale,
      bias: bias, scores: scores, out: out, raw: raw, variant: variant)
    // The groups (a KV head's query heads) in one contiguous piece per thread: each piece
    // walks the rows once for all its heads, and each head's numbers are the same whichever
    // thread computes them.
    let groups = (c.heads + group - 1) / group
    let pieces = max(1, min(threads, groups))
    Parallel.forEachBand(rows: pieces, work: 2 * c.heads * count * headSize, threads: pieces) {
      band in
      let first = groups * band.lowerBound / pieces * group
      share.run(heads: first..<min(groups * band.upperBound / pieces * group, c.heads))
    }
    guard report != nil else { return }
    let read = rows.read  // once for all heads
    let vectors = report?.detail.keepsVectors == true
    for head in 0..<c.heads {
      var recorded = event
      recorded.head = head
      recorded.kvHead = c.kvHead(forQueryHead: head)
      recorded.keys = read
      recorded.scores = raw.map {
        Array(UnsafeBufferPointer(start: $0 + head * count, count: count))
      }
      recorded.weights =
        full ? Array(UnsafeBufferPointer(start: scores + head * count, count: count)) : nil
      if vectors {  // this head's slices of q and of the output, [headSize] each
        recorded.q = Array(UnsafeBufferPointer(start: q + head * headSize, count: headSize))
        recorded.output = Array(UnsafeBufferPointer(start: out + head * headSize, count: headSize))
      }
      report?.events.append(recorded)
    }
  }

  /// One attention's inputs and outputs, for the heads a thread computes.
  private struct Share: @unchecked Sendable {
    // @unchecked: the pointers are read by every thread, and written only at the rows of
    // the thread's own heads.
    let q: UnsafePointer<Float>
    let rows: Rows
    let headSize: Int, group: Int, count: Int
    let scale: Float
    let bias: UnsafePointer<Float>?
    let scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>
    let raw: UnsafeMutablePointer<Float>?
    let variant: KernelVariant

    /// Scores, softmax and weighted sum of the query heads `heads`, which start a group.
    func run(heads: Range<Int>) {
      guard !heads.isEmpty else { return }
      let (first, n) = (heads.lowerBound, heads.count)
      let kvOffset = first / group * headSize  // the first group's KV head, in each row
      let headScores = scores + first * count  // [n, count]
      Kernels.attentionScores(  // row by row
        headScores, q: q + first * headSize, keys: rows.keys + kvOffset, offsets: rows.offsets,
        count: count, heads: n, headSize: headSize, group: group, scale: scale,
        variant: variant)
      if let bias {  // T5: + the learned bias of each (head, offset)
        for i in 0..<(n * count) { headScores[i] += bias[first * count + i] }
      }
      raw?.advanced(by: first * count).update(from: headScores, count: n * count)
      for head in 0..<n { Kernels.softmax(headScores + head * count, n: count, variant: variant) }
      Kernels.attentionValues(  // Σ_t weight_t · v_t, row by row
        out + first * headSize, weights: headScores, values: rows.values + kvOffset,
        offsets: rows.offsets, count: count, heads: n, headSize: headSize, group: group,
        variant: variant)
    }
  }
}
