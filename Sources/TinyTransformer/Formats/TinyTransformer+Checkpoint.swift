import KVTrace

extension TinyTransformer {
  /// A model with trained weights: a llama2.c checkpoint and its tokenizer.
  ///
  /// The decoder is the same code that runs kvtrace's random models, and it computes what
  /// llama2.c's `run.c` computes for the same file: RMSNorm (ε = 1e-5), RoPE on q and k
  /// before k is cached, grouped-query attention through `n_kv_heads`, a SwiGLU MLP, and the
  /// shared or separate classifier. The weights are read in place from the checkpoint's
  /// bytes, never copied. Traces name the file, so renderers show real token strings and no
  /// "random weights" disclaimer.
  ///
  /// The model's context is the checkpoint's `seq_len`, capped at the longest a trace can
  /// describe (`ModelConfig.Limits.contextLength`): a checkpoint may declare up to 1,048,576
  /// positions, but what `run --export` writes, `replay` must read, so both keep to one limit.
  ///
  /// ```swift
  /// let checkpoint = try Checkpoint(Data(contentsOf: modelURL))
  /// let tokenizer = try Tokenizer(
  ///   llama2cTokenizer: Data(contentsOf: tokenizerURL),
  ///   vocabularySize: checkpoint.config.vocabularySize)
  /// let model = try TinyTransformer(
  ///   checkpoint: checkpoint, tokenizer: tokenizer, name: "stories15M.bin")
  /// ```
  ///
  /// - Parameters:
  ///   - checkpoint: The checked checkpoint.
  ///   - tokenizer: Its tokenizer; the vocabulary sizes must agree.
  ///   - name: What the trace header calls the weights, usually the file name.
  ///   - seed: The seed of sampling (greedy decoding ignores it).
  ///   - weightsSHA256: The checkpoint file's SHA-256 as ``SHA256/hex(_:)`` spells it,
  ///     when the caller has computed it already (`kvtrace` does, on a second thread while
  ///     it checks the weights); `nil`: computed here. The trace header records it.
  ///   - digestsWeights: Whether to compute the SHA-256 when `weightsSHA256` is `nil`:
  ///     `false` leaves it out of the trace header, for a run whose trace is never written
  ///     (hashing 60 MB takes longer than a few decode steps).
  /// - Throws: ``CheckpointError/vocabularyMismatch(checkpoint:tokenizer:)`` when the
  ///   tokenizer belongs to another model.
  public init(
    checkpoint: Checkpoint, tokenizer: Tokenizer, name: String, seed: UInt64 = 0,
    weightsSHA256: String? = nil, digestsWeights: Bool = true
  ) throws(CheckpointError) {
    let digest = weightsSHA256 ?? (digestsWeights ? SHA256.hex(checkpoint.data) : nil)
    try self.init(
      checkpoint: checkpoint, tokenizer: tokenizer, weightsSource: "checkpoint \(name)",
      seed: seed, weightsIdentity: ("file \(name)", digest))
  }

  /// A checkpoint's model whose trace header says `weightsSource` about its weights (the
  /// shipped model names its training rather than its file), identified in the header by
  /// `weightsIdentity` (a name and the SHA-256 of the weights' file).
  init(
    checkpoint: Checkpoint, tokenizer: Tokenizer, weightsSource: String, seed: UInt64,
    weightsIdentity: (name: String, sha256: String?)
  ) throws(CheckpointError) {
    guard tokenizer.vocabularySize == checkpoint.config.vocabularySize else {
      throw .vocabularyMismatch(
        checkpoint: checkpoint.config.vocabularySize, tokenizer: tokenizer.vocabularySize)
    }
    var config = checkpoint.config
    config.contextLength = min(
      config.contextLength, ModelConfig.Limits.contextLength.upperBound)
    self.config = config
    self.tokenizer = tokenizer
    self.seed = seed
    self.weightsSource = weightsSource
    identity = TraceIdentity(
      weights: weightsIdentity.name, weightsSHA256: weightsIdentity.sha256,
      tokenizer: tokenizer.identityName, tokenizerSHA256: tokenizer.fileSHA256)
    weights = .flat(Weights(checkpoint: checkpoint))
    rotary = RotaryTable(headSize: config.headSize)
  }
}
