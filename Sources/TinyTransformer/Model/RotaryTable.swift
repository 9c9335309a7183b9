/// The angles of rotary position embeddings (RoPE), and which elements they rotate.
///
/// Pair `i` of a head turns by `position × θ_i` with `θ_i = base^(−2i / headSize)`; Llama 2
/// and llama2.c use the base 10000, SmolLM2 100000, Llama 3 500000 (a model file says). A
/// position's sines and cosines are computed when it is run (``fill(position:sines:cosines:)``)
/// rather than tabulated for the whole context up front: a model with a context of 8192
/// positions decoding 40 of them needs 40 positions' angles, not 8192.
///
/// Which two elements form pair `i` is a convention of the weights, not of the maths:
/// ``Pairing`` says which. A model's `Wq` and `Wk` rows and its pairing go together; GGUF
/// converters permute the rows so llama.cpp rotates adjacent pairs, while Hugging Face
/// checkpoints keep the rows that rotate halves. kvtrace runs both as stored.
struct RotaryTable: Sendable {
  /// Which elements of a head rotate together.
  enum Pairing: Sendable, Equatable {
    /// `(v[2i], v[2i+1])`: llama2.c, llama.cpp and GGUF files.
    case adjacent
    /// `(v[i], v[i + headSize/2])`: Hugging Face's `rotate_half`.
    case halves
  }

  /// One position's sines and cosines, `[headSize / 2]` each.
  typealias Angles = (sines: UnsafePointer<Float>, cosines: UnsafePointer<Float>)

  let headSize: Int
  let pairing: Pairing
  /// `θ_i` for each pair of a head, `[headSize / 2]`.
  private let frequencies: [Double]

  /// The angles for heads of `headSize`, with RoPE base `base`.
  init(headSize: Int, base: Double = 10000, pairing: Pairing = .adjacent) {
    self.headSize = headSize
    self.pairing = pairing
    // ln 10000 written out: the default models' angles, bit for bit as they always were.
    let logBase = base == 10000 ? 9.210_340_371_976_184 : DeterministicMath.log(base)
    frequencies = (0..<(headSize / 2)).map { pair in
      DeterministicMath.exp(-Double(2 * pair) / Double(headSize) * logBase)
    }
  }

  /// Writes the sine and cosine of every pair's angle at `position` (`[headSize / 2]` each).
  func fill(
    position: Int, sines: UnsafeMutablePointer<Float>, cosines: UnsafeMutablePointer<Float>
  ) {
    for (pair, frequency) in frequencies.enumerated() {
      let (sin, cos) = DeterministicMath.sinCos(Double(position) * frequency)
      sines[pair] = Float(sin)
      cosines[pair] = Float(cos)
    }
  }

  /// The first and second element of pair `pair` within a head.
  @inline(__always)
  func elements(ofPair pair: Int) -> (Int, Int) {
    pairing == .adjacent ? (2 * pair, 2 * pair + 1) : (pair, pair + headSize / 2)
  }
}
