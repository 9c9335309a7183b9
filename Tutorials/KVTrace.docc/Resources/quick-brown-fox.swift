// quick-brown-fox: the default demo through the library API.
//
// Decodes the pangram with a full KV cache, keeps every event in a TraceLog, and
// prints what each step computed fresh and what it read back from the cache.
// `swift run quick-brown-fox` prints the same numbers every time: the model is
// kvtrace's trained default, shipped with the package.

import Foundation
import KVTrace
import TinyTransformer

let model: TinyTransformer
do {
  model = try TinyTransformer.trainedDefault()
} catch {
  FileHandle.standardError.write(Data("quick-brown-fox: \(error)\n".utf8))
  exit(66)
}
var log = TraceLog(detail: .summary)  // rows and counters, no attention weights
let generation = try model.generate(
  prompt: "The quick brown fox jumps over the lazy dog.", steps: 6,
  policy: FullCache(), recorder: &log)

// The log began when decoding began, so it holds a trace.
guard let trace = log.trace else { fatalError("the model recorded nothing") }
let config = trace.header.model
print("model: \(config.layers) layers × \(config.kvHeads) KV heads, head size \(config.headSize)")
print("prompt tokens: \(generation.promptTokens.count)")
for step in trace.steps {
  guard let counters = step.counters else { continue }
  let queries = step.began.queries
  print(
    "step \(step.step) \(step.began.phase): queries \(queries.lowerBound)..<\(queries.upperBound),"
      + " fresh rows \(counters.rowsComputed), reused rows \(counters.rowsReused),"
      + " cache \(counters.cacheBytes) bytes")
}
print("wrote:" + model.tokenizer.decode(generation.tokens))
