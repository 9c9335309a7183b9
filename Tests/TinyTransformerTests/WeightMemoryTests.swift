import Foundation
import KVTrace
import Synchronization
import Testing

@testable import TinyTransformer

/// Huge pages for the weights (the command line installs `madvise`): a large checkpoint is
/// copied once into 2 MB-aligned memory handed to the installed function, and decodes the
/// very bits it decodes read in place from the file's bytes.
@Suite(.tags(.unit)) struct WeightMemoryTests {
  @Test func aLargeCheckpointCopiedIntoAdvisedMemoryDecodesTheSameBits() throws {
    let shape = FixtureShape(
      dim: 128, hidden: 2048, layers: 2, heads: 4, kvHeads: 2, vocab: 259, seq: 16, shared: true)
    let data = checkpointData(shape, seed: 11)
    #expect(data.count > 4 * WeightMemory.hugePageBytes / 2)
    let inPlace = try fixtureModel(shape, data: data)  // before any function is installed…
    let calls = Mutex<[(Int, Int)]>([])
    WeightMemory.install { memory, bytes in  // …or with one that only records its calls
      calls.withLock { $0.append((Int(bitPattern: memory), bytes)) }
    }
    let copied = try fixtureModel(shape, data: data)
    let advised = calls.withLock { $0 }
    #expect(!advised.isEmpty)
    for (address, bytes) in advised {
      #expect(address % WeightMemory.hugePageBytes == 0)
      #expect(bytes % WeightMemory.hugePageBytes == 0)
    }
    let prompt = [1, 5, 9, 2]
    var off = NoRecorder()
    let a = try inPlace.generate(
      promptTokens: prompt, steps: 4, collectLogits: true, recorder: &off)
    let b = try copied.generate(promptTokens: prompt, steps: 4, collectLogits: true, recorder: &off)
    #expect(a.logits.map { $0.map(\.bitPattern) } == b.logits.map { $0.map(\.bitPattern) })
    #expect(a.tokens == b.tokens)
  }

  @Test func aCheckpointReadIntoWeightMemoryIsUsedWhereItIsAndDecodesTheSameBits() throws {
    let shape = FixtureShape(
      dim: 64, hidden: 160, layers: 2, heads: 4, kvHeads: 2, vocab: 259, seq: 16, shared: false)
    let file = checkpointData(shape, seed: 12)
    let header = Checkpoint.headerByteCount
    let read = WeightMemory.data(count: file.count, alignedAt: header) { bytes in
      file.copyBytes(to: bytes)
    }
    #expect(read == file)
    let weightsStart = read.withUnsafeBytes { Int(bitPattern: $0.baseAddress! + header) }
    #expect(weightsStart % 64 == 0)
    #expect(read.withUnsafeBytes { WeightMemory.holds($0.baseAddress!, bytes: file.count) })
    #expect(!read.withUnsafeBytes { WeightMemory.holds($0.baseAddress!, bytes: file.count + 1) })
    #expect(!file.withUnsafeBytes { WeightMemory.holds($0.baseAddress!, bytes: 4) })

    let held = WeightBuffer(data: read, start: header)
    #expect(held.stableFloats.map { Int(bitPattern: $0) } == weightsStart)  // not copied
    let copied = WeightBuffer(data: file, start: header)
    #expect(copied.withFloats { Int(bitPattern: $0) } != weightsStart)

    let prompt = [1, 5, 9, 2]
    var off = NoRecorder()
    let a = try fixtureModel(shape, data: file).generate(
      promptTokens: prompt, steps: 4, collectLogits: true, recorder: &off)
    let b = try fixtureModel(shape, data: read).generate(
      promptTokens: prompt, steps: 4, collectLogits: true, recorder: &off)
    #expect(a.logits.map { $0.map(\.bitPattern) } == b.logits.map { $0.map(\.bitPattern) })
  }

  @Test func aFailedFillFreesTheBlockAndRethrows() {
    struct Short: Error {}
    #expect(throws: Short.self) {
      _ = try WeightMemory.data(count: 100, alignedAt: 28) { _ in throw Short() }
    }
  }

  @Test func aFreedBlockIsNoLongerHeld() {
    var address = 0
    do {
      let data = WeightMemory.data(count: 256, alignedAt: 0) {
        $0.initializeMemory(as: UInt8.self, repeating: 7)
      }
      address = data.withUnsafeBytes { Int(bitPattern: $0.baseAddress!) }
      #expect(WeightMemory.holds(UnsafeRawPointer(bitPattern: address)!, bytes: 256))
    }
    #expect(!WeightMemory.holds(UnsafeRawPointer(bitPattern: address)!, bytes: 256))
  }
}
