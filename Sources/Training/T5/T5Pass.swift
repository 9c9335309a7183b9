import TinyTransformer

/// One (source, target) example's forward and backward pass through a T5 encoder-decoder,
/// with every activation the backward pass needs.
///
/// The forward pass is what inference computes, for every position at once with teacher
/// forcing: the encoder runs over the source (bidirectional self-attention with the
/// encoder's position bias, then a feed-forward block, each sublayer `x + f(norm(x))`), its
/// final norm gives the encoder output; the decoder runs over its inputs (causal
/// self-attention with the decoder's position bias; cross-attention whose keys and values
/// are projections of the encoder output; the feed-forward block), then the final norm and
/// the classifier. ``backward(source:decoderInputs:network:gradient:)`` walks the
/// activations in reverse; the gradient reaching the encoder output from every decoder
/// layer's cross-attention flows back through the encoder. One pass is reused for many
/// examples; it is not shared between threads.
final class T5Pass<T: TrainingScalar> {
  /// One attention sublayer's activations: its input (the residual stream), the normed
  /// input, queries, keys and values, the heads' outputs, the norm's scales, the weights.
  struct AttentionActivations {
    var input, norm, q, k, v, attended, scales, probs: UnsafeMutablePointer<T>
  }

  /// One feed-forward sublayer's activations (`up` only for the gated GELU).
  struct FeedForwardActivations {
    var input, norm, gate, up, hidden, scales: UnsafeMutablePointer<T>
  }

  /// One layer: self-attention, cross-attention (decoder only), feed-forward.
  struct Block {
    var selfAttention: AttentionActivations
    var crossAttention: AttentionActivations?
    var feedForward: FeedForwardActivations
  }

  let config: T5TrainingConfig
  /// The longest source and decoder input the pass holds.
  let sourceRows, targetRows: Int
  let encoderBuckets, decoderBuckets: RelativePositionBuckets
  private let arena = Arena<T>()
  private(set) var encoder: [Block] = []
  private(set) var decoder: [Block] = []
  /// The residual stream after the last layer, and its norm, per stack (`[rows, d_model]`).
  var encoderResidual, encoderOutput, encoderScales: UnsafeMutablePointer<T>
  var decoderResidual, decoderOutput, decoderScales: UnsafeMutablePointer<T>
  /// The decoder output times `d_model^-0.5` (tied embeddings), and the logits (then their
  /// gradient), `[targetRows, vocab]`.
  var scaledOutput, logits: UnsafeMutablePointer<T>
  /// Each stack's position bias (`[heads, rows, rows]`), then its gradient.
  var encoderBias, decoderBias, dEncoderBias, dDecoderBias: UnsafeMutablePointer<T>
  /// Gradient scratch: the residual streams' gradients, and buffers reused by every layer.
  var dx, dEncoder, dn, dq, dk, dv, dAttended, dHidden, dGate, dUp, dp: UnsafeMutablePointer<T>

  /// A pass for sources of up to `sourceRows` tokens and targets of up to `targetRows`.
  init(config c: T5TrainingConfig, sourceRows: Int, targetRows: Int) {
    config = c
    (self.sourceRows, self.targetRows) = (sourceRows, targetRows)
    encoderBuckets = RelativePositionBuckets(
      bidirectional: true, buckets: c.buckets, maxDistance: c.maxDistance)
    decoderBuckets = RelativePositionBuckets(
      bidirectional: false, buckets: c.buckets, maxDistance: c.maxDistance)
    let (s, t, m) = (sourceRows, targetRows, max(sourceRows, targetRows))
    let a = arena
    func attention(_ rows: Int, keys: Int) -> AttentionActivations {
      AttentionActivations(
        input: a.take(rows * c.dModel), norm: a.take(rows * c.dModel), q: a.take(rows * c.inner),
        k: a.take(keys * c.inner), v: a.take(keys * c.inner), attended: a.take(rows * c.inner),
        scales: a.take(rows), probs: a.take(c.heads * rows * keys))
    }
    func feedForward(_ rows: Int) -> FeedForwardActivations {
      FeedForwardActivations(
        input: a.take(rows * c.dModel), norm: a.take(rows * c.dModel), gate: a.take(rows * c.dFF),
        up: a.take(c.feedForward == .gatedGELU ? rows * c.dFF : 0), hidden: a.take(rows * c.dFF),
        scales: a.take(rows))
    }
    for _ in 0..<c.encoderLayers {
      encoder.append(Block(selfAttention: attention(s, keys: s), feedForward: feedForward(s)))
    }
    for _ in 0..<c.decoderLayers {
      decoder.append(
        Block(
          selfAttention: attention(t, keys: t), crossAttention: attention(t, keys: s),
          feedForward: feedForward(t)))
    }
    (encoderResidual, encoderOutput, encoderScales) = (
      a.take(s * c.dModel), a.take(s * c.dModel), a.take(s)
    )
    (decoderResidual, decoderOutput, decoderScales) = (
      a.take(t * c.dModel), a.take(t * c.dModel), a.take(t)
    )
    (scaledOutput, logits) = (a.take(t * c.dModel), a.take(t * c.vocabularySize))
    (encoderBias, dEncoderBias) = (a.take(c.heads * s * s), a.take(c.heads * s * s))
    (decoderBias, dDecoderBias) = (a.take(c.heads * t * t), a.take(c.heads * t * t))
    (dx, dEncoder, dn) = (a.take(m * c.dModel), a.take(s * c.dModel), a.take(m * c.dModel))
    (dq, dk, dv, dAttended) = (
      a.take(m * c.inner), a.take(m * c.inner), a.take(m * c.inner), a.take(m * c.inner)
    )
    (dHidden, dGate, dUp, dp) = (a.take(m * c.dFF), a.take(m * c.dFF), a.take(m * c.dFF), a.take(m))
  }

  /// Runs `source` through the encoder and `decoderInputs` through the decoder, leaving the
  /// logits (`[decoderInputs.count, vocab]`) in ``logits``.
  func forward(source: [Int], decoderInputs: [Int], network n: T5Network<T>) {
    let (c, o, s, t) = (config, n.layout, source.count, decoderInputs.count)
    embed(source, into: encoder[0].selfAttention.input, network: n)
    Ops.positionBias(
      encoderBias, table: n.weights + o.encoderBias, buckets: encoderBuckets, heads: c.heads,
      queries: s, keys: s)
    for l in 0..<c.encoderLayers {
      let (a, w) = (encoder[l], o.encoder[l])
      let next = l + 1 < c.encoderLayers ? encoder[l + 1].selfAttention.input : encoderResidual
      attend(
        a.selfAttention, w.selfAttention, norm: w.selfNorm, rows: s, bias: encoderBias,
        causal: false, into: a.feedForward.input, network: n)
      feedForward(a.feedForward, w, rows: s, into: next, network: n)
    }
    Ops.rmsnorm(
      encoderOutput, encoderResidual, n.weights + o.encoderFinalNorm, scales: encoderScales,
      rows: s, n: c.dModel, epsilon: T5TrainingConfig.normEpsilon)
    embed(decoderInputs, into: decoder[0].selfAttention.input, network: n)
    Ops.positionBias(
      decoderBias, table: n.weights + o.decoderBias, buckets: decoderBuckets, heads: c.heads,
      queries: t, keys: t)
    for l in 0..<c.decoderLayers {
      let (a, w) = (decoder[l], o.decoder[l])
      let next = l + 1 < c.decoderLayers ? decoder[l + 1].selfAttention.input : decoderResidual
      let cross = a.crossAttention!
      attend(
        a.selfAttention, w.selfAttention, norm: w.selfNorm, rows: t, bias: decoderBias,
        causal: true, into: cross.input, network: n)
      attend(
        cross, w.crossAttention!, norm: w.crossNorm, rows: t, keys: (encoderOutput, s),
        into: a.feedForward.input, network: n)
      feedForward(a.feedForward, w, rows: t, into: next, network: n)
    }
    classify(rows: t, network: n)
  }

  /// Copies each token's row of `shared.weight` (T5 does not scale its input embeddings).
  private func embed(_ tokens: [Int], into x: UnsafeMutablePointer<T>, network n: T5Network<T>) {
    let d = config.dModel
    for (r, token) in tokens.enumerated() {
      (x + r * d).update(from: n.weights + n.layout.shared + token * d, count: d)
    }
  }

  /// `logits = lm_head · norm(decoder residual)`, the normed output first multiplied by
  /// `d_model^-0.5` when the classifier is the (tied) embedding, as T5 v1.0 does.
  private func classify(rows t: Int, network n: T5Network<T>) {
    let (c, o) = (config, n.layout)
    Ops.rmsnorm(
      decoderOutput, decoderResidual, n.weights + o.decoderFinalNorm, scales: decoderScales,
      rows: t, n: c.dModel, epsilon: T5TrainingConfig.normEpsilon)
    var x = UnsafePointer(decoderOutput)
    if c.tiedEmbeddings {
      let scale = 1 / T(c.dModel).squareRoot()
      for i in 0..<(t * c.dModel) { scaledOutput[i] = decoderOutput[i] * scale }
      x = UnsafePointer(scaledOutput)
    }
    n.linear(logits, x, o.lmHead, c.vocabularySize, c.dModel, t)
  }
}
