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
  /// Where a block of K/V rows lives: `count` rows of `kvDim` floats, one after another.
  struct Rows {
    /// The first key row; row `t` starts at `keys + t * kvDim`.
    var keys: UnsafePointer<Float>  // [count, kvDim]
    /// The first value row.
    var values: UnsafePointer<Float>  // [count, kvDim]
    /// How many rows the query reads.
    var count: Int
    /// Which rows the query reads, in increasing order, when not all of `0..<count`
    /// (a ``SlidingWindow`` has evicted the others); `nil` reads every one.
    var positions: [Int]?
    /// Where the rows live when a paged cache stores them in blocks; `nil` when
    /// row `t` is simply at `keys + t * kvDim`.
    var blocks: Blocks?

    /// A paged cache's geometry: position `p` lives in slot `p % size` of physical
    /// block `table[p / size]`, at `keys + (table[p / size] * size + p % size) * kvDim`.
    struct Blocks {
      /// The block table, logical block → physical block id.
      var table: UnsafePointer<Int>  // [logical blocks]
      /// Positions per block.
      var size: Int
    }

    /// The first `count` rows, all read.
    init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, count: Int) {
      self.keys = keys
      self.values = values
      self.count = count
      positions = nil
    }

    /// The rows at `positions` only (row `t` still at `keys + t * kvDim`).
    init(keys: UnsafePointer<Float>, values: UnsafePointer<Float>, positions: [Int]) {
      self.keys = keys
      self.values = values
      count = positions.count
      self.positions = positions
    }

    /// Which position the `i`-th row read is.
    func row(_ i: Int) -> Int { positions?[i] ?? i }

    /// Where the `i`-th row read starts, in floats from `keys` (and `values`).
    func offset(_ i: Int, kvDim: Int) -> Int {
      let p = row(i)
      guard let blocks else { return p * kvDim }
      return (blocks.table[p / blocks.size] * blocks.size + p % blocks.size) * kvDim
    }

    /// The positions read, as the trace records them.
    var read: PositionSet { positions.map { PositionSet($0) } ?? PositionSet(0..<count) }
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
  /// - Parameters:
  ///   - q: The queries of all heads, `[heads, headSize]`, already rotated if the
  ///     attention uses positions.
  ///   - rows: The keys and values read.
  ///   - config: The shape (heads, KV heads, head size).
  ///   - scores: Scratch of at least `rows.count` floats.
  ///   - out: `[heads, headSize]`, overwritten.
  ///   - event: The coordinates every recorded event carries.
  ///   - report: Receives the events, if recording.
  static func attend(
    _ q: UnsafePointer<Float>, over rows: Rows, config c: ModelConfig,
    scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
    event: AttentionEvent, report: inout AttentionReport?
  ) {
    let headSize = c.headSize
    let scale = 1 / Float(headSize).squareRoot()
    let count = rows.count
    let read = report == nil ? PositionSet() : rows.read  // once for all heads
    for head in 0..<c.heads {
      let kvHead = c.kvHead(forQueryHead: head)
      let query = q + head * headSize  // [headSize]
      for t in 0..<count {  // scores [count]
        let k = rows.keys + rows.offset(t, kvDim: c.kvDim) + kvHead * headSize  // [headSize]
        scores[t] = Kernels.dot(query, k, n: headSize) * scale
      }
      let full = report?.detail == .full
      let raw = full ? Array(UnsafeBufferPointer(start: scores, count: count)) : nil
      Kernels.softmax(scores, n: count)  // weights [count]
      let o = out + head * headSize  // [headSize]
      o.initialize(repeating: 0, count: headSize)
      for t in 0..<count {  // Σ_t weight_t · v_t
        let v = rows.values + rows.offset(t, kvDim: c.kvDim) + kvHead * headSize
        let weight = scores[t]
        for i in 0..<headSize { o[i] += weight * v[i] }
      }
      guard report != nil else { continue }
      var recorded = event
      recorded.head = head
      recorded.kvHead = kvHead
      recorded.keys = read
      recorded.scores = raw
      recorded.weights = full ? Array(UnsafeBufferPointer(start: scores, count: count)) : nil
      report?.events.append(recorded)
    }
  }
}
