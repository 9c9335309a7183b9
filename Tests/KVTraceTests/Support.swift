import Foundation
import GoldenFiles
import KVTrace
import Testing
import TinyTransformer

/// Traces of the demo model, recorded once per test process.
enum Demo {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  /// A run of the demo model (or another shape) with everything the format carries.
  static func trace(
    prompt: String = pangram, steps: Int = 6, policy: some CachePolicy = FullCache(),
    detail: TraceDetail = .full, config: ModelConfig? = nil, sampling: Sampling = .greedy,
    seed: UInt64 = 0
  ) throws -> Trace {
    let model = try TinyTransformer(
      config: config ?? .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: seed)
    var log = TraceLog(detail: detail)
    _ = try model.generate(
      prompt: prompt, steps: steps, policy: policy, sampling: sampling, recorder: &log)
    return try #require(log.trace)
  }

  static let full = Result { try trace() }
  static let summary = Result { try trace(detail: .summary) }
}

/// The golden files of this target, in `Snapshots/`.
let golden = GoldenFiles(besideFile: #filePath)

/// The error decoding `bytes` gives, or nil if they decode.
///
/// Tests use this rather than `#require(throws:)`: the testing library describes a
/// thrown value by reflection, and a cut-short error carries a whole trace.
func decodingError(_ bytes: [UInt8]) -> TraceFileError? {
  do {
    _ = try TraceDecoder.decode(bytes)
    return nil
  } catch {
    return error
  }
}
