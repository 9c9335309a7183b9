/// Precomputed sines and cosines for rotary position embeddings.
///
/// `θ_i = 10000^(-2i / headSize)` for pair `i` of a head, as in Llama.
struct RotaryTable: Sendable {
  let headSize: Int
  private let sines: [Float]  // [contextLength, headSize / 2]
  private let cosines: [Float]  // [contextLength, headSize / 2]

  init(headSize: Int, contextLength: Int) {
    self.headSize = headSize
    let pairs = headSize / 2
    var sines = [Float](repeating: 0, count: contextLength * pairs)
    var cosines = sines
    for position in 0..<contextLength {
      for pair in 0..<pairs {
        let exponent = -Double(2 * pair) / Double(headSize) * 9.210_340_371_976_184  // ln 10000
        let angle = Double(position) * DeterministicMath.exp(exponent)
        let (sin, cos) = DeterministicMath.sinCos(angle)
        sines[position * pairs + pair] = Float(sin)
        cosines[position * pairs + pair] = Float(cos)
      }
    }
    self.sines = sines
    self.cosines = cosines
  }

  func sinCos(position: Int, pair: Int) -> (Float, Float) {
    let index = position * (headSize / 2) + pair
    return (sines[index], cosines[index])
  }
}
