// export-trace: write a trace to a file and read it back.
//
// A trace is the activation record kvtrace keeps for inspection, not the KV cache
// the model reads back. Saved as JSON, it can be replayed (`kvtrace replay FILE`),
// read from Python, or decoded here, value for value.
// Usage: swift run export-trace [FILE]   (default: a file in the temporary directory)

import Foundation
import KVTrace
import TinyTransformer

let path =
  CommandLine.arguments.dropFirst().first
  ?? FileManager.default.temporaryDirectory.appendingPathComponent("export-trace.json").path

let model: TinyTransformer
do {
  model = try TinyTransformer.trainedDefault()
} catch {
  FileHandle.standardError.write(Data("export-trace: \(error)\n".utf8))
  exit(66)
}
var log = TraceLog(detail: .full)
_ = try model.generate(
  prompt: "The quick brown fox jumps over the lazy dog.", steps: 2, recorder: &log)
guard let trace = log.trace else { fatalError("the model recorded nothing") }

// Write: stable bytes (keys in a fixed order, shortest round-trip floats), atomically, so
// a reader never sees half a file.
let bytes = TraceEncoder.encode(trace, as: .json)
try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
print("wrote \(bytes.count) bytes, \(trace.events.count) events")

// Read back: strict decoding throws a TraceFileError naming line, column and JSON path.
let loaded = try TraceDecoder.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
print("read back \(loaded.events.count) events; identical: \(loaded == trace)")
for step in loaded.steps {
  let fresh = step.rows(layer: 0, kvHead: 0)?.fresh.map(String.init) ?? []
  print("step \(step.step): layer 0, KV head 0, fresh rows at [\(fresh.joined(separator: ", "))]")
}
