import KVTrace

/// The working buffers of a batched forward pass: one row per position.
final class BatchScratch {
  // A class: it owns raw buffers that must be freed exactly once.
  let x: UnsafeMutablePointer<Float>  // [count, dim]     the residual streams
  let n: UnsafeMutablePointer<Float>  // [count, dim]     normalized inputs
  let q: UnsafeMutablePointer<Float>  // [count, dim]     queries of all heads
  let k: UnsafeMutablePointer<Float>  // [count, kvDim]   fresh keys, before the cache
  let v: UnsafeMutablePointer<Float>  // [count, kvDim]   fresh values
  let attended: UnsafeMutablePointer<Float>  // [count, dim]  the heads' outputs
  let projected: UnsafeMutablePointer<Float>  // [count, dim]  Wo's or W2's output
  let gate: UnsafeMutablePointer<Float>  // [count, mlpDim]
  let up: UnsafeMutablePointer<Float>  // [count, mlpDim]
  let sines: UnsafeMutablePointer<Float>  // [count, headSize / 2]  RoPE's angles, once
  let cosines: UnsafeMutablePointer<Float>  // [count, headSize / 2]  for every layer
  let pairs: Int
  private let buffers: [UnsafeMutablePointer<Float>]

  init(config c: ModelConfig, count: Int) {
    pairs = max(c.headSize / 2, 1)
    let sizes = [
      c.dim, c.dim, c.dim, c.kvDim, c.kvDim, c.dim, c.dim, c.mlpDim, c.mlpDim, pairs, pairs,
    ]
    buffers = sizes.map { AlignedFloats.allocate($0 * count) }  // the products' inputs
    (x, n, q, k, v) = (buffers[0], buffers[1], buffers[2], buffers[3], buffers[4])
    (attended, projected, gate, up) = (buffers[5], buffers[6], buffers[7], buffers[8])
    (sines, cosines) = (buffers[9], buffers[10])
  }

  /// Position `i`'s angles.
  func angles(_ i: Int) -> RotaryTable.Angles {
    (UnsafePointer(sines + i * pairs), UnsafePointer(cosines + i * pairs))
  }

  deinit { buffers.forEach { $0.deallocate() } }
}

extension TinyTransformer {
  /// Whether ``forward(tokens:positions:step:cache:scratch:reports:)`` can run `positions`
  /// at once: more than one, under a policy that evicts nothing between them (every exact
  /// policy), for a model whose heads fill its width (every Llama-family model).
  func runsInBatch(_ positions: Range<Int>, policy: some CachePolicy) -> Bool {
    prefillsInBatches && positions.count > 1 && policy.info.exact
      && config.attentionDim == config.dim
  }

  /// Runs the positions `positions` through every layer together: the prefill that reads
  /// each weight row once for all of them.
  ///
  /// Run one at a time, a prompt of P tokens streams every weight matrix from memory P
  /// times. Here each layer takes all P positions at once: the matrix products read a
  /// row and apply it to every position while it is in cache (``Kernels/matmulBatch``),
  /// and only attention, which must see the rows of earlier positions, goes position by
  /// position, in order. Every number is the same arithmetic as ``forward(token:position:
  /// step:cache:scratch:report:)`` does on each position (each element of a product is
  /// the same dot product), so the results, the cache and the events are bit for bit
  /// those of a token-by-token prefill. Leaves the last position's hidden state in
  /// `scratch.x`; `report` receives the fresh rows, and `events[i]` the attention events
  /// of position `positions[i]` (layer by layer, as one position's forward pass adds them).
  func forward(
    tokens: [Int], positions: Range<Int>, step: Int, cache: KVCache, scratch s: Scratch,
    report: inout AttentionReport?, events: inout [[AttentionEvent]]
  ) {
    weights.withTensors { w in
      let c = config
      let count = positions.count
      let b = BatchScratch(config: c, count: count)
      let blocks = LayerBlocks(
        config: c, threads: threads, rotary: rotary, normEpsilon: normEpsilon, scratch: s)
      for (i, position) in positions.enumerated() {  // embedding rows -> [count, dim]
        w.tokenEmbedding.dequantize(row: tokens[position], into: b.x + i * c.dim)
        rotary.fill(
          position: position, sines: b.sines + i * b.pairs, cosines: b.cosines + i * b.pairs)
      }
      for (layer, tensors) in w.layers.enumerated() {
        let a = tensors.attention
        for i in 0..<count { blocks.norm(b.n + i * c.dim, b.x + i * c.dim, a.norm) }
        Kernels.matmulBatch(b.q, b.n, a.wq, count: count, threads: threads)  // [count, dim]
        Kernels.matmulBatch(b.k, b.n, a.wk, count: count, threads: threads)  // [count, kvDim]
        Kernels.matmulBatch(b.v, b.n, a.wv, count: count, threads: threads)  // [count, kvDim]
        for (i, position) in positions.enumerated() {  // biases, RoPE, into the cache
          let (key, value) = cache.slots(layer: layer, position: position)  // [kvDim] each
          key.update(from: b.k + i * c.kvDim, count: c.kvDim)
          value.update(from: b.v + i * c.kvDim, count: c.kvDim)
          blocks.finishProjection(
            q: b.q + i * c.dim, key: key, value: value, a, position, angles: b.angles(i))
          if report?.detail.keepsVectors == true {  // the rows as computed
            report?.fresh.add(layer: layer, position: position, key: key, value: value, n: c.kvDim)
          }
          cache.markWritten(layer: layer, position: position, step: step)
        }
        attend(b, layer: layer, positions: positions, cache: cache, report: report, events: &events)
        Kernels.matmulBatch(b.projected, b.attended, a.wo, count: count, threads: threads)
        for i in 0..<count { Kernels.add(b.x + i * c.dim, b.projected + i * c.dim, n: c.dim) }
        feedForward(b, tensors.feedForward, count: count, blocks: blocks)
      }
      s.x.update(from: b.x + (count - 1) * c.dim, count: c.dim)  // the newest position's state
    }
  }

  /// `x += W2 · (silu(W1·n) ⊙ W3·n)` for every position, as ``LayerBlocks/feedForward(_:_:)``.
  private func feedForward(
    _ b: BatchScratch, _ t: LayerBlocks.FeedForwardTensors, count: Int, blocks: LayerBlocks
  ) {
    let c = config
    for i in 0..<count { blocks.norm(b.n + i * c.dim, b.x + i * c.dim, t.norm) }
    Kernels.matmulBatch(b.gate, b.n, t.w1, count: count, threads: threads)  // [count, mlpDim]
    Kernels.matmulBatch(b.up, b.n, t.w3, count: count, threads: threads)  // [count, mlpDim]
    for i in 0..<count { Kernels.swiglu(b.gate + i * c.mlpDim, b.up + i * c.mlpDim, n: c.mlpDim) }
    Kernels.matmulBatch(b.projected, b.gate, t.w2, count: count, threads: threads)  // [count, dim]
    for i in 0..<count { Kernels.add(b.x + i * c.dim, b.projected + i * c.dim, n: c.dim) }
  }

  /// Every position's attention over the rows through it, into `b.attended`, and each
  /// position's events into `events[i]` (in layer order, as one position at a time adds them).
  ///
  /// The keys and values of all the positions are in the cache before any of them attends,
  /// so the positions are independent: on more than one thread they are shared out in bands
  /// (a band's scores in a buffer of its own), each computed exactly as on one thread. Under
  /// AVX-512 a band takes its positions four at a time (``Attention/FourQueries``), each row
  /// read once for the four, each position's numbers and events exactly its own.
  private func attend(
    _ b: BatchScratch, layer: Int, positions: Range<Int>, cache: KVCache,
    report: AttentionReport?, events: inout [[AttentionEvent]]
  ) {
    let c = config
    // In order, on this thread: a paged cache maps its blocks as its rows are asked for.
    // They were all written just now: in cache.
    let rows = positions.map { position in
      var held = cache.rows(layer: layer, through: position)  // [held, kvDim]
      held.inCache = true
      return held
    }
    let base = report.map { AttentionReport(step: $0.step, detail: $0.detail) }
    let work = rows.reduce(0) { $0 + $1.count } * c.kvDim * 2
    // Rows gathered into the cache's one shared table (a window's holes) go one at a time.
    let gathered = rows.contains { $0.positions != nil }
    let layerAttention = BatchAttention(
      b: b, rows: rows, config: c, layer: layer, first: positions.lowerBound,
      four: gathered ? nil : rows.last.flatMap { Attention.FourQueries(rows: $0, config: c) })
    events.withUnsafeMutableBufferPointer { slots in
      nonisolated(unsafe) let slots = slots  // each band writes its own positions' slots
      Parallel.forEachBand(rows: rows.count, work: work, threads: gathered ? 1 : threads) {
        layerAttention.run($0, report: base, slots: slots)
      }
    }
  }
}

/// One layer's attention in a batched prefill: every position's output into
/// `b.attended`, and its events into its own slot.
private struct BatchAttention {
  let b: BatchScratch
  let rows: [Attention.Rows]  // rows[i]: what position first + i reads
  let config: ModelConfig
  let layer: Int
  let first: Int
  /// The layer's keys laid out for four positions at a time, when the kernels take them.
  let four: Attention.FourQueries?

  /// Positions `first + i` for `i` in `band`, four at a time where ``four`` serves them.
  func run(
    _ band: Range<Int>, report base: AttentionReport?,
    slots: UnsafeMutableBufferPointer<[AttentionEvent]>
  ) {
    let c = config
    let most = band.map { rows[$0].count }.max() ?? 0
    let scores = (0..<(four == nil ? 1 : 4)).map { _ in AlignedFloats.allocate(c.heads * most) }
    defer { scores.forEach { $0.deallocate() } }
    var report = base
    var i = band.lowerBound
    while i < band.upperBound {
      if let four, i + 4 <= band.upperBound, (i..<(i + 4)).allSatisfy({ four.covers(rows[$0]) }) {
        var raw = [[[Float]]](repeating: [], count: 4)
        four.attend(
          b.q + i * c.dim, stride: c.dim, counts: (i..<(i + 4)).map { rows[$0].count },
          scores: scores, out: b.attended + i * c.dim,
          keepsScores: report?.detail.keepsScores == true, raw: &raw)
        for a in 0..<4 where report != nil {  // then each one's events, in order
          Attention.record(
            b.q + (i + a) * c.dim, over: rows[i + a], config: c, weights: scores[a],
            out: b.attended + (i + a) * c.dim, raw: raw[a], event: event(i + a, base),
            report: &report)
          keep(&report, in: &slots[i + a])
        }
        i += 4
      } else {
        Attention.attend(
          b.q + i * c.dim, over: rows[i], config: c, scores: scores[0],
          out: b.attended + i * c.dim, event: event(i, base), report: &report)
        keep(&report, in: &slots[i])
        i += 1
      }
    }
  }

  /// The coordinates every event of position `first + i` carries.
  private func event(_ i: Int, _ report: AttentionReport?) -> AttentionEvent {
    AttentionEvent(
      step: report?.step ?? 0, layer: layer, head: 0, kvHead: 0, query: first + i,
      keys: PositionSet())
  }
}

/// Moves the events `report` gathered for one position into that position's slot.
private func keep(_ report: inout AttentionReport?, in slot: inout [AttentionEvent]) {
  if let added = report?.events, !added.isEmpty {  // this position's, kept apart
    slot += added
    report?.events.removeAll(keepingCapacity: true)
  }
}
