// custom-recorder: a TraceRecorder of your own, for your own experiments.
//
// The model hands every event to a recorder as it computes. This one keeps no
// events at all: it only counts them, and counts the K/V rows computed fresh and
// read back from the cache. What it sees is an activation record of the run; the
// KV cache itself lives inside the model and is what the model reads back.

import Foundation
import KVTrace
import TinyTransformer

/// Counts events by kind, and K/V rows by where they came from.
struct EventCounter: TraceRecorder {
  var detail: TraceDetail { .full }
  var counts: [String: Int] = [:]
  var freshRows = 0
  var reusedRows = 0

  mutating func begin(_ header: TraceHeader) {
    print("begin: prompt \"\(header.prompt)\", cache \(header.policy.name)")
  }

  mutating func record(_ event: TraceEvent) {
    switch event {
    case .stepBegan: counts["stepBegan", default: 0] += 1
    case .rows(let rows):
      counts["rows", default: 0] += 1
      freshRows += rows.fresh.count
      reusedRows += rows.reused.count
    case .attention: counts["attention", default: 0] += 1
    case .token: counts["token", default: 0] += 1
    case .counters: counts["counters", default: 0] += 1
    case .blocks: counts["blocks", default: 0] += 1  // only with --cache paged:B
    case .quantization: counts["quantization", default: 0] += 1  // only with --cache int8
    }
  }
}

let model: TinyTransformer
do {
  model = try TinyTransformer.trainedDefault()
} catch {
  FileHandle.standardError.write(Data("custom-recorder: \(error)\n".utf8))
  exit(66)
}
for policy in ["none", "full"] {
  var counter = EventCounter()
  guard let cache = CachePolicies.named(policy) else { fatalError("no policy \(policy)") }
  _ = try model.generate(
    prompt: "The quick brown fox jumps over the lazy dog.", steps: 6, policy: cache,
    recorder: &counter)
  // Sorted, so the output is the same on every run (dictionary order is not).
  for (kind, count) in counter.counts.sorted(by: { $0.key < $1.key }) {
    print("  \(kind): \(count)")
  }
  print("  K/V rows: \(counter.freshRows) fresh, \(counter.reusedRows) reused")
}
