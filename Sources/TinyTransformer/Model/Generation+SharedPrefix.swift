import KVTrace

extension TinyTransformer {
  /// How many leading positions two prompts can share: their common tokens, but
  /// never a prompt's last one.
  ///
  /// Each sequence must run its last prompt position itself, because the logits
  /// that choose its first token come from that position's hidden state, which the
  /// cache does not keep (vLLM's prefix cache leaves the last token out the same way).
  public static func sharedPrefixLength(_ first: [Int], _ second: [Int]) -> Int {
    let common = zip(first, second).prefix { $0 == $1 }.count
    return max(0, min(common, first.count - 1, second.count - 1))
  }

  /// Decodes two prompts together over one pool of paged blocks, computing their
  /// common prefix once.
  ///
  /// Sequence 0 runs first at each step, then sequence 1. At the prefill, sequence 0
  /// computes its whole prompt; sequence 1 takes over the blocks that lie wholly
  /// inside the shared prefix (reference count 2), gets a copy of the block where the
  /// prompts part (copy on write: the common rows are copied, not recomputed), and
  /// computes only its own suffix. Every later step runs one new position per
  /// sequence, each writing only into its own blocks. A row depends only on the tokens
  /// up to its position, so a shared row is bit for bit the row the sequence would
  /// have computed itself: the tokens and logits of each sequence are those of
  /// decoding its prompt alone (exact).
  ///
  /// - Parameters:
  ///   - first: The first prompt's tokens (sequence 0).
  ///   - second: The second prompt's tokens (sequence 1).
  ///   - promptTexts: The two prompts' texts for the header.
  ///   - steps: Decode steps after the prefill, for each sequence.
  ///   - blockSize: Positions per block.
  ///   - sampling: How tokens are chosen; each sequence draws its own seeded stream.
  ///   - collectLogits: Whether to return every step's logits.
  ///   - recorder: Receives the header and every event, each tagged with its sequence.
  /// - Returns: Each sequence's generation, in order.
  /// - Throws: ``DecodeError`` if a prompt is empty or does not fit.
  public func generate(
    promptTokens first: [Int], secondPromptTokens second: [Int],
    promptTexts: (String, String)? = nil, steps: Int, blockSize: Int = 4,
    sampling: Sampling = .greedy, collectLogits: Bool = false,
    recorder: inout some TraceRecorder
  ) throws(DecodeError) -> [Generation] {
    try config.check(tokens: first, steps: steps)
    try config.check(tokens: second, steps: steps)
    let prompts = [first, second]
    var runShape = config
    runShape.contextLength = max(first.count, second.count) + steps
    let policy = PagedCache(blockSize: blockSize)
    let perSequence = (runShape.contextLength + policy.blockSize - 1) / policy.blockSize
    let pool = BlockPool(
      blockSize: policy.blockSize, capacity: 2 * perSequence, config: runShape)
    let caches = [KVCache(config: runShape, pool: pool), KVCache(config: runShape, pool: pool)]
    let scratch = Scratch(config: runShape)
    var loops = [
      decodingLoop(sampling: sampling, collectLogits: collectLogits),
      decodingLoop(sampling: sampling, collectLogits: collectLogits),
    ]
    var tokens = prompts
    var results = prompts.map { Generation(promptTokens: $0, tokens: [], logits: []) }
    if recorder.isRecording {
      let texts = promptTexts ?? (tokenizer.decode(first), tokenizer.decode(second))
      var header = header(
        promptTokens: first, promptText: texts.0, steps: steps, policy: policy.info,
        sampling: sampling, detail: recorder.detail)
      header.secondPrompt = TracePrompt(
        text: texts.1, tokens: second.map { TraceToken(id: $0, text: tokenizer.piece(of: $0)) })
      recorder.begin(header)
    }
    let shared = Self.sharedPrefixLength(first, second)
    for step in 0...steps {
      for sequence in 0..<2 {
        if step == 0, sequence == 1 { caches[1].sharePrefix(shared, of: caches[0]) }
        run(
          step: step, tokens: tokens[sequence], policy: policy, cache: caches[sequence],
          scratch: scratch, recorder: &recorder, sequence: sequence)
        let next = try loops[sequence].choose(
          step: step, sequence: sequence, position: tokens[sequence].count, scratch: scratch,
          recorder: &recorder)
        results[sequence].tokens.append(next)
        if collectLogits {
          results[sequence].logits.append(scratch.logitsArray(config.vocabularySize))
        }
        tokens[sequence].append(next)
      }
    }
    return results
  }
}
