// SHA-256 (FIPS 180-4), written out because kvtrace takes no package dependency: a trace
// header names the checkpoint and tokenizer files it ran by their digests.

import FastKernelsC
import Foundation

/// The SHA-256 digest of a file's bytes, as `sha256sum` prints it.
///
/// A trace records which weights made it: a file name can be reused, a digest cannot. The
/// bytes are hashed in place, 64 at a time, without a copy of the file; only the last,
/// padded block is built separately.
///
/// ```swift
/// let digest = SHA256.hex(try Data(contentsOf: url))  // "9cd5441a…", 64 hex digits
/// ```
public enum SHA256 {
  private static let k: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4,
    0xab1c_5ed5, 0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe,
    0x9bdc_06a7, 0xc19b_f174, 0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f,
    0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da, 0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7,
    0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967, 0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc,
    0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85, 0xa2bf_e8a1, 0xa81a_664b,
    0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070, 0x19a4_c116,
    0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7,
    0xc671_78f2,
  ]

  /// The digest of `data` as 64 lowercase hex digits.
  ///
  /// - Parameter data: The bytes to hash, e.g. a whole checkpoint file.
  /// - Returns: The digest, as `sha256sum` prints it.
  public static func hex(_ data: Data) -> String { hex(data, instructions: hasInstructions) }

  /// ``hex(_:)``, with the processor's SHA instructions or (`instructions: false`) without.
  static func hex(_ data: Data, instructions: Bool) -> String {
    var h: [UInt32] = [
      0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab,
      0x5be0_cd19,
    ]
    let whole = data.count / 64 * 64
    var tail = [UInt8](data[(data.startIndex + whole)...]) + [0x80]  // the last, padded blocks
    while tail.count % 64 != 56 { tail.append(0) }
    tail += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(data.count * 8) >> ($0 * 8)) }
    // One schedule buffer for every block, and the constants read without bounds checks:
    // a checkpoint is a million blocks, hashed before the first token.
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      k.withUnsafeBufferPointer { k in
        h.withUnsafeMutableBufferPointer { h in
          data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            #if arch(x86_64)
              if instructions, whole > 0, let base = bytes.baseAddress, let state = h.baseAddress {
                // The processor's SHA instructions: the same digest, several times faster.
                fk_sha256_blocks(state, base.assumingMemoryBound(to: UInt8.self), whole / 64)
                return
              }
            #endif
            for start in stride(from: 0, to: whole, by: 64) {  // every whole block, in place
              compress(h, UnsafeRawBufferPointer(rebasing: bytes[start..<(start + 64)]), w, k)
            }
          }
          tail.withUnsafeBytes { bytes in
            for start in stride(from: 0, to: bytes.count, by: 64) {
              compress(h, UnsafeRawBufferPointer(rebasing: bytes[start..<(start + 64)]), w, k)
            }
          }
        }
      }
    }
    return h.map { String(format: "%08x", $0) }.joined()
  }

  /// Whether the processor has SHA instructions (x86-64's SHA extensions), asked once.
  static let hasInstructions = fk_has_sha() == 1

  /// Folds one 64-byte block into the state `h`, with `w` (64 words) as the schedule.
  @inline(__always)
  private static func compress(
    _ h: UnsafeMutableBufferPointer<UInt32>, _ block: UnsafeRawBufferPointer,
    _ w: UnsafeMutableBufferPointer<UInt32>, _ k: UnsafeBufferPointer<UInt32>
  ) {
    func rotate(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
    for i in 0..<16 {  // big-endian words
      w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))
    }
    for i in 16..<64 {
      let s0 = rotate(w[i - 15], 7) ^ rotate(w[i - 15], 18) ^ (w[i - 15] >> 3)
      let s1 = rotate(w[i - 2], 17) ^ rotate(w[i - 2], 19) ^ (w[i - 2] >> 10)
      w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
    }
    var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
    for i in 0..<64 {
      let s1 = rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)
      let t1 = hh &+ s1 &+ ((e & f) ^ (~e & g)) &+ k[i] &+ w[i]
      let s0 = rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)
      let t2 = s0 &+ ((a & b) ^ (a & c) ^ (b & c))
      (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
    }
    h[0] &+= a
    h[1] &+= b
    h[2] &+= c
    h[3] &+= d
    h[4] &+= e
    h[5] &+= f
    h[6] &+= g
    h[7] &+= hh
  }
}
