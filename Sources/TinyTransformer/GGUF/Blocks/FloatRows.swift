/// Rows stored as plain numbers: F32, F16 (IEEE half) and BF16 (a float's top 16 bits).
///
/// Their dot products keep sixteen lanes: element `i` is added into lane `i % 16`, in
/// order, and the lanes are summed pairwise at the end (F32 uses the model's own
/// ``Kernels/dot(_:_:n:)``). Rows of these formats are a multiple of 16 long in the
/// models kvtrace reads; a shorter tail is added one number at a time after the lanes.
enum FloatRows {
  static func dequantizeF16(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { out[i] = BlockLanes.half(row, 2 &* i) }
  }

  static func dequantizeBF16(
    _ row: UnsafeRawPointer, into out: UnsafeMutablePointer<Float>, count: Int
  ) {
    for i in 0..<count { out[i] = bf16(row, i) }
  }

  @inline(__always)
  static func bf16(_ row: UnsafeRawPointer, _ i: Int) -> Float {
    let bits = UInt16(littleEndian: row.loadUnaligned(fromByteOffset: 2 &* i, as: UInt16.self))
    return Float(bitPattern: UInt32(bits) << 16)
  }

  static func dotF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= count {
      var w = SIMD16<Float>()
      for lane in 0..<16 { w[lane] = BlockLanes.half(row, 2 &* (i &+ lane)) }
      acc += w * BlockLanes.load(x, i)
      i &+= 16
    }
    var sum = BlockLanes.sum(acc)
    while i < count {
      sum += BlockLanes.half(row, 2 &* i) * x[i]
      i &+= 1
    }
    return sum
  }

  static func dotBF16(_ row: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD16<Float>()
    var i = 0
    while i &+ 16 <= count {
      let halves = row.loadUnaligned(fromByteOffset: 2 &* i, as: SIMD16<UInt16>.self)
      // Lane by lane: inlined, where init(truncatingIfNeeded:) stays a call.
      var bits = SIMD16<UInt32>()
      for lane in 0..<16 { bits[lane] = UInt32(halves[lane]) &<< 16 }
      acc += unsafeBitCast(bits, to: SIMD16<Float>.self) * BlockLanes.load(x, i)
      i &+= 16
    }
    var sum = BlockLanes.sum(acc)
    while i < count {
      sum += bf16(row, i) * x[i]
      i &+= 1
    }
    return sum
  }
}
