// Small llama2.c files written by the tests themselves, byte by byte from the format's
// description (llama2.c's export.py `legacy_export` and tokenizer.py `export`), so that the
// library's reader is checked against an independent writer.

import Foundation
import Testing

/// The header of a llama2.c checkpoint, field by field.
struct FixtureShape: Sendable, CustomTestStringConvertible {
  var dim: Int
  var hidden: Int
  var layers: Int
  var heads: Int
  var kvHeads: Int
  var vocab: Int
  var seq: Int
  /// Whether the token embedding doubles as the classifier (a positive vocab_size).
  var shared: Bool

  var headSize: Int { dim / heads }
  var kvDim: Int { kvHeads * headSize }

  var testDescription: String {
    "dim \(dim) hidden \(hidden) layers \(layers) heads \(heads)/\(kvHeads) vocab \(vocab) "
      + "seq \(seq) \(shared ? "shared" : "unshared")"
  }

  /// The seven header fields, as written.
  var header: [Int32] {
    [dim, hidden, layers, heads, kvHeads, shared ? vocab : -vocab, seq].map { Int32($0) }
  }

  /// The float count of each tensor in file order, the RoPE tables and classifier included.
  var tensorSizes: [Int] {
    let l = layers
    return [
      vocab * dim, l * dim, l * dim * dim, l * dim * kvDim, l * dim * kvDim, l * dim * dim,
      l * dim, l * dim * hidden, l * hidden * dim, l * dim * hidden, dim,
      seq * headSize / 2, seq * headSize / 2,
    ] + (shared ? [] : [vocab * dim])
  }
}

/// Shapes worth loading: shared and separate classifiers, multi-head, grouped-query and
/// multi-query attention, one and several layers.
let fixtureShapes: [FixtureShape] = [
  FixtureShape(
    dim: 16, hidden: 40, layers: 2, heads: 4, kvHeads: 4, vocab: 270, seq: 24, shared: true),
  FixtureShape(
    dim: 24, hidden: 32, layers: 3, heads: 6, kvHeads: 2, vocab: 280, seq: 20, shared: false),
  FixtureShape(
    dim: 32, hidden: 48, layers: 2, heads: 4, kvHeads: 1, vocab: 261, seq: 16, shared: true),
  FixtureShape(
    dim: 8, hidden: 12, layers: 1, heads: 1, kvHeads: 1, vocab: 300, seq: 12, shared: false),
]

/// A deterministic stream of floats in [-1, 1), independent of the library's generator.
struct FixtureNoise {
  var state: UInt64

  mutating func next() -> Float {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Float(Int64(bitPattern: state) >> 40) / Float(1 << 23)
  }
}

/// Appends little-endian values the way llama2.c's Python exporter does (`struct.pack`).
struct LittleEndianWriter {
  var data = Data()

  mutating func int32(_ value: Int32) {
    withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
  }

  mutating func float32(_ value: Float) {
    withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
  }

  mutating func bytes(_ bytes: [UInt8]) { data.append(contentsOf: bytes) }
}

/// A checkpoint of `shape` with random weights.
///
/// Norm weights are near 1, matrices small, the query and key projections larger so that
/// attention is far from uniform and a position error would show. The unused RoPE tables
/// are filled with NaN: if anything read them, every logit would be NaN.
func checkpointData(_ shape: FixtureShape, seed: UInt64 = 1) -> Data {
  var writer = LittleEndianWriter()
  shape.header.forEach { writer.int32($0) }
  var noise = FixtureNoise(state: seed)
  let norms: Set<Int> = [1, 6, 10]
  let rope: Set<Int> = [11, 12]
  for (index, count) in shape.tensorSizes.enumerated() {
    let scale: Float = index == 0 || index == 13 ? 1 : (2...3).contains(index) ? 0.6 : 0.3
    for _ in 0..<count {
      if rope.contains(index) {
        writer.float32(.nan)
      } else if norms.contains(index) {
        writer.float32(1 + 0.2 * noise.next())
      } else {
        writer.float32(scale * noise.next())
      }
    }
  }
  return writer.data
}

/// The first 259 entries of every llama2.c vocabulary: `<unk>`, `<s>` and `</s>` as
/// tokenizer.py writes them, then the byte tokens `<0x00>`…`<0xFF>`.
let llamaSpecialsAndBytes: [(piece: [UInt8], score: Float)] =
  [(Array("<unk>".utf8), 0), (Array("\n<s>\n".utf8), 0), (Array("\n</s>\n".utf8), 0)]
  + (0...255).map { byte in
    let hex = String(byte, radix: 16, uppercase: true)
    return (Array("<0x\(hex.count == 1 ? "0" + hex : hex)>".utf8), 0)
  }

/// A tokenizer.bin: specials and bytes, `pieces`, then filler pieces up to `vocab` tokens.
func tokenizerData(
  vocab: Int, pieces: [(String, Float)] = [], maxTokenLength: Int32? = nil
) -> Data {
  var entries = llamaSpecialsAndBytes + pieces.map { (Array($0.0.utf8), $0.1) }
  var filler = 0
  while entries.count < vocab {
    entries.append((Array("~\(filler)~".utf8), -1_000))
    filler += 1
  }
  var writer = LittleEndianWriter()
  writer.int32(maxTokenLength ?? Int32(entries.map(\.piece.count).max() ?? 1))
  for (piece, score) in entries {
    writer.float32(score)
    writer.int32(Int32(piece.count))
    writer.bytes(piece)
  }
  return writer.data
}
