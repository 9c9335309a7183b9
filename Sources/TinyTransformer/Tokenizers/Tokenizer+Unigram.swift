import Foundation

extension Tokenizer {
  /// The largest tokenizer file read, 64 MiB: T5's files are a few MB at most, and the
  /// largest multilingual vocabularies (250,000 pieces) stay well below the limit.
  public static let maxModelFileBytes = 64 << 20

  /// Loads a SentencePiece Unigram model, the `spiece.model` (or `tokenizer.model`) of T5
  /// and many other checkpoints.
  ///
  /// The file is SentencePiece's protobuf `ModelProto`: every piece with its score and type,
  /// the trainer's settings (model type, special ids, byte fallback) and the normalizer (a
  /// precompiled NFKC-like character map and the whitespace rules). Encoding then does what
  /// the `sentencepiece` library does: normalize, put `▁` for every space and one before the
  /// text, and cut the result into the pieces whose scores sum highest (Viterbi); unknown
  /// characters become `<unk>` (consecutive ones merged) or, with byte fallback, byte pieces.
  /// ``encode(_:)`` adds no `</s>`: a model that wants one (T5 ends its source with it)
  /// appends ``endOfSequenceToken``.
  ///
  /// Every length and offset in the file is checked before use, so a damaged file throws.
  ///
  /// - Parameter data: The whole file.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)`` naming the problem: a truncated or
  ///   malformed protobuf, a damaged normalization map, no `<unk>`, or a model type other
  ///   than Unigram (BPE is not supported).
  public init(sentencePieceModel data: Data) throws(TokenizerError) {
    guard data.count <= Self.maxModelFileBytes else {
      throw .unusableModelFile(
        .fileTooLarge(.sentencePieceModel, byteCount: data.count, limit: Self.maxModelFileBytes))
    }
    do {
      let model = try SentencePieceModelFile(Array(data))
      kind = .unigram(try UnigramVocabulary(model: model))
    } catch {
      throw .unusableModelFile(error)
    }
    fileSHA256 = SHA256.hex(data)
  }

  /// Loads a Hugging Face `tokenizer.json` whose model is a SentencePiece `Unigram`, as
  /// `T5TokenizerFast` writes it.
  ///
  /// The file holds the vocabulary (`[piece, score]` pairs, the `unk_id`, `byte_fallback`),
  /// the normalizer (`Precompiled`, the same character map as in `spiece.model`, possibly in
  /// a `Sequence` with `Replace` and `Strip`), the pre-tokenizer (`Metaspace`, which writes
  /// spaces as `▁` and cuts before each, possibly after `WhitespaceSplit`) and the added
  /// tokens (T5's `<pad>`, `</s>`, `<unk>`, `<extra_id_0>`…), which are found whole in the
  /// text before anything else. Encoding reproduces the `tokenizers` library's ids without
  /// the post-processor's `</s>` (see ``endOfSequenceToken``).
  ///
  /// - Parameter data: The whole file, at most ``maxModelFileBytes``.
  /// - Throws: ``TokenizerError/unusableModelFile(_:)``: not JSON of that shape, a model type
  ///   other than `Unigram` (BPE, WordPiece are not supported), or an unknown normalizer.
  public init(tokenizerJSON data: Data) throws(TokenizerError) {
    try self.init(tokenizerJSON: data, tokenizerConfig: nil)
  }

  /// The id a model emits to end its output, read from the file: `</s>`, id 1 in T5, id 2 in
  /// the demo and llama2.c vocabularies (``eosToken``).
  ///
  /// Generation stops when it is sampled, and an encoder-decoder appends it to its source.
  /// The static ``eosToken`` is the demo's and llama2.c's convention; this is the one to use
  /// for a tokenizer loaded from a file.
  public var endOfSequenceToken: Int {
    switch kind {
    case .unigram(let unigram): unigram.specials.end ?? Self.eosToken
    case .bytePair(let bytePair): bytePair.specials.end ?? Self.eosToken
    case .words, .sentencePiece: Self.eosToken
    }
  }

  /// The id that begins a sequence (`<s>`), or `nil` when the vocabulary has none (T5).
  public var beginningOfSequenceToken: Int? {
    switch kind {
    case .unigram(let unigram): unigram.specials.beginning
    case .bytePair(let bytePair): bytePair.specials.beginning
    case .words, .sentencePiece: Self.bosToken
    }
  }

  /// The padding id: 0 in the demo vocabulary and in T5 (which also starts its decoder from
  /// it), `nil` when the vocabulary has none (llama2.c).
  public var paddingToken: Int? {
    switch kind {
    case .words: Self.padToken
    case .sentencePiece: nil
    case .unigram(let unigram): unigram.specials.padding
    case .bytePair(let bytePair): bytePair.specials.padding
    }
  }

  /// The id of `<unk>`, which stands for text the vocabulary cannot spell (2 in T5, 0 in
  /// llama2.c), or `nil` for the demo vocabulary, which spells everything with bytes.
  public var unknownToken: Int? {
    switch kind {
    case .words: nil
    case .sentencePiece: 0
    case .unigram(let unigram): unigram.specials.unknown
    case .bytePair(let bytePair): bytePair.specials.unknown
    }
  }
}
