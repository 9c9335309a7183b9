import Foundation
import Testing
import TinyTransformer

@testable import kvtrace

/// `kvtrace bench` reports every figure the issue names. Only the structure is
/// checked: tests never assert on how fast anything ran.
@Suite(.tags(.unit)) struct BenchTests {
  static let quick = ["bench", "--shape", "demo", "--runs", "1", "--tokens", "8", "--threads", "2"]

  static func run(_ arguments: [String]) -> CommandResult {
    KVTraceCLI.run(arguments: arguments, environment: [:], stdoutIsTerminal: false)
  }

  @Test func theTableNamesEveryMeasurement() {
    let result = Self.run(Self.quick)
    #expect(result.code == .ok)
    for phrase in [
      "medians of 1 runs", "memory read bandwidth, one core", "of the bandwidth bound",
      "the same with 2 threads", "tracing summary", "tracing full", "cache none",
      "FLOPs predict", "peak memory while decoding", "export of the full trace",
      "2 cores reading memory at once", "the bandwidth probe's buffer",
      "kernels: \(KernelVariant.active.rawValue)", "prefill of 7 tokens, all positions at once",
      "one position at a time",
    ] {
      #expect(result.output.contains(phrase), "missing: \(phrase)")
    }
    // Decoding and the prefill each measured again on the two threads asked for.
    #expect(result.output.components(separatedBy: "the same with 2 threads").count == 3)
  }

  @Test func jsonHasTheNumbers() throws {
    let result = Self.run(Self.quick + ["--json"])
    #expect(result.code == .ok)
    let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    let root = try #require(object as? [String: Any])
    let shapes = try #require(root["shapes"] as? [[String: Any]])
    #expect(shapes.count == 1)
    for key in [
      "tracingOff", "tracingSummary", "tracingFull", "shortNone", "shortFull", "exportJSON",
      "exportJSONLines", "bandwidth", "bandwidthTogether", "prefillBatched", "prefillSingle",
      "prefillThreadedBatched", "prefillThreadedSingle",
    ] {
      let value = try #require(shapes[0][key] as? Double, "missing \(key)")
      #expect(value > 0)
    }
    #expect((root["bandwidth"] as? Double ?? 0) > 0)
    #expect(root["kernels"] as? String == KernelVariant.active.rawValue)
    let available = try #require(root["kernelsAvailable"] as? [String])
    #expect(available.first == "portable" && available.contains(KernelVariant.active.rawValue))
    #expect((shapes[0]["predictedSaving"] as? Double ?? 0) > 1)
  }

  @Test func badValuesAreUsageErrors() {
    for arguments in [
      ["bench", "--shape", "70B"], ["bench", "--runs", "0"], ["bench", "--tokens", "999"],
    ] {
      let result = Self.run(arguments)
      #expect(result.code == .usage)
      #expect(result.error.split(separator: "\n").count == 1)
    }
  }
}
