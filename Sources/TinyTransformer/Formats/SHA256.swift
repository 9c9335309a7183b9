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
  /// The 64 round constants, from the one table the C instructions' kernel also reads.
  private static let k: [UInt32] = withUnsafeBytes(of: fk_sha256_round_constants) {
    Array($0.bindMemory(to: UInt32.self))
  }

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
