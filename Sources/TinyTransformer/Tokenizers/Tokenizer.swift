import Foundation

/// Turns text into the integer token ids a model reads, and ids back into text.
///
/// A transformer never sees text, only ids, and every id has its own row in the embedding
/// table and the classifier. A tokenizer comes in one of three kinds:
///
/// - the **demo vocabulary** (``demo``): a few hundred whole English words, so that the rows
///   of a cache grid read `The`, `quick`, `brown`; it goes with kvtrace's random models;
/// - a **llama2.c vocabulary**, loaded from the `tokenizer.bin` that goes with a llama2.c
///   checkpoint (``init(llama2cTokenizer:vocabularySize:)``): SentencePiece pieces with
///   scores, encoded the way llama2.c's `run.c` encodes them, so a trained model reads
///   exactly the ids it was trained on;
/// - a **SentencePiece Unigram vocabulary**, T5's, loaded from a `spiece.model`
///   (``init(sentencePieceModel:)``) or a Hugging Face `tokenizer.json`
///   (``init(tokenizerJSON:)``): the text normalized (NFKC-like map, `▁` for spaces), then
///   cut into the pieces whose scores sum highest (Viterbi), with the ids `sentencepiece`
///   and `tokenizers` give (the article "SentencePiece Unigram" says how).
///
/// The ids ``padToken`` … ``startToken`` belong to the demo vocabulary. In a llama2.c
/// vocabulary id 0 is `<unk>`, 1 is `<s>` (the beginning of a sequence, as in the demo) and
/// 2 is `</s>`. A Unigram file names its own (T5: pad 0, `</s>` 1, `<unk>` 2, no `<s>`):
/// read them from ``endOfSequenceToken``, ``paddingToken``, ``unknownToken`` and
/// ``beginningOfSequenceToken``, which give the old values for the other kinds.
public struct Tokenizer: Sendable, Equatable {
  /// The padding token of the demo vocabulary, id 0.
  ///
  /// Padding fills unused positions when sequences of different lengths share a batch; it
  /// decodes to the empty string.
  public static let padToken = 0

  /// The beginning-of-sequence token, id 1 (in both kinds of vocabulary).
  ///
  /// Decoder-only models usually see it first, so the very first real token still has a
  /// position to attend from. It decodes to the empty string.
  public static let bosToken = 1

  /// The end-of-sequence token, id 2 (in both kinds of vocabulary).
  ///
  /// A model emits it to say "I am done"; generation loops stop when they sample it. It
  /// decodes to the empty string.
  public static let eosToken = 2

  /// The decoder start token of the demo vocabulary for encoder-decoder models, id 3.
  ///
  /// In a T5-style model the decoder has no prompt of its own, so generation begins from this
  /// token while cross-attention reads the encoder's output. It decodes to the empty string.
  public static let startToken = 3

  /// The built-in vocabulary used by kvtrace's demo model.
  ///
  /// It holds the specials, the 256 byte tokens, and a few hundred common English words in
  /// both their bare and space-prefixed forms, so prompts such as
  /// "The quick brown fox jumps over the lazy dog." encode one word per token.
  public static let demo = Tokenizer(
    kind: .words(WordVocabulary(words: demoWords, starters: demoStarters)))

  /// The first id of the demo vocabulary's word pieces; below it are specials and bytes.
  static let firstWordToken = WordVocabulary.firstWordToken

  /// The kinds of vocabulary a tokenizer may hold.
  enum Kind: Sendable, Equatable {
    case words(WordVocabulary)
    case sentencePiece(SentencePieceVocabulary)
    case unigram(UnigramVocabulary)
    case bytePair(BytePairVocabulary)
  }

  let kind: Kind
  /// The SHA-256 of the file the vocabulary was loaded from (`tokenizer.bin`, `spiece.model`
  /// or `tokenizer.json`; `nil` for the demo vocabulary): what a trace header names it by.
  public let fileSHA256: String?

  init(kind: Kind, fileSHA256: String? = nil) {
    self.kind = kind
    self.fileSHA256 = fileSHA256
  }

  /// Loads a llama2.c `tokenizer.bin`.
  ///
  /// The file holds an `int32` maximum piece length, then for every token a `float32` score,
  /// an `int32` byte length and the piece's UTF-8 bytes (a space is stored as a real space).
  /// It does not say how many tokens it holds: that is the checkpoint's vocabulary size, which
  /// is why this initializer asks for it. Every length is checked against the bytes that
  /// remain before anything is allocated, so a damaged file throws instead of crashing.
  ///
  /// - Parameters:
  ///   - data: The whole file.
  ///   - vocabularySize: The checkpoint's vocabulary size; the file must hold exactly this
  ///     many tokens, the 256 byte tokens `<0x00>`…`<0xFF>` at ids 3…258 among them.
  /// - Throws: ``TokenizerError`` naming what is wrong with the file.
  public init(llama2cTokenizer data: Data, vocabularySize: Int) throws(TokenizerError) {
    kind = .sentencePiece(try SentencePieceVocabulary(data, vocabularySize: vocabularySize))
    fileSHA256 = SHA256.hex(data)
  }

  /// The number of distinct token ids, specials and byte tokens included.
  ///
  /// Valid ids are `0..<vocabularySize`; a model's embedding table and output layer need
  /// exactly this many rows.
  public var vocabularySize: Int {
    switch kind {
    case .words(let words): words.count
    case .sentencePiece(let pieces): pieces.count
    case .unigram(let unigram): unigram.count
    case .bytePair(let bytePair): bytePair.count
    }
  }

  /// Splits text into token ids. Never fails for any String.
  ///
  /// **Demo vocabulary.** The text is first cut into chunks: a run of letters, digits and
  /// combining marks together with at most one space right before it (`" quick"`), each other
  /// character on its own. A chunk that is a vocabulary piece becomes one token. Otherwise the
  /// chunk's UTF-8 bytes are covered greedily by the longest matching piece (`" jumping"`
  /// becomes `" jump"`, `"ing"`), and a byte no piece starts with becomes its byte token. The
  /// empty string gives `[]`.
  ///
  /// **llama2.c vocabulary**, as `run.c` encodes a prompt: the ids start with `<s>`; a
  /// non-empty text gets a leading space (SentencePiece's "dummy prefix", so the first word
  /// is `" Once"` like every later one); every character becomes the token of that character,
  /// or, if the vocabulary lacks it, one byte token per UTF-8 byte; then, again and again, the
  /// adjacent pair whose concatenation is the piece with the best score is merged, until no
  /// pair is a piece. `"Once upon a time"` becomes `<s>`, `" Once"`, `" upon"`, `" a"`,
  /// `" time"`.
  ///
  /// **Unigram vocabulary**, as `sentencepiece` (or `tokenizers`) encodes: normalized, then
  /// cut into the best-scoring pieces; no `<s>` or `</s>` is added.
  public func encode(_ text: String) -> [Int] {
    switch kind {
    case .words(let words): words.encode(text)
    case .sentencePiece(let pieces): pieces.encode(text)
    case .unigram(let unigram): unigram.encode(text)
    case .bytePair(let bytePair): bytePair.encode(text)
    }
  }

  /// Joins tokens back into text. `decode(encode(s)) == s` for every String s (with a
  /// llama2.c vocabulary, one that has the piece `" "`, as every published one does).
  ///
  /// Special tokens decode to `""` and ids outside `0..<vocabularySize` are skipped. A byte
  /// token decodes to its byte; an arbitrary sequence of them (say, a model sampling `<0xE2>`
  /// alone) may not be valid UTF-8, and such bytes are repaired to U+FFFD rather than
  /// crashing. In a llama2.c vocabulary, a piece right after `<s>` loses its leading space,
  /// the dummy prefix that encoding added (as llama2.c's `decode` does). A Unigram vocabulary
  /// decodes as `sentencepiece` does: its normalization is not undone (`ﬁ` comes back `fi`)
  /// and `<unk>` decodes to `" ⁇ "` (to `""` from a `tokenizer.json`).
  public func decode(_ tokens: [Int]) -> String {
    switch kind {
    case .words(let words): words.decode(tokens)
    case .sentencePiece(let pieces): pieces.decode(tokens)
    case .unigram(let unigram): unigram.decode(tokens)
    case .bytePair(let bytePair): bytePair.decode(tokens)
    }
  }

  /// The raw piece a token stands for, e.g. `" quick"` with its leading space.
  ///
  /// Specials give their name (`"<bos>"` in the demo vocabulary, `"<s>"` in a llama2.c one).
  /// A byte token gives its byte as a one-character string if it is ASCII (`"."`, `"\n"`),
  /// otherwise a hex name such as `"<0xE2>"`, since half of a UTF-8 character is not text on
  /// its own. Ids out of range give `"<unk:ID>"`.
  public func piece(of token: Int) -> String {
    switch kind {
    case .words(let words): words.piece(of: token)
    case .sentencePiece(let pieces): pieces.piece(of: token)
    case .unigram(let unigram): unigram.piece(of: token)
    case .bytePair(let bytePair): bytePair.piece(of: token)
    }
  }

  /// A short label for a screen, such as `"quick"` for the piece `" quick"`.
  ///
  /// The leading space is dropped because a table of tokens already separates them visually.
  /// Whitespace-only pieces would be invisible, so they get symbols: `"␣"` for a space,
  /// `"↵"` for a newline and `"⇥"` for a tab; other control bytes and non-ASCII bytes show as
  /// `"<0xNN>"`. With `ascii: true` the result is pure ASCII for terminals that need it:
  /// `"_"`, `"\\n"` and `"\\t"`, and any non-ASCII character becomes `"<U+00E9>"`-style.
  /// Ids out of range give `"<unk:ID>"`.
  public func label(of token: Int, ascii: Bool = false) -> String {
    switch kind {
    case .words(let words): words.label(of: token, ascii: ascii)
    case .sentencePiece(let pieces): pieces.label(of: token, ascii: ascii)
    case .unigram(let unigram): unigram.label(of: token, ascii: ascii)
    case .bytePair(let bytePair): bytePair.label(of: token, ascii: ascii)
    }
  }
}
