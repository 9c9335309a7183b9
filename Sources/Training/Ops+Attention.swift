import KVTrace

extension Ops {
  /// The shape of one causal attention over a sequence.
  struct AttentionShape {
    let rows: Int
    let heads: Int
    let kvHeads: Int
    let headSize: Int
    var dim: Int { heads * headSize }
    var kvDim: Int { kvHeads * headSize }
    /// Query head `h` reads KV head `h / (heads / kvHeads)` (grouped-query attention).
    func kvHead(_ head: Int) -> Int { head / (heads / kvHeads) }

    init(rows: Int, config c: ModelConfig) {
      (self.rows, heads, kvHeads, headSize) = (rows, c.heads, c.kvHeads, c.headSize)
    }
  }

  /// Causal multi-head attention: the query of row `t` reads rows `0...t`,
  /// `out[t, h] = Σ_u softmax_u(q[t, h]·k[u, g] / √headSize) · v[u, g]` with `g` the KV head
  /// of query head `h`. Keeps the weights in `probs` (`[heads, rows, rows]`) for the backward
  /// pass. The arithmetic of inference's attention over a full cache.
  static func attention<T: TrainingScalar>(
    q: UnsafePointer<T>, k: UnsafePointer<T>, v: UnsafePointer<T>,
    probs: UnsafeMutablePointer<T>, out: UnsafeMutablePointer<T>, shape a: AttentionShape
  ) {
    let scale = 1 / T(a.headSize).squareRoot()
    out.update(repeating: 0, count: a.rows * a.dim)
    for head in 0..<a.heads {
      let g = a.kvHead(head)
      for t in 0..<a.rows {
        let query = q + t * a.dim + head * a.headSize
        let p = probs + (head * a.rows + t) * a.rows
        var maximum = -T.infinity
        for u in 0...t {
          let score = dot(query, k + u * a.kvDim + g * a.headSize, a.headSize) * scale
          p[u] = score
          if score > maximum { maximum = score }
        }
        var sum: T = 0
        for u in 0...t {
          p[u] = T.exponential(p[u] - maximum)
          sum += p[u]
        }
        let o = out + t * a.dim + head * a.headSize
        for u in 0...t {
          p[u] /= sum
          let value = v + u * a.kvDim + g * a.headSize
          for j in 0..<a.headSize { o[j] += p[u] * value[j] }
        }
      }
    }
  }

  /// The gradient of ``attention(q:k:v:probs:out:shape:)``, added into `dq`, `dk`, `dv`.
  ///
  /// With `p = softmax(s)` and `o = Σ_u p_u v_u`: `∂L/∂p_u = dO·v_u`, `∂L/∂v_u += p_u·dO`,
  /// and through the softmax `∂L/∂s_u = p_u·(∂L/∂p_u − Σ_w p_w ∂L/∂p_w)`; then
  /// `∂L/∂q += scale·Σ_u ∂L/∂s_u·k_u` and `∂L/∂k_u += scale·∂L/∂s_u·q`. `scratch` holds
  /// `rows` values.
  static func attentionBackward<T: TrainingScalar>(
    dOut: UnsafePointer<T>, q: UnsafePointer<T>, k: UnsafePointer<T>, v: UnsafePointer<T>,
    probs: UnsafePointer<T>, dq: UnsafeMutablePointer<T>, dk: UnsafeMutablePointer<T>,
    dv: UnsafeMutablePointer<T>, scratch dp: UnsafeMutablePointer<T>, shape a: AttentionShape
  ) {
    let scale = 1 / T(a.headSize).squareRoot()
    for head in 0..<a.heads {
      let g = a.kvHead(head)
      for t in 0..<a.rows {
        let (query, dQuery) = (
          q + t * a.dim + head * a.headSize, dq + t * a.dim + head * a.headSize
        )
        let dO = dOut + t * a.dim + head * a.headSize
        let p = probs + (head * a.rows + t) * a.rows
        var weighted: T = 0
        for u in 0...t {
          let offset = u * a.kvDim + g * a.headSize
          dp[u] = dot(dO, v + offset, a.headSize)
          weighted += p[u] * dp[u]
          for j in 0..<a.headSize { dv[offset + j] += p[u] * dO[j] }
        }
        for u in 0...t {
          let ds = p[u] * (dp[u] - weighted) * scale
          let offset = u * a.kvDim + g * a.headSize
          for j in 0..<a.headSize {
            dQuery[j] += ds * k[offset + j]
            dk[offset + j] += ds * query[j]
          }
        }
      }
    }
  }

  @inline(__always)
  static func dot<T: TrainingScalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ n: Int) -> T {
    var sum: T = 0
    for j in 0..<n { sum += a[j] * b[j] }
    return sum
  }
}
