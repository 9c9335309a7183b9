import Foundation
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

/// Compares text with a golden file in `Snapshots/`, or records it when `KVTRACE_RECORD=1`.
enum Golden {
  static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  static func check(
    _ bytes: [UInt8], named name: String, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let url = directory.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["KVTRACE_RECORD"] == "1" {
      try Data(bytes).write(to: url)
      return
    }
    guard let data = FileManager.default.contents(atPath: url.path) else {
      Issue.record(
        "missing golden file \(name); run KVTRACE_RECORD=1 swift test to record it",
        sourceLocation: sourceLocation)
      return
    }
    let expected = Array(data)
    guard bytes != expected else { return }
    let got = String(decoding: bytes, as: UTF8.self).split(separator: "\n")
    let want = String(decoding: expected, as: UTF8.self).split(separator: "\n")
    let line =
      zip(got, want).enumerated().first { $1.0 != $1.1 }?.offset ?? min(got.count, want.count)
    let gotLine = line < got.count ? String(got[line]) : "<end>"
    let wantLine = line < want.count ? String(want[line]) : "<end>"
    Issue.record(
      "\(name) differs at line \(line + 1):\n  got:  \(gotLine)\n  want: \(wantLine)",
      sourceLocation: sourceLocation)
  }
}

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
