// The heap-based merge of a llama2.c vocabulary gives exactly the ids of llama2.c's rescan,
// ties and unmergeable scores included, on random vocabularies and random texts.

import Foundation
import Testing
import TinyTransformer

/// llama2.c's `encode` as written in `run.c`: rescan every pair after every merge.
private func rescanEncode(_ text: String, pieces: [[UInt8]], scores: [Float]) -> [Int] {
  var ids: [[UInt8]: Int] = [:]
  for (id, piece) in pieces.enumerated() where ids[piece] == nil { ids[piece] = id }
  var tokens = [1]
  if !text.isEmpty { tokens.append(ids[[0x20]] ?? 3 + 0x20) }
  for scalar in text.unicodeScalars {
    let bytes = Array(String(scalar).utf8)
    if let id = ids[bytes] { tokens.append(id) } else { tokens += bytes.map { 3 + Int($0) } }
  }
  while true {
    var best: (score: Float, index: Int, id: Int)?
    for index in tokens.indices.dropLast() {
      if let id = ids[pieces[tokens[index]] + pieces[tokens[index + 1]]],
        scores[id] > (best?.score ?? -1e10)
      {
        best = (scores[id], index, id)
      }
    }
    guard let best else { return tokens }
    tokens[best.index] = best.id
    tokens.remove(at: best.index + 1)
  }
}

@Test(.tags(.unit), arguments: 0..<40)
func heapMergeMatchesTheRescan(seed: UInt64) throws {
  var noise = FixtureNoise(state: seed &+ 11)
  func pick(_ n: Int) -> Int { Int((noise.next() + 1) / 2 * Float(n)) % n }
  let alphabet = ["a", "b", "c", " ", "é", "\n"]
  var texts = Set(alphabet)
  while texts.count < 60 {
    texts.insert((0..<(2 + pick(4))).map { _ in alphabet[pick(alphabet.count)] }.joined())
  }
  // Few distinct scores, so ties are common; some at or below the unmergeable score.
  let levels: [Float] = [-1, -2, -3, -1e10, -2e10, 0]
  let entries = texts.sorted().map { ($0, levels[pick(levels.count)]) }
  let vocab = 259 + entries.count
  let tokenizer = try Tokenizer(
    llama2cTokenizer: tokenizerData(vocab: vocab, pieces: entries), vocabularySize: vocab)
  let pieces = llamaSpecialsAndBytes.map(\.piece) + entries.map { Array($0.0.utf8) }
  let scores = llamaSpecialsAndBytes.map(\.score) + entries.map(\.1)
  for _ in 0..<20 {
    let text = (0..<pick(80)).map { _ in alphabet[pick(alphabet.count)] }.joined()
    #expect(tokenizer.encode(text) == rescanEncode(text, pieces: pieces, scores: scores))
  }
}
