/// A tiny, fast, seeded random number generator (SplitMix64).
///
/// kvtrace's weights and sampling come from this generator and nothing else, so
/// the same seed gives the same bits on every machine: it uses only integer
/// arithmetic, and ``nextUnitFloat()`` converts to `Float` exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  private var state: UInt64

  /// Creates a generator; equal seeds give equal streams.
  public init(seed: UInt64) { state = seed }

  /// The next 64 random bits.
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A float uniformly spread over `[0, 1)`, from the top 24 bits (exact in `Float`).
  public mutating func nextUnitFloat() -> Float {
    Float(next() >> 40) * (1.0 / 16_777_216.0)
  }

  /// A float uniformly spread over `[-1, 1)`.
  public mutating func nextSignedFloat() -> Float {
    nextUnitFloat() * 2 - 1
  }
}
