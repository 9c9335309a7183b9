/// Q6_K: super-blocks of 256 numbers, 210 bytes each: 128 bytes `ql` of low nibbles,
/// 64 bytes `qh` of 2-bit high parts, 16 signed 8-bit scales, then an f16 `d`. A number
/// is `d·scale × (q − 32)` with `q` six bits; each run of 16 numbers shares a scale.
///
/// The block is two halves of 128 numbers. In half `h`, number `r` (0 ..< 128) takes
/// its low nibble from `ql[64h + r % 64]` (low nibble for `r < 64`, high otherwise) and
/// its top two bits from bits `2·(r / 32)` of `qh[32h + r % 32]`; its scale is
/// `scales[8h + r / 16]`.
///
/// Dot product order: per run of 16 numbers, `q·x` lane by lane times `d·scale` is added
/// to a 16-lane accumulator, run after run; lanes summed pairwise at the end.
enum Q6_KRows {
  static let blockBytes = 210

  static func dequantize(_ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int)
  {
    for b in 0..<(count / 256) {
      let p = row + b &* blockBytes
      let d = BlockLanes.half(p, 208)
      for e in 0..<256 {
        let (h, r) = (e / 128, e % 128)
        let lowByte = p.load(fromByteOffset: 64 &* h &+ r % 64, as: UInt8.self)
        let highByte = p.load(fromByteOffset: 128 &+ 32 &* h &+ r % 32, as: UInt8.self)
        let low = (lowByte >> (r < 64 ? 0 : 4)) & 0x0F
        let high = (highByte >> UInt8(2 &* (r / 32))) & 3
        let scale = p.load(fromByteOffset: 192 &+ e / 16, as: Int8.self)
        out[b &* 256 &+ e] = (d * Float(scale)) * Float(Int(low | high << 4) - 32)
      }
    }
  }

  static func dot(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var p = row
    var xi = 0
    for _ in 0..<(count / 256) {
      let d = BlockLanes.half(p, 208)
      for h in 0..<2 {
        for half in 0..<2 {
          let ql0 = BlockLanes.bytes(p, 64 &* h &+ 16 &* half)
          let ql1 = BlockLanes.bytes(p, 64 &* h &+ 32 &+ 16 &* half)
          let qh = BlockLanes.bytes(p, 128 &+ 32 &* h &+ 16 &* half)
          let base = xi &+ 128 &* h &+ 16 &* half
          let scales = p + (192 &+ 8 &* h &+ half)
          run(&acc, d, scales, 0, ql0 & 0x0F, qh, x, base)
          run(&acc, d, scales, 1, ql1 & 0x0F, qh, x, base)
          run(&acc, d, scales, 2, ql0 &>> 4, qh, x, base)
          run(&acc, d, scales, 3, ql1 &>> 4, qh, x, base)
        }
      }
      p += blockBytes
      xi &+= 256
    }
    return BlockLanes.sum(acc)
  }

  /// Adds run `k` (numbers `32k + 16·half ..< +16` of a half) to the accumulator.
  @inline(__always)
  static func run(
    _ acc: inout SIMD16<Float>, _ d: Float, _ scales: UnsafeRawPointer, _ k: Int,
    _ low: SIMD16<UInt8>, _ qh: SIMD16<UInt8>, _ x: UnsafePointer<Float>, _ base: Int
  ) {
    let q = low | (((qh &>> UInt8(2 &* k)) & 3) &<< 4)
    let scale = Float(scales.load(fromByteOffset: 2 &* k, as: Int8.self))
    let centered = BlockLanes.floats(q) - SIMD16<Float>(repeating: 32)
    acc += (d * scale) * (centered * BlockLanes.load(x, base &+ 32 &* k))
  }
}
