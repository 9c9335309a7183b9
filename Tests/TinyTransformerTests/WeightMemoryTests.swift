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
}
