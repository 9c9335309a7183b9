import Foundation
import KVTrace

extension TinyTransformer {
  /// The architectures kvtrace runs from a GGUF file.
  static let ggufArchitectures = ["llama", "qwen2"]

  /// A Llama-family model from a GGUF file (llama.cpp's format), its tensors read as stored.
  ///
  /// Everything comes from the file: the shape from `ARCH.block_count`,
  /// `embedding_length`, `feed_forward_length`, `attention.head_count(_kv)`,
  /// `context_length` and the token embedding's rows; RoPE's base from `rope.freq_base`;
  /// the norms' ε from `attention.layer_norm_rms_epsilon`; the tokenizer from
  /// `tokenizer.ggml.*` (byte-level BPE). A file without `output.weight` ties its classifier
  /// to the token embedding, read as stored (SmolLM2's is Q8_0).
  ///
  /// llama.cpp's converter permutes a Llama's `Wq` and `Wk` rows so that RoPE rotates
  /// adjacent pairs, llama2.c's convention; Qwen2 files keep Hugging Face's rows, which
  /// rotate halves. The pairing follows the architecture.
  ///
  /// - Parameters:
  ///   - data: The whole file.
  ///   - name: The file's name, for the trace header and errors.
  ///   - seed: The seed of sampling.
  ///   - digestsWeights: Whether the trace header gets the file's SHA-256; `false` for a run
  ///     whose trace is never written (hashing a 100 MB file takes tens of milliseconds).
  /// - Throws: ``ModelFileError``: a damaged file, another architecture, RoPE scaling, a
  ///   tokenizer other than byte-level BPE, a tensor missing or of an unsupported type.
  public init(gguf data: Data, name: String, seed: UInt64 = 0, digestsWeights: Bool = true)
    throws(ModelFileError)
  {
    let file: GGUFFile
    do {
      file = try GGUFFile(data: data)
    } catch {
      throw ModelFileError(name, error.description)
    }
    let (config, settings) = try Self.ggufShape(file, name: name)
    let tokenizer = try Self.ggufTokenizer(file, name: name, vocabulary: config.vocabularySize)
    let weights = try StoredWeights(
      files: [data], config: config, tied: settings.tied, biases: settings.biases, file: name
    ) { tensorName throws(ModelFileError) in
      guard let info = file.tensor(named: tensorName.gguf) else { return nil }
      return StoredTensor(
        file: 0, offset: info.offset, encoding: info.type, rows: info.rows, columns: info.columns)
    }
    self.init(
      config: config, settings: settings, weights: weights, tokenizer: tokenizer,
      source: "gguf \(name)",
      identity: TraceIdentity(
        weights: "file \(name)", weightsSHA256: digestsWeights ? SHA256.hex(data) : nil,
        tokenizer: "tokenizer.ggml of \(name)"),
      seed: seed)
  }

  /// The shape and settings a GGUF file's metadata describes.
  private static func ggufShape(_ file: GGUFFile, name: String) throws(ModelFileError)
    -> (ModelConfig, LlamaSettings)
  {
    func fail(_ problem: String) -> ModelFileError { ModelFileError(name, problem) }
    let arch = file.string("general.architecture") ?? "(none)"
    guard ggufArchitectures.contains(arch) else {
      throw fail(
        "architecture '\(TerminalText.escaped(arch))' is not supported; kvtrace runs the "
          + "Llama family (\(ggufArchitectures.joined(separator: ", ")))")
    }
    func int(_ key: String, default fallback: Int? = nil) throws(ModelFileError) -> Int {
      guard let value = file.int("\(arch).\(key)") ?? fallback else {
        throw fail("metadata \(arch).\(key) is missing; the file is not a complete model")
      }
      return value
    }
    if let scaling = file.string("\(arch).rope.scaling.type"), scaling != "none" {
      throw fail(
        "RoPE scaling '\(TerminalText.escaped(scaling))' is not supported; kvtrace runs "
          + "models with plain RoPE")
    }
    let heads = try int("attention.head_count")
    let dim = try int("embedding_length")
    let vocabulary =
      file.tensor(named: "token_embd.weight")?.rows
      ?? file.strings("tokenizer.ggml.tokens")?.count ?? 0
    let config = ModelConfig(
      layers: try int("block_count"), heads: heads,
      kvHeads: try int("attention.head_count_kv", default: heads), dim: dim,
      mlpDim: try int("feed_forward_length"),
      contextLength: runnableContext(try int("context_length", default: 2048)),
      vocabularySize: vocabulary)
    do {
      try config.validate()
    } catch {
      throw fail("its shape cannot run: \(error.description)")
    }
    if let rope = file.int("\(arch).rope.dimension_count"), rope != config.headSize {
      throw fail(
        "RoPE rotates \(rope) of each head's \(config.headSize) elements; kvtrace rotates "
          + "whole heads")
    }
    let settings = LlamaSettings(
      ropeBase: Double(file.float("\(arch).rope.freq_base") ?? 10000),
      pairing: arch == "qwen2" ? .halves : .adjacent,
      normEpsilon: file.float("\(arch).attention.layer_norm_rms_epsilon") ?? 1e-5,
      biases: file.tensor(named: "blk.0.attn_q.bias") != nil,
      tied: file.tensor(named: "output.weight") == nil)
    return (config, settings)
  }

  /// The byte-level BPE tokenizer of `tokenizer.ggml.*`.
  private static func ggufTokenizer(_ file: GGUFFile, name: String, vocabulary: Int)
    throws(ModelFileError) -> Tokenizer
  {
    let model = file.string("tokenizer.ggml.model") ?? "(none)"
    guard model == "gpt2", let tokens = file.strings("tokenizer.ggml.tokens") else {
      throw ModelFileError(
        name,
        "tokenizer.ggml.model '\(TerminalText.escaped(model))' is not supported; kvtrace reads "
          + "byte-level BPE tokenizers (gpt2: SmolLM2, Llama 3, Qwen2)")
    }
    let tokenizer: Tokenizer
    do {
      tokenizer = try Tokenizer(
        byteLevelTokens: tokens, merges: file.strings("tokenizer.ggml.merges") ?? [],
        tokenTypes: file.ints("tokenizer.ggml.token_type"),
        preTokenizer: file.string("tokenizer.ggml.pre"),
        beginningOfSequence: file.int("tokenizer.ggml.bos_token_id"),
        endOfSequence: file.int("tokenizer.ggml.eos_token_id"),
        unknown: file.int("tokenizer.ggml.unknown_token_id"),
        padding: file.int("tokenizer.ggml.padding_token_id"),
        addsBeginningOfSequence: file.bool("tokenizer.ggml.add_bos_token") ?? false,
        chatTemplate: file.string("tokenizer.chat_template"))
    } catch {
      throw ModelFileError(name, "its tokenizer: \(error.description)")
    }
    guard tokenizer.vocabularySize <= vocabulary else {
      throw ModelFileError(
        name,
        "the tokenizer has \(tokenizer.vocabularySize) tokens, the model only \(vocabulary)")
    }
    return tokenizer
  }
}
