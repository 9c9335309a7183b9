/// Q4_0 and Q4_1: blocks of 32 numbers stored as 4-bit integers, two per byte.
///
/// Q4_0 (18 bytes): an f16 scale `d`, then 16 bytes; byte `j`'s low nibble is number
/// `j`, its high nibble number `j + 16`; a number is `d × (nibble − 8)`.
/// Q4_1 (20 bytes): `d`, an f16 minimum `m`, then the 16 bytes the same way; a number
/// is `d × nibble + m`.
///
/// Dot product order: per block, lanes `l` of 16 hold `lo[l]·x[l] + hi[l]·x[16+l]`
/// (for Q4_1 also `x[l] + x[16+l]`, the block's share of `m`); the block's vectors,
/// scaled, are added to a 16-lane accumulator (Q4_1: `d·qx + m·sx`); lanes summed
/// pairwise at the end.
enum Q4Rows {
  static func dequantize0(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    for b in 0..<(count / 32) {
      let p = row + b &* 18
      let d = BlockLanes.half(p, 0)
      for j in 0..<16 {
        let byte = p.load(fromByteOffset: 2 &+ j, as: UInt8.self)
        out[b &* 32 &+ j] = d * Float(Int(byte & 0x0F) - 8)
        out[b &* 32 &+ j &+ 16] = d * Float(Int(byte >> 4) - 8)
      }
    }
  }

  static func dequantize1(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    for b in 0..<(count / 32) {
      let p = row + b &* 20
      let d = BlockLanes.half(p, 0)
      let m = BlockLanes.half(p, 2)
      for j in 0..<16 {
        let byte = p.load(fromByteOffset: 4 &+ j, as: UInt8.self)
        out[b &* 32 &+ j] = d * Float(byte & 0x0F) + m
        out[b &* 32 &+ j &+ 16] = d * Float(byte >> 4) + m
      }
    }
  }

  static func dot0(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    let eight = SIMD16<Float>(repeating: 8)
    for _ in 0..<(count / 32) {
      let d = BlockLanes.half(p, 0)
      let bytes = BlockLanes.bytes(p, 2)
      let lo = BlockLanes.floats(bytes & 0x0F) - eight
      let hi = BlockLanes.floats(bytes &>> 4) - eight
      acc += d * (lo * BlockLanes.load(x, xi) + hi * BlockLanes.load(x, xi &+ 16))
      p += 18
      xi &+= 32
    }
    return BlockLanes.sum(acc)
  }

  static func dot1(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    for _ in 0..<(count / 32) {
      let d = BlockLanes.half(p, 0)
      let m = BlockLanes.half(p, 2)
      let bytes = BlockLanes.bytes(p, 4)
      let x0 = BlockLanes.load(x, xi)
      let x1 = BlockLanes.load(x, xi &+ 16)
      let qx = BlockLanes.floats(bytes & 0x0F) * x0 + BlockLanes.floats(bytes &>> 4) * x1
      acc += d * qx + m * (x0 + x1)
      p += 20
      xi &+= 32
    }
    return BlockLanes.sum(acc)
  }
}
