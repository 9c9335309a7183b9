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

    /// Whether the rows were written just now and are in the processor's cache (a batched
    /// prefill's): the scores loop then reads them in the order that is fastest there.
    var inCache = false

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
  /// On more than one thread the heads are shared out, in as many parts as threads, each
  /// part whole KV heads and the query heads that read them (llama2.c's OpenMP build
  /// shares its heads the same way): a part reads its own slices of every row, and each
  /// head is computed exactly as on one thread.
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
  ///   - threads: The most threads the heads are shared among, the caller included.
  static func attend(
    _ q: UnsafePointer<Float>, over rows: Rows, config c: ModelConfig,
    scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>,
    event: AttentionEvent, report: inout AttentionReport?, scoring: Scoring = .scaled,
    threads: Int = 1
  ) {
    let full = report?.detail.keepsScores == true
    var raw = [[Float]](repeating: [], count: full ? c.heads : 0)  // [heads][count], pre-softmax
    let loops = Loops(q: q, rows: rows, config: c, scores: scores, out: out, scoring: scoring)
    // Query head h reads KV head h / group: a part takes whole groups.
    let groups = (c.heads + loops.group - 1) / loops.group
    let parts = max(1, min(threads, groups))
    raw.withUnsafeMutableBufferPointer { slots in
      nonisolated(unsafe) let slots = slots  // each part writes its own heads' slots
      let work = rows.count * c.heads * c.headSize * 2
      Parallel.forEachBand(rows: parts, work: work, threads: parts) { band in
        for part in band {
          let first = groups * part / parts * loops.group
          let end = min(groups * (part + 1) / parts * loops.group, c.heads)
          loops.run(heads: first..<end, raw: full ? slots : nil)
        }
      }
    }
    guard report != nil else { return }
    record(
      q, over: rows, config: c, weights: scores, out: out, raw: raw, event: event, report: &report)
  }

  /// Appends one ``AttentionEvent`` per head of query `q` to `report`, built from `event`:
  /// the rows it read, and (as the report's detail asks) each head's scores before the
  /// softmax (`raw[head]`), its weights (`weights`, `[heads, rows.count]`), and its slices of
  /// `q` and of the output `out`.
  static func record(
    _ q: UnsafePointer<Float>, over rows: Rows, config c: ModelConfig,
    weights: UnsafePointer<Float>, out: UnsafePointer<Float>, raw: [[Float]],
    event: AttentionEvent, report: inout AttentionReport?
  ) {
    let full = report?.detail.keepsScores == true
    let count = rows.count
    let read = rows.read  // once for all heads
    let vectors = report?.detail.keepsVectors == true
    for head in 0..<c.heads {
      var recorded = event
      recorded.head = head
      recorded.kvHead = c.kvHead(forQueryHead: head)
      recorded.keys = read
      recorded.scores = full ? raw[head] : nil
      recorded.weights =
        full ? Array(UnsafeBufferPointer(start: weights + head * count, count: count)) : nil
      if vectors {  // this head's slices of q and of the output, [headSize] each
        let headSize = c.headSize
        recorded.q = Array(UnsafeBufferPointer(start: q + head * headSize, count: headSize))
        recorded.output = Array(UnsafeBufferPointer(start: out + head * headSize, count: headSize))
      }
      report?.events.append(recorded)
    }
  }

  /// The three loops of one attention (scores, softmax, weighted sum), run over a range of
  /// heads that starts on a KV head's first query head.
  private struct Loops {
    let q: UnsafePointer<Float>
    let rows: Rows
    let scores: UnsafeMutablePointer<Float>
    let out: UnsafeMutablePointer<Float>
    let headSize: Int
    /// Query heads per KV head (every head reads KV head 0 if there are more KV heads).
    let group: Int
    let scale: Float
    let bias: UnsafePointer<Float>?
    let variant = KernelVariant.active  // once for the whole attention

    init(
      q: UnsafePointer<Float>, rows: Rows, config c: ModelConfig,
      scores: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>, scoring: Scoring
    ) {
      (self.q, self.rows, self.scores, self.out, headSize) = (q, rows, scores, out, c.headSize)
      group = c.queriesPerKVHead > 0 ? c.queriesPerKVHead : max(c.heads, 1)
      switch scoring {
      case .scaled: (scale, bias) = (1 / Float(c.headSize).squareRoot(), nil)
      case .t5(let positionBias): (scale, bias) = (1, positionBias)  // T5: unscaled
      }
    }

    /// Heads `heads`' weights into `scores` (`[heads, count]`, each head's scores before
    /// the softmax copied into `raw` first when given) and outputs into `out`.
    func run(heads: Range<Int>, raw: UnsafeMutableBufferPointer<[Float]>?) {
      let count = rows.count
      let (first, n) = (heads.lowerBound, heads.count)
      let kv = first / group * headSize  // where this range's KV heads start in a row
      Kernels.attentionScores(  // scores [n, count], row by row
        scores + first * count, q: q + first * headSize, keys: rows.keys + kv,
        offsets: rows.offsets, count: count, heads: n, headSize: headSize, group: group,
        scale: scale, inCache: rows.inCache, variant: variant)
      if let bias {  // T5: + the learned bias of each (head, offset)
        for i in (first * count)..<(heads.upperBound * count) { scores[i] += bias[i] }
      }
      for head in heads {  // the scores before softmax, when the report keeps them
        raw?[head] = Array(UnsafeBufferPointer(start: scores + head * count, count: count))
      }
      Kernels.softmax(  // weights [n, count]
        rows: scores + first * count, n: count, count: n, variant: variant)
      Kernels.attentionValues(  // out [n, headSize] = Σ_t weight_t · v_t, row by row
        out + first * headSize, weights: scores + first * count, values: rows.values + kv,
        offsets: rows.offsets, count: count, heads: n, headSize: headSize, group: group,
        variant: variant)
    }
  }
}
