import TinyTransformer

extension Ops {
  /// The shape of one T5 attention: `queries` rows attend to `keys` rows, `heads` heads of
  /// `headSize` each; causal attention lets query `t` read keys `0...t` only.
  struct T5AttentionShape {
    let queries: Int
    let keys: Int
    let heads: Int
    let headSize: Int
    let causal: Bool
    var inner: Int { heads * headSize }
    /// The keys query `t` reads.
    func keyRange(_ t: Int) -> Range<Int> { 0..<(causal ? t + 1 : keys) }
  }

  /// T5 attention: `out[t, h] = Σ_u softmax_u(q[t, h]·k[u, h] + bias[h, t, u]) · v[u, h]`.
  ///
  /// Unlike the decoder default's attention the scores are *not* divided by `√headSize`
  /// (T5 folds that scale into how its weights are initialized), and a position bias
  /// `bias` (`[heads, queries, keys]`, from ``positionBias(_:table:buckets:heads:queries:keys:)``)
  /// is added to them; cross-attention has none (`nil`). Keeps the weights in `probs`
  /// (`[heads, queries, keys]`) for the backward pass.
  static func t5Attention<T: TrainingScalar>(
    q: UnsafePointer<T>, k: UnsafePointer<T>, v: UnsafePointer<T>, bias: UnsafePointer<T>?,
    probs: UnsafeMutablePointer<T>, out: UnsafeMutablePointer<T>, shape a: T5AttentionShape
  ) {
    out.update(repeating: 0, count: a.queries * a.inner)
    for head in 0..<a.heads {
      for t in 0..<a.queries {
        let query = q + t * a.inner + head * a.headSize
        let row = (head * a.queries + t) * a.keys
        let p = probs + row
        let keys = a.keyRange(t)
        var maximum = -T.infinity
        for u in keys {
          var score = T.dot(query, k + u * a.inner + head * a.headSize, a.headSize)
          if let bias { score += bias[row + u] }
          p[u] = score
          if score > maximum { maximum = score }
        }
        for u in keys { p[u] -= maximum }
        T.exponentiate(p, count: keys.count)
        var sum: T = 0
        for u in keys { sum += p[u] }
        for u in keys.count..<a.keys { p[u] = 0 }
        let o = out + t * a.inner + head * a.headSize
        for u in keys {
          p[u] /= sum
          let value = v + u * a.inner + head * a.headSize
          for j in 0..<a.headSize { o[j] += p[u] * value[j] }
        }
      }
    }
  }

  /// The gradient of ``t5Attention(q:k:v:bias:probs:out:shape:)``, added into `dq`, `dk`,
  /// `dv` and (when given) `dBias` (`[heads, queries, keys]`).
  ///
  /// As for the decoder's attention, with the score's gradient `∂L/∂s_u = p_u·(∂L/∂p_u −
  /// Σ_w p_w ∂L/∂p_w)`, but unscaled: `∂L/∂q += Σ_u ∂L/∂s_u·k_u`, `∂L/∂k_u += ∂L/∂s_u·q`,
  /// and the bias, added straight to the score, gets `∂L/∂s_u` itself. `scratch` holds
  /// `keys` values.
  static func t5AttentionBackward<T: TrainingScalar>(
    dOut: UnsafePointer<T>, q: UnsafePointer<T>, k: UnsafePointer<T>, v: UnsafePointer<T>,
    probs: UnsafePointer<T>, dq: UnsafeMutablePointer<T>, dk: UnsafeMutablePointer<T>,
    dv: UnsafeMutablePointer<T>, dBias: UnsafeMutablePointer<T>?,
    scratch dp: UnsafeMutablePointer<T>, shape a: T5AttentionShape
  ) {
    for head in 0..<a.heads {
      for t in 0..<a.queries {
        let at = t * a.inner + head * a.headSize
        let (query, dQuery, dO) = (q + at, dq + at, dOut + at)
        let row = (head * a.queries + t) * a.keys
        let p = probs + row
        let keys = a.keyRange(t)
        var weighted: T = 0
        for u in keys {
          let offset = u * a.inner + head * a.headSize
          dp[u] = T.dot(dO, v + offset, a.headSize)
          weighted += p[u] * dp[u]
          for j in 0..<a.headSize { dv[offset + j] += p[u] * dO[j] }
        }
        for u in keys {
          let ds = p[u] * (dp[u] - weighted)
          if let dBias { dBias[row + u] += ds }
          let offset = u * a.inner + head * a.headSize
          for j in 0..<a.headSize {
            dQuery[j] += ds * k[offset + j]
            dk[offset + j] += ds * query[j]
          }
        }
      }
    }
  }

  /// The position bias of every (head, query, key): `out[h, t, u] = table[bucket(t, u), h]`,
  /// with `table` T5's `relative_attention_bias.weight` (`[buckets, heads]`).
  ///
  /// It is computed once per stack and read by every layer of it, which is why the table
  /// lives in the first layer of a Hugging Face checkpoint only.
  static func positionBias<T: TrainingScalar>(
    _ out: UnsafeMutablePointer<T>, table: UnsafePointer<T>, buckets: RelativePositionBuckets,
    heads: Int, queries: Int, keys: Int
  ) {
    for t in 0..<queries {
      for u in 0..<keys {
        let b = buckets.bucket(query: t, key: u)
        for h in 0..<heads { out[(h * queries + t) * keys + u] = table[b * heads + h] }
      }
    }
  }

  /// The gradient of ``positionBias(_:table:buckets:heads:queries:keys:)``: every pair's
  /// gradient added into its bucket's row of `dTable`, in the fixed order (query, key,
  /// head). Since every layer adds into the same `dBias` first, the table's gradient sums
  /// over all pairs of all layers of the stack.
  static func positionBiasBackward<T: TrainingScalar>(
    _ dBias: UnsafePointer<T>, dTable: UnsafeMutablePointer<T>,
    buckets: RelativePositionBuckets, heads: Int, queries: Int, keys: Int
  ) {
    for t in 0..<queries {
      for u in 0..<keys {
        let b = buckets.bucket(query: t, key: u)
        for h in 0..<heads { dTable[b * heads + h] += dBias[(h * queries + t) * keys + u] }
      }
    }
  }
}
