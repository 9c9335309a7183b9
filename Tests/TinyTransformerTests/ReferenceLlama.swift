// A straightforward llama2.c forward pass, written for the tests and sharing no code with
// the library: the checkpoint is parsed again here into plain arrays, and `run.c`'s
// `forward` is transcribed loop for loop with Foundation's math functions.

import Foundation

struct ReferenceLlama {
  let dim, hidden, layers, heads, kvHeads, vocab, seq: Int
  let tensors: [[Float]]  // in file order; the RoPE tables are skipped

  var headSize: Int { dim / heads }
  var kvDim: Int { kvHeads * headSize }

  /// Parses the bytes of a checkpoint that is known to be well formed.
  init(_ data: Data) {
    let bytes = [UInt8](data)
    func int32(_ index: Int) -> Int {
      var value: UInt32 = 0
      for k in 0..<4 { value |= UInt32(bytes[index * 4 + k]) << (8 * k) }
      return Int(Int32(bitPattern: value))
    }
    (dim, hidden, layers, heads, kvHeads, seq) = (
      int32(0), int32(1), int32(2), int32(3), int32(4), int32(6)
    )
    vocab = abs(int32(5))
    let shared = int32(5) > 0
    let headSize = dim / heads
    let kvDim = kvHeads * headSize
    let sizes = [
      vocab * dim, layers * dim, layers * dim * dim, layers * dim * kvDim,
      layers * dim * kvDim, layers * dim * dim, layers * dim, layers * dim * hidden,
      layers * hidden * dim, layers * dim * hidden, dim, seq * headSize / 2, seq * headSize / 2,
    ]
    var floats: [Float] = []
    for index in stride(from: 28, to: bytes.count, by: 4) {
      var bits: UInt32 = 0
      for k in 0..<4 { bits |= UInt32(bytes[index + k]) << (8 * k) }
      floats.append(Float(bitPattern: bits))
    }
    var tensors: [[Float]] = []
    var offset = 0
    for size in sizes {
      tensors.append(Array(floats[offset..<(offset + size)]))
      offset += size
    }
    tensors.append(shared ? tensors[0] : Array(floats[offset..<(offset + vocab * dim)]))
    self.tensors = tensors
  }

  /// The logits after every position of `tokens`.
  func logits(_ tokens: [Int]) -> [[Float]] {
    let (embedding, rmsAtt, wq, wk, wv, wo) = (
      tensors[0], tensors[1], tensors[2], tensors[3], tensors[4], tensors[5]
    )
    let (rmsFfn, w1, w2, w3, rmsFinal, wcls) = (
      tensors[6], tensors[7], tensors[8], tensors[9], tensors[10], tensors[13]
    )
    var keyCache = [[[Float]]](repeating: [], count: layers)  // [layer][pos][kvDim]
    var valueCache = [[[Float]]](repeating: [], count: layers)
    var result: [[Float]] = []
    for (pos, token) in tokens.enumerated() {
      var x = Array(embedding[(token * dim)..<((token + 1) * dim)])
      for l in 0..<layers {
        var xb = rmsnorm(x, Array(rmsAtt[(l * dim)..<((l + 1) * dim)]))
        var q = matmul(xb, wq, l * dim * dim, n: dim, d: dim)
        var k = matmul(xb, wk, l * dim * kvDim, n: dim, d: kvDim)
        let v = matmul(xb, wv, l * dim * kvDim, n: dim, d: kvDim)
        for i in stride(from: 0, to: dim, by: 2) {
          let headDim = i % headSize
          let freq = 1 / powf(10000, Float(headDim) / Float(headSize))
          let val = Float(pos) * freq
          let (fcr, fci) = (cosf(val), sinf(val))
          for rotateKey in i < kvDim ? [false, true] : [false] {
            let (a, b) = rotateKey ? (k[i], k[i + 1]) : (q[i], q[i + 1])
            let rotated = (a * fcr - b * fci, a * fci + b * fcr)
            if rotateKey { (k[i], k[i + 1]) = rotated } else { (q[i], q[i + 1]) = rotated }
          }
        }
        keyCache[l].append(k)
        valueCache[l].append(v)
        for h in 0..<heads {
          let kvHead = h / (heads / kvHeads)
          var att = (0...pos).map { t in
            var score: Float = 0
            for i in 0..<headSize {
              score += q[h * headSize + i] * keyCache[l][t][kvHead * headSize + i]
            }
            return score / sqrtf(Float(headSize))
          }
          att = softmax(att)
          for i in 0..<headSize {
            xb[h * headSize + i] = (0...pos).reduce(0) {
              $0 + att[$1] * valueCache[l][$1][kvHead * headSize + i]
            }
          }
        }
        let attentionOut = matmul(xb, wo, l * dim * dim, n: dim, d: dim)
        for i in 0..<dim { x[i] += attentionOut[i] }
        xb = rmsnorm(x, Array(rmsFfn[(l * dim)..<((l + 1) * dim)]))
        var hb = matmul(xb, w1, l * dim * hidden, n: dim, d: hidden)
        let hb2 = matmul(xb, w3, l * dim * hidden, n: dim, d: hidden)
        for i in 0..<hidden { hb[i] = hb[i] * (1 / (1 + expf(-hb[i]))) * hb2[i] }
        let mlpOut = matmul(hb, w2, l * dim * hidden, n: hidden, d: dim)
        for i in 0..<dim { x[i] += mlpOut[i] }
      }
      result.append(matmul(rmsnorm(x, rmsFinal), wcls, 0, n: dim, d: vocab))
    }
    return result
  }

  private func rmsnorm(_ x: [Float], _ weight: [Float]) -> [Float] {
    var ss: Float = 0
    for value in x { ss += value * value }
    ss = 1 / sqrtf(ss / Float(x.count) + 1e-5)
    return zip(x, weight).map { $1 * (ss * $0) }
  }

  /// `W (d,n) @ x (n,) -> (d,)`, `W` starting at `offset` in `w`.
  private func matmul(_ x: [Float], _ w: [Float], _ offset: Int, n: Int, d: Int) -> [Float] {
    (0..<d).map { i in
      var sum: Float = 0
      for j in 0..<n { sum += w[offset + i * n + j] * x[j] }
      return sum
    }
  }

  private func softmax(_ x: [Float]) -> [Float] {
    let maximum = x.max() ?? 0
    let exps = x.map { expf($0 - maximum) }
    let sum = exps.reduce(0, +)
    return exps.map { $0 / sum }
  }
}
