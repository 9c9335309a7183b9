/// Q8_0: blocks of 32 numbers, 34 bytes each: an f16 scale `d`, then 32 signed bytes
/// `q`; number `i` is `q[i] × d`.
///
/// Dot product order: for each block, lanes `l` of 16 get `q[l]·x[l] + q[16+l]·x[16+l]`;
/// that vector times `d` is added to a 16-lane accumulator, block after block; the
/// lanes are summed pairwise at the end.
enum Q8_0Rows {
  static let blockBytes = 34

  static func dequantize(_ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int)
  {
    for b in 0..<(count / 32) {
      let p = row + b &* blockBytes
      let d = BlockLanes.half(p, 0)
      for i in 0..<32 {
        out[b &* 32 &+ i] = Float(p.load(fromByteOffset: 2 &+ i, as: Int8.self)) * d
      }
    }
  }

  static func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    for _ in 0..<(count / 32) {
      let d = BlockLanes.half(p, 0)
      let q0 = BlockLanes.floats(p.loadUnaligned(fromByteOffset: 2, as: SIMD16<Int8>.self))
      let q1 = BlockLanes.floats(p.loadUnaligned(fromByteOffset: 18, as: SIMD16<Int8>.self))
      acc += d * (q0 * BlockLanes.load(x, xi) + q1 * BlockLanes.load(x, xi &+ 16))
      p += blockBytes
      xi &+= 32
    }
    return BlockLanes.sum(acc)
  }
}
