import Foundation
import Testing
import TinyTransformer

@testable import kvtrace

/// `kvtrace compare --json`: the verdict a script reads, and teacher-forced figures the
/// test recomputes on its own from the logits of a forced decode.
@Suite(.tags(.oracle)) struct CompareJSONTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  /// The JSON object `compare ARGUMENTS --json` prints.
  static func verdict(_ arguments: [String]) throws -> [String: Any] {
    let result = runCLI(["compare"] + arguments + ["--json"])
    #expect(result.code == .ok, "\(result.error)")
    #expect(result.output.hasSuffix("}\n"))
    let object = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
    return try #require(object as? [String: Any])
  }

  /// KL(softmax(p) ‖ softmax(q)) with Foundation's `exp` and `log`, not kvtrace's.
  static func kl(_ p: [Float], _ q: [Float]) -> Double {
    func logSoftmax(_ x: [Float]) -> [Double] {
      let m = Double(x.max()!)
      let z = log(x.reduce(0.0) { $0 + exp(Double($1) - m) })
      return x.map { Double($0) - m - z }
    }
    let (a, b) = (logSoftmax(p), logSoftmax(q))
    return zip(a, b).reduce(0.0) { $0 + exp($1.0) * ($1.0 - $1.1) }
  }

  static func argmax(_ x: [Float]) -> Int {
    x.indices.max { x[$0] < x[$1] || (x[$0] == x[$1] && $0 > $1) }!
  }

  @Test func windowReportsTeacherForcedFiguresTheTestRecomputes() throws {
    let json = try Self.verdict(["--cache", "window:4"])
    #expect(json["exact"] as? Bool == false)
    #expect(json["reference"] as? String == "full" && json["policy"] as? String == "window:4")
    let model = try TinyTransformer.trainedDefault()
    let prompt = model.tokenizer.encode(Self.pangram)
    let full = try model.generate(prompt: Self.pangram, steps: 6, collectLogits: true)
    let window = try model.generate(
      prompt: Self.pangram, steps: 6, policy: SlidingWindow(window: 4), collectLogits: true)
    let parting = zip(full.tokens, window.tokens).enumerated().first { $1.0 != $1.1 }?.offset
    #expect(json["partingStep"] as? Int == parting)
    #expect(json["identical"] as? Bool == (parting == nil))
    let tokens = try #require(json["tokens"] as? [String: [Int]])
    #expect(tokens["reference"] == full.tokens && tokens["policy"] == window.tokens)

    // The forced decode: window:4 fed full's tokens.
    let forced = try model.generate(
      promptTokens: prompt, feeding: full.tokens, policy: SlidingWindow(window: 4))
    #expect(forced.logits.count == 7)
    // Until the runs part, forcing changes nothing: the same text was fed.
    for step in 0...(parting ?? 6) { #expect(forced.logits[step] == window.logits[step]) }

    let figures = try #require(json["teacherForced"] as? [String: Any])
    #expect(figures["exact"] as? String == "full" && figures["fed"] as? String == "window:4")
    let steps = try #require(figures["steps"] as? [[String: Any]])
    #expect(steps.count == 7)
    var largest: Float = 0
    var furthest = 0.0
    for (step, entry) in steps.enumerated() {
      let (p, q) = (full.logits[step], forced.logits[step])
      let delta = zip(p, q).map { abs($0 - $1) }.max()!
      largest = max(largest, delta)
      let divergence = Self.kl(p, q)
      furthest = max(furthest, divergence)
      #expect(entry["step"] as? Int == step)
      #expect((entry["maxAbsLogitDifference"] as? NSNumber)?.floatValue == delta)
      let reported = try #require((entry["klDivergence"] as? NSNumber)?.doubleValue)
      #expect(abs(reported - divergence) <= 1e-5 * max(1, divergence), "step \(step)")
      #expect(entry["exactTop"] as? Int == Self.argmax(p))
      #expect(entry["fedTop"] as? Int == Self.argmax(q))
      #expect(entry["topAgrees"] as? Bool == (Self.argmax(p) == Self.argmax(q)))
    }
    #expect((figures["maxAbsLogitDifference"] as? NSNumber)?.floatValue == largest)
    let maxKL = try #require((figures["maxKLDivergence"] as? NSNumber)?.doubleValue)
    #expect(abs(maxKL - furthest) <= 1e-5 * max(1, furthest))
    #expect(furthest > 0.01, "a window of 4 moves the distribution")
    // Free running, only the steps that read the same text are compared.
    let free = try #require(json["freeRunning"] as? [String: Any])
    let compared = (parting ?? 6) + 1
    #expect(free["comparedSteps"] as? Int == compared)
    let sameText = (0..<compared).map { step in
      zip(full.logits[step], window.logits[step]).map { abs($0 - $1) }.max()!
    }.max()!
    #expect((free["maxAbsLogitDifference"] as? NSNumber)?.floatValue == sameText)
  }

  @Test func anExactPairIsIdenticalWithZeroFigures() throws {
    let json = try Self.verdict(["--steps", "3"])
    #expect(json["exact"] as? Bool == true && json["identical"] as? Bool == true)
    #expect(json["outcome"] as? String == "pass")
    #expect(json["partingStep"] is NSNull)
    let figures = try #require(json["teacherForced"] as? [String: Any])
    #expect((figures["maxAbsLogitDifference"] as? NSNumber)?.floatValue == 0)
    #expect((figures["maxKLDivergence"] as? NSNumber)?.doubleValue == 0)
    #expect(figures["topAgreements"] as? Int == 4)
  }

  @Test(.tags(.unit)) func twoPromptsRefuseJSON() {
    let result = runCLI(["compare", "--prompt", "a cat", "--prompt", "a dog", "--json"])
    #expect(result.code == .usage)
    #expect(result.error.contains("--json"))
  }
}
