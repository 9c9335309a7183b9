import Foundation
import Synchronization

/// Memory for large weight buffers, backed by huge pages where the system offers them.
///
/// Decoding streams every weight from memory once per token. With the usual 4 KB pages a
/// 15M model is fifteen thousand pages, and each new page costs the processor a walk of
/// the page tables; 2 MB pages cut that to thirty, and on this project's machines one core
/// then reads the weights about a fifth faster. Asking for huge pages is an operating-system
/// call (`madvise(MADV_HUGEPAGE)` on Linux), and only the command-line target calls the
/// operating system; so the library takes the call as a function, and without one keeps
/// ordinary pages (and a checkpoint's mapped file, uncopied). The weights' bits are the same
/// either way: only where they sit changes.
public enum WeightMemory {
  /// The installed function, boxed so it crosses the lock as is.
  private final class Advice: Sendable {
    let call: @Sendable (UnsafeMutableRawPointer, Int) -> Void
    init(_ call: @escaping @Sendable (UnsafeMutableRawPointer, Int) -> Void) { self.call = call }
  }

  private static let installed = Mutex<Advice?>(nil)

  /// The size and alignment of a huge page: 2 MB on x86-64 and arm64 Linux.
  static let hugePageBytes = 2 << 20

  /// Installs the function that asks for huge pages behind `bytes` bytes at a 2 MB-aligned
  /// address, e.g. `{ _ = madvise($0, $1, MADV_HUGEPAGE) }`; call it once, before loading.
  ///
  /// - Parameter adviseHugePages: Called on fresh memory, before any of it is touched.
  public static func install(
    adviseHugePages: @escaping @Sendable (UnsafeMutableRawPointer, Int) -> Void
  ) {
    let box = Advice(adviseHugePages)
    installed.withLock { $0 = box }
  }

  /// Whether a function is installed and `bytes` is worth huge pages (at least two).
  static func advises(_ bytes: Int) -> Bool {
    bytes >= 2 * hugePageBytes && installed.withLock { $0 } != nil
  }

  /// Fresh memory for `bytes` bytes: 2 MB-aligned and advised when ``advises(_:)``, else
  /// ordinary. Free it with `deallocate()`.
  static func allocate(bytes: Int) -> UnsafeMutableRawPointer {
    guard advises(bytes), let advice = installed.withLock({ $0 }) else {
      return UnsafeMutableRawPointer.allocate(
        byteCount: max(bytes, 4), alignment: AlignedFloats.alignment)
    }
    let rounded = (bytes + hugePageBytes - 1) / hugePageBytes * hugePageBytes
    let memory = UnsafeMutableRawPointer.allocate(byteCount: rounded, alignment: hugePageBytes)
    advice.call(memory, rounded)
    return memory
  }

  /// The address ranges of the blocks ``data(count:alignedAt:fill:)`` handed out and that
  /// are still alive, so that a checkpoint read into one is used where it is, not copied.
  private static let dataBlocks = Mutex<[Range<Int>]>([])

  /// A `Data` of `count` bytes in weight memory (huge pages where the system offers them), whose
  /// byte `offset` sits on a 64-byte boundary, filled by `fill`.
  ///
  /// The command line reads a checkpoint straight into it: the weights then need no second
  /// copy, and with `offset` at the header's length they start on a cache line. A model
  /// built from this `Data` reads its floats where they are, without copying them.
  ///
  /// - Parameters:
  ///   - count: How many bytes.
  ///   - offset: Which byte must be 64-byte aligned.
  ///   - fill: Writes the bytes; what it throws is rethrown and the memory freed.
  public static func data(
    count: Int, alignedAt offset: Int, fill: (UnsafeMutableRawBufferPointer) throws -> Void
  ) rethrows -> Data {
    let line = AlignedFloats.alignment
    let block = allocate(bytes: count + line)
    let shift = (line - offset % line) % line
    let bytes = UnsafeMutableRawBufferPointer(start: block + shift, count: count)
    do {
      try fill(bytes)
    } catch {
      block.deallocate()
      throw error
    }
    let start = Int(bitPattern: block + shift)
    let blockAddress = Int(bitPattern: block)
    dataBlocks.withLock { $0.append(start..<(start + count)) }
    return Data(
      bytesNoCopy: block + shift, count: count,
      deallocator: .custom { _, _ in
        dataBlocks.withLock { blocks in
          blocks.removeAll { $0.lowerBound == start }
        }
        UnsafeMutableRawPointer(bitPattern: blockAddress)?.deallocate()
      })
  }

  /// Whether the `bytes` bytes from `address` on lie in one live block of
  /// ``data(count:alignedAt:fill:)``.
  static func holds(_ address: UnsafeRawPointer, bytes: Int) -> Bool {
    let start = Int(bitPattern: address)
    return dataBlocks.withLock { blocks in
      blocks.contains { $0.lowerBound <= start && start + bytes <= $0.upperBound }
    }
  }
}
