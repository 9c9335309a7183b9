import Foundation
import TinyTransformer

/// A vocabulary written as llama2.c's `tokenizer.bin`, the file that goes beside a checkpoint.
///
/// A checkpoint holds numbers only: row `i` of the embedding means whatever token `i` means
/// to the tokenizer the model was trained with. `kvtrace train` writes the demo vocabulary
/// beside its `model.bin` in llama2.c's layout, so that any tool that reads llama2.c models
/// can turn the ids the model samples back into text:
///
/// ```
/// int32 max_token_length
/// per token, in id order:  float32 score   int32 byte_length   byte_length bytes (no NUL)
/// ```
///
/// Pieces are written as llama2.c names them: the demo's `<pad>`, `<bos>` and `<eos>` (ids 0,
/// 1, 2) become `<unk>`, `<s>` and `</s>`; its decoder start token keeps its name
/// `<start>`; byte tokens are `<0x41>`-style hex names, which llama2.c's decoder turns back
/// into the byte; word pieces are their UTF-8 bytes, the leading space included.
///
/// Two things differ from the files that come with llama2.c's models, and are worth knowing
/// before running the model elsewhere. The demo vocabulary keeps its byte tokens at ids
/// 4…259 (after its four specials), where llama2.c's encoder expects 3…258; and its word
/// pieces are whole words with no smaller pieces to merge up from, so llama2.c's BPE encoder
/// spells an unseen prompt out in byte tokens. Decoding, which is all that generating from
/// the start needs, is exact. The score of a piece is its length in bytes (llama2.c merges
/// the pair whose merged piece scores highest).
public enum Llama2cTokenizerFile {
  /// The names llama2.c gives the first three ids.
  static let specialNames = [0: "<unk>", 1: "<s>", 2: "</s>"]

  /// The bytes of `tokenizer.bin` for `tokenizer`, one entry per id in
  /// `0..<tokenizer.vocabularySize`.
  ///
  /// - Parameter tokenizer: A word-level vocabulary such as ``TinyTransformer/Tokenizer/demo``.
  /// - Returns: The whole file.
  public static func data(for tokenizer: Tokenizer) -> Data {
    let pieces = (0..<tokenizer.vocabularySize).map { piece(tokenizer, $0) }
    var data = Data()
    func append(_ value: UInt32) {
      withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
    }
    append(UInt32(pieces.map(\.count).max() ?? 1))
    for piece in pieces {
      let score = isNamed(piece) ? 0 : Float(piece.count)
      append(score.bitPattern)
      append(UInt32(piece.count))
      data.append(contentsOf: piece)
    }
    return data
  }

  /// The bytes llama2.c stores for token `id`.
  static func piece(_ tokenizer: Tokenizer, _ id: Int) -> [UInt8] {
    let piece = tokenizer.piece(of: id)
    let text = tokenizer.decode([id])
    if text.isEmpty { return Array((specialNames[id] ?? piece).utf8) }  // a special
    if piece.utf8.count == 1, let byte = piece.utf8.first {  // an ASCII byte token
      return Array(hexName(byte).utf8)
    }
    return Array(piece.utf8)  // a word piece, or a byte token already named <0xE2>
  }

  /// `<0x41>`: the name llama2.c gives the byte token of `byte`.
  static func hexName(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16, uppercase: true)
    return "<0x" + (digits.count == 1 ? "0" : "") + digits + ">"
  }

  /// Whether a piece is a name (`<s>`, `<0x41>`) rather than text.
  private static func isNamed(_ piece: [UInt8]) -> Bool {
    piece.first == UInt8(ascii: "<") && piece.last == UInt8(ascii: ">") && piece.count > 2
  }
}
