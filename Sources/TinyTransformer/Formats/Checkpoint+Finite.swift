import Foundation

extension Checkpoint {
  /// llama2.c's names of the tensors, in storage order (`wcls` only when not shared).
  static let tensorNames = [
    "token_embedding_table", "rms_att_weight", "wq", "wk", "wv", "wo", "rms_ffn_weight", "w1",
    "w2", "w3", "rms_final_weight", "freq_cis_real", "freq_cis_imag", "wcls",
  ]

  /// Refuses a checkpoint with a NaN or infinite weight in a tensor the model reads.
  ///
  /// One such weight turns every logit into NaN, so the run would print `p nan` and export a
  /// trace no reader accepts. The scan runs once, at load, over each tensor's bit patterns: a
  /// `Float` is not finite exactly when its exponent bits are all ones, that is when its bits
  /// without the sign exceed the largest finite float's. The unused RoPE tables are skipped.
  ///
  /// - Throws: ``CheckpointError/nonFiniteWeight(tensor:index:)`` naming the first such weight.
  static func checkFinite(_ data: Data, layout: WeightLayout) throws(CheckpointError) {
    let roles = layout.parts.flatMap(\.roles)
    var start = headerByteCount / MemoryLayout<Float>.size
    var found: (tensor: String, index: Int)?
    data.withUnsafeBytes { raw in
      for (role, name) in zip(roles, tensorNames) {
        let count = role.count(layout.config)
        defer { start += count }
        guard role != .rotaryTable else { continue }
        if let index = firstNonFinite(raw, from: start, count: count) {
          found = (name, index)
          return
        }
      }
    }
    if let found { throw .nonFiniteWeight(tensor: found.tensor, index: found.index) }
  }

  /// The index (from `start`) of the first non-finite float among `count`, if any.
  private static func firstNonFinite(_ raw: UnsafeRawBufferPointer, from start: Int, count: Int)
    -> Int?
  {
    let largestFinite = Float.greatestFiniteMagnitude.bitPattern
    guard let base = raw.baseAddress,
      !Kernels.allFinite(base + 4 * start, count: count)
    else { return nil }
    return (0..<count).first {
      raw.loadUnaligned(fromByteOffset: 4 * (start + $0), as: UInt32.self) & 0x7FFF_FFFF
        > largestFinite
    }
  }
}
