// cache-policies: every cache policy against the no-cache oracle, and what it costs.
//
// For each policy, by its `--cache` name, decode the pangram with it and without a
// cache, and report: does it give the same tokens (exact policies must; an
// approximate one may part at some step), how many K/V rows it computed, its FLOPs,
// and the bytes of keys and values it holds at the end. Then the same for
// grouped-query attention: fewer KV heads, a smaller cache.

import Foundation
import KVTrace
import TinyTransformer

let prompt = "The quick brown fox jumps over the lazy dog."

func report(_ model: TinyTransformer, _ policy: some CachePolicy, label: String) throws {
  let tokens = model.tokenizer.encode(prompt)
  let check = try Oracle.check(
    model: model, promptTokens: tokens, promptText: prompt, steps: 20, policy: policy)
  let counters = check.cached.steps.compactMap(\.counters)
  let rows = counters.map(\.rowsComputed).reduce(0, +)
  let flops = counters.map(\.flops).reduce(0, +)
  let bytes = counters.last?.cacheBytes ?? 0
  let exact = policy.info.exact ? "exact" : "approximate"
  let same = check.firstDivergence.map { "no, from step \($0)" } ?? "yes"
  print(
    "\(label) (\(exact)): same tokens as no cache: \(same),"
      + " rows computed \(rows), FLOPs \(flops), cache \(bytes) bytes")
}

let demo: TinyTransformer
do {
  demo = try TinyTransformer.trainedDefault()
} catch {
  FileHandle.standardError.write(Data("cache-policies: \(error)\n".utf8))
  exit(66)
}
print("model: \(demo.config.layers) layers, \(demo.config.heads) heads, 20 decode steps")
// The policies by their `--cache` names (`kvtrace --help` lists them all).
// A window forgets old rows; sinks also pin the first positions. `window:10` and
// `sinks:2,window:8` hold the same number of rows at the end.
for name in [
  "none", "full", "paged:4", "int8", "window:8", "window:10", "sinks:2,window:8",
] {
  guard let policy = CachePolicies.named(name) else { continue }
  try report(demo, policy, label: name)
}

// Grouped-query attention: 4 query heads share 2 or 1 KV heads. The cache holds
// rows per KV head, so it shrinks by heads / kvHeads. No trained model has these
// shapes, so these use random weights: only their rows and bytes mean anything.
for kvHeads in [4, 2, 1] {
  var config = demo.config
  config.kvHeads = kvHeads
  let model = try TinyTransformer(randomWeightsFor: config, seed: 0)
  try report(model, FullCache(), label: "full, \(kvHeads) KV head\(kvHeads == 1 ? "" : "s")")
}
