// `kvtrace heads` as a shell sees it: the table's shape, the copy accuracy under the
// --cache asked for, a saved trace measured without a model, and bad input as one line
// with its sysexits code.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct HeadsEndToEndTests {
  /// The rows of the table: "layer head s s s s [role]".
  static func rows(_ output: String) -> [[String]] {
    output.components(separatedBy: "\n").map {
      $0.split(separator: " ").map(String.init)
    }.filter { $0.count >= 6 && Int($0[0]) != nil && Int($0[1]) != nil }
  }

  /// The value after "copy accuracy over the repeat: ".
  static func accuracy(_ output: String) -> String? {
    let marker = "copy accuracy over the repeat: "
    guard let line = output.components(separatedBy: "\n").first(where: { $0.hasPrefix(marker) })
    else { return nil }
    return line.dropFirst(marker.count).components(separatedBy: " ").first
  }

  @Test func theTableHasARowPerHeadAndTheCopyAccuracyNamesTheCache() throws {
    let result = try runKVTrace(["heads", "--prompts", "3", "--layers", "2", "--heads", "3"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.stderr.isEmpty)
    let rows = Self.rows(result.output)
    #expect(rows.map { "\($0[0]) \($0[1])" } == ["0 0", "0 1", "0 2", "1 0", "1 1", "1 2"])
    for row in rows {
      for cell in row[2..<6] {
        let score = try #require(Double(cell), "\(row)")
        #expect((0...1).contains(score))
      }
    }
    #expect(result.output.contains("input    3 prompts: a random run of 10–20 words"))
    #expect(result.output.contains("(3 prompts, cache full; "), "\(result.output)")
    let accuracy = try #require(Self.accuracy(result.output).flatMap(Double.init))
    #expect((0...1).contains(accuracy))
    // The same seed draws the same prompts and the same weights: the same bytes.
    #expect(
      try runKVTrace(["heads", "--prompts", "3", "--layers", "2", "--heads", "3"]).stdout
        == result.stdout)
  }

  @Test func theCopyRunsHonorTheCachePolicy() throws {
    for policy in ["window:8", "sinks:1,window:8", "none"] {
      let result = try runKVTrace(["heads", "--prompts", "2", "--cache", policy])
      #expect(result.status == 0, "\(policy): \(result.error)")
      #expect(result.output.contains("cache    \(policy)\n"))
      #expect(result.output.contains("(2 prompts, cache \(policy); "), "\(result.output)")
    }
  }

  @Test func aShortContextShortensTheRunsAndThreadsChangeNothing() throws {
    // 16 positions hold a run of 8 words, its first word again, and 6 decode steps.
    let one = try runKVTrace(["heads", "--context", "16", "--prompts", "2", "--threads", "1"])
    #expect(one.status == 0, "\(one.error)")
    #expect(one.output.contains("input    2 prompts: a random run of 8 words, then"))
    #expect(one.output.contains("(2 prompts, cache full; "))
    #expect(one.output.contains(" of 14 tokens)\n"), "\(one.output)")
    let two = try runKVTrace(["heads", "--context", "16", "--prompts", "2", "--threads", "2"])
    #expect(two.stdout == one.stdout)
  }

  @Test func aPromptOfYourOwnIsMeasuredWithoutACopyAccuracy() throws {
    let result = try runKVTrace(["heads", "--prompt", "the cat sat on the mat", "--steps", "2"])
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("input    the prompt, then 2 greedy steps"))
    #expect(Self.rows(result.output).count == 8)
    #expect(Self.accuracy(result.output) == nil)
  }

  @Test func aSavedTraceIsMeasuredAndASummaryTraceIsRefused() throws {
    let directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("kvtrace-heads-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let full = directory.appendingPathComponent("full.json").path
    let summary = directory.appendingPathComponent("summary.jsonl").path
    // Random weights: the trained model says the pangram again, which repeats its tokens.
    #expect(try runKVTrace(["run", "--weights", "random", "--export", full]).status == 0)
    #expect(
      try runKVTrace(["run", "--weights", "random", "--detail", "summary", "--export", summary])
        .status == 0)

    let measured = try runKVTrace(["heads", "--trace", full])
    #expect(measured.status == 0, "\(measured.error)")
    #expect(measured.output.contains("input    the trace \(full)"))
    // The pangram repeats no token: no duplicate or induction position, so no score.
    #expect(Self.rows(measured.output).count == 8)
    #expect(Self.rows(measured.output).allSatisfy { $0[3] == "-" && $0[4] == "-" })

    let refused = try runKVTrace(["heads", "--trace", summary])
    #expect(refused.status == 65)
    #expect(refused.stdout.isEmpty)
    #expect(refused.error.hasPrefix("kvtrace: \(summary): the trace has no attention weights"))
    #expect(refused.error.contains("--detail full"))
    #expect(refused.error.filter { $0 == "\n" }.count == 1)
  }

  static let badInputs: [([String], Int32)] = [
    (["heads", "--trace", "/nonexistent/kvtrace-heads.json"], 66),
    (["heads", "--trace", "t.json", "--cache", "full"], 64),
    (["heads", "--prompts", "0"], 64),
    (["heads", "--prompt", "a", "--prompt", "b"], 64),
    (["heads", "--context", "2"], 64),
    (["heads", "--cache", "window:0"], 64),
    (["heads", "--temperature", "1"], 64),
    (["heads", "--steps", "3"], 64),
    (["heads", "--prompt", "a b", "--prompts", "3"], 64),
    (["heads", "--prompt", ""], 64),
  ]

  @Test(arguments: badInputs)
  func badInputIsOneLineAndItsCode(arguments: [String], code: Int32) throws {
    let result = try runKVTrace(arguments)
    #expect(result.status == code, "\(arguments): \(result.error)")
    #expect(result.stdout.isEmpty)
    #expect(result.error.hasPrefix("kvtrace: "))
    #expect(result.error.filter { $0 == "\n" }.count == 1, "\(result.error)")
  }
}
