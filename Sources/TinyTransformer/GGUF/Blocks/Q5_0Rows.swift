/// Q5_0: blocks of 32 numbers, 22 bytes each: an f16 scale `d`, a little-endian 32-bit
/// word `qh` of fifth bits, then 16 bytes of nibbles as in Q4_0. Number `j` (< 16) is
/// byte `j`'s low nibble with bit `j` of `qh` above it; number `j + 16` the high nibble
/// with bit `j + 16`; a number is `d × (q − 16)`.
///
/// Dot product order: as Q4_0's (lanes `l` hold `q[l]·x[l] + q[16+l]·x[16+l]`, times
/// `d` into a 16-lane accumulator, lanes summed pairwise at the end).
enum Q5_0Rows {
  static let blockBytes = 22

  static func dequantize(_ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int)
  {
    for b in 0..<(count / 32) {
      let p = row + b &* blockBytes
      let d = BlockLanes.half(p, 0)
      let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
      for j in 0..<16 {
        let byte = UInt32(p.load(fromByteOffset: 6 &+ j, as: UInt8.self))
        let lo = (byte & 0x0F) | ((qh >> UInt32(j)) & 1) << 4
        let hi = (byte >> 4) | ((qh >> UInt32(j + 16)) & 1) << 4
        out[b &* 32 &+ j] = d * Float(Int(lo) - 16)
        out[b &* 32 &+ j &+ 16] = d * Float(Int(hi) - 16)
      }
    }
  }

  static func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    let sixteen = SIMD16<Float>(repeating: 16)
    // Lane l shifts qh right by l.
    let shifts = SIMD16<UInt32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
    for _ in 0..<(count / 32) {
      let d = BlockLanes.half(p, 0)
      let qh = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
      let bytes = BlockLanes.widen(BlockLanes.bytes(p, 6))
      let high0 = ((SIMD16(repeating: qh) &>> shifts) & 1) &<< 4
      let high1 = ((SIMD16(repeating: qh >> 16) &>> shifts) & 1) &<< 4
      let q0 = BlockLanes.floats((bytes & 0x0F) | high0) - sixteen
      let q1 = BlockLanes.floats((bytes &>> 4) | high1) - sixteen
      acc += d * (q0 * BlockLanes.load(x, xi) + q1 * BlockLanes.load(x, xi &+ 16))
      p += blockBytes
      xi &+= 32
    }
    return BlockLanes.sum(acc)
  }
}
