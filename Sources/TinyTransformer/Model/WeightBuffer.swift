import Foundation

/// The memory behind a model's weights: floats this process drew, or a checkpoint's bytes.
///
/// A random model's floats live in memory the buffer allocates, fills once and frees when
/// the last model holding it goes away; their address never moves. A checkpoint's floats
/// are the file's own bytes, a `Data` the command line maps into memory, so the weights are
/// never copied: the operating system reads a mapped page from disk the first time the model
/// touches it. Raw pointers into a `Data` are valid only inside `withUnsafeBytes`, so the
/// floats are handed out by ``withFloats(_:)`` for the length of one computation.
///
/// This is the one place that knows how weights are stored; a buffer of quantized blocks
/// (Q8_0, Q4_1) would be a third kind of storage here, read by the products.
final class WeightBuffer: @unchecked Sendable {
  // A class: it owns memory that must be freed exactly once. @unchecked: the floats are
  // written in init and only read afterwards.

  private enum Storage {
    /// Floats allocated (see ``WeightMemory``) and filled here.
    case owned(UnsafeMutablePointer<Float>)
    /// Little-endian `Float32`s from byte `start` of a `Data` on.
    case borrowed(Data, start: Int)
    /// The floats at `floats`, inside a `Data` of ``WeightMemory`` that this buffer keeps
    /// alive: a checkpoint the command line read straight into weight memory.
    case held(Data, floats: UnsafePointer<Float>)
  }

  private let storage: Storage

  /// Allocates `count` floats and lets `fill` write every one of them.
  init(count: Int, fill: (UnsafeMutablePointer<Float>) -> Void) {
    let floats = WeightMemory.allocate(bytes: 4 * max(count, 1))
      .bindMemory(to: Float.self, capacity: max(count, 1))
    floats.initialize(repeating: 0, count: max(count, 1))
    fill(floats)
    storage = .owned(floats)
  }

  /// Reads the floats in place from `data`, starting `start` bytes in.
  ///
  /// If the floats are not 4-byte aligned in memory (a `Data` slice at an odd offset; a
  /// mapped file never is), they are copied once into fresh, aligned memory.
  ///
  /// Where the system offers huge pages (``WeightMemory``), a large checkpoint's floats are
  /// copied once into memory backed by them instead: decoding then reads them faster.
  init(data: Data, start: Int) {
    let bytes = max(data.count - start, 0)
    let inWeightMemory = data.withUnsafeBytes { raw -> UnsafePointer<Float>? in
      guard let base = raw.baseAddress, bytes > 0, Int(bitPattern: base + start) % 4 == 0,
        WeightMemory.holds(base + start, bytes: bytes)
      else { return nil }
      return (base + start).assumingMemoryBound(to: Float.self)
    }
    if let floats = inWeightMemory {
      storage = .held(data, floats: floats)
      return
    }
    if WeightMemory.advises(bytes) {
      let memory = WeightMemory.allocate(bytes: bytes)
      data.withUnsafeBytes { raw in
        if let base = raw.baseAddress { memory.copyMemory(from: base + start, byteCount: bytes) }
      }
      storage = .owned(memory.bindMemory(to: Float.self, capacity: bytes / 4))
      return
    }
    let aligned = data.withUnsafeBytes { raw in
      raw.baseAddress.map { Int(bitPattern: $0 + start) % 4 == 0 } ?? true
    }
    storage = .borrowed(aligned ? data : data.withUnsafeBytes { Data($0) }, start: start)
  }

  deinit {
    if case .owned(let floats) = storage { UnsafeMutableRawPointer(floats).deallocate() }
  }

  /// Runs `body` with a pointer to the first float; the pointer must not escape `body`.
  func withFloats<Result>(_ body: (UnsafePointer<Float>) -> Result) -> Result {
    switch storage {
    case .owned(let floats):
      return body(floats)
    case .held(_, let floats):
      return body(floats)
    case .borrowed(let data, let start):
      return data.withUnsafeBytes { raw in
        // A layout holds at least one float (every dimension is positive), so the bytes are
        // never empty and have a base address.
        body((raw.baseAddress! + start).assumingMemoryBound(to: Float.self))
      }
    }
  }

  /// The first float, when the buffer owns its floats: the address then stays valid for as
  /// long as the buffer lives. `nil` for a `Data`'s bytes.
  var stableFloats: UnsafePointer<Float>? {
    switch storage {
    case .owned(let floats): UnsafePointer(floats)
    case .held(_, let floats): floats
    case .borrowed: nil
    }
  }
}
