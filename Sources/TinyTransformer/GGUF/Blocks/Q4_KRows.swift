/// Q4_K: super-blocks of 256 numbers, 144 bytes each: an f16 scale `d`, an f16 `dmin`,
/// 12 bytes packing eight 6-bit scales and eight 6-bit minimums, then 128 bytes of
/// nibbles. The 256 numbers are eight sub-blocks of 32; sub-block `s` has scale
/// `d × sc[s]` and minimum `dmin × m[s]`, and a number is `d·sc × q − dmin·m`.
/// Bytes `32c ..< 32c + 32` of the nibbles hold sub-block `2c` in their low nibbles and
/// sub-block `2c + 1` in their high nibbles.
///
/// Dot product order: per sub-block, lanes `l` of 16 hold `q[l]·x[l] + q[16+l]·x[16+l]`
/// and `x[l] + x[16+l]`; `d·sc` times the first minus `dmin·m` times the second is added
/// to a 16-lane accumulator, sub-block after sub-block; lanes summed pairwise at the end.
enum Q4_KRows {
  static let blockBytes = 144

  /// Sub-block `s`'s 6-bit scale and minimum from the 12 packed bytes at `p`.
  ///
  /// Bytes 0–3 hold scales 0–3 in their low six bits, bytes 4–7 minimums 0–3; scales
  /// and minimums 4–7 take their low four bits from bytes 8–11 (scale low nibble,
  /// minimum high nibble) and their top two bits from the top bits of bytes 0–3 (scale)
  /// and 4–7 (minimum).
  @inline(__always)
  static func scaleMin(_ p: UnsafeRawPointer, _ s: Int) -> (scale: UInt8, min: UInt8) {
    func byte(_ i: Int) -> UInt8 { p.load(fromByteOffset: i, as: UInt8.self) }
    if s < 4 { return (byte(s) & 63, byte(s &+ 4) & 63) }
    let packed = byte(s &+ 4)
    let scale = (packed & 0x0F) | ((byte(s &- 4) >> 6) << 4)
    let min = (packed >> 4) | ((byte(s) >> 6) << 4)
    return (scale, min)
  }

  static func dequantize(_ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int)
  {
    for b in 0..<(count / 256) {
      let p = row + b &* blockBytes
      let d = BlockLanes.half(p, 0)
      let dmin = BlockLanes.half(p, 2)
      for s in 0..<8 {
        let (sc, m) = scaleMin(p + 4, s)
        let scale = d * Float(sc)
        let minimum = dmin * Float(m)
        let shift: UInt8 = s % 2 == 0 ? 0 : 4
        for l in 0..<32 {
          let byte = p.load(fromByteOffset: 16 &+ (s / 2) &* 32 &+ l, as: UInt8.self)
          let q = (byte >> shift) & 0x0F
          out[b &* 256 &+ s &* 32 &+ l] = scale * Float(q) - minimum
        }
      }
    }
  }

  static func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    for _ in 0..<(count / 256) {
      let d = BlockLanes.half(p, 0)
      let dmin = BlockLanes.half(p, 2)
      for c in 0..<4 {
        let b0 = BlockLanes.bytes(p, 16 &+ c &* 32)
        let b1 = BlockLanes.bytes(p, 32 &+ c &* 32)
        let x0 = BlockLanes.load(x, xi)
        let x1 = BlockLanes.load(x, xi &+ 16)
        let x2 = BlockLanes.load(x, xi &+ 32)
        let x3 = BlockLanes.load(x, xi &+ 48)
        let (sc0, m0) = scaleMin(p + 4, 2 &* c)
        let (sc1, m1) = scaleMin(p + 4, 2 &* c &+ 1)
        let qxLow = BlockLanes.floats(b0 & 0x0F) * x0 + BlockLanes.floats(b1 & 0x0F) * x1
        let qxHigh = BlockLanes.floats(b0 &>> 4) * x2 + BlockLanes.floats(b1 &>> 4) * x3
        acc += (d * Float(sc0)) * qxLow - (dmin * Float(m0)) * (x0 + x1)
        acc += (d * Float(sc1)) * qxHigh - (dmin * Float(m1)) * (x2 + x3)
        xi &+= 64
      }
      p += blockBytes
    }
    return BlockLanes.sum(acc)
  }
}
