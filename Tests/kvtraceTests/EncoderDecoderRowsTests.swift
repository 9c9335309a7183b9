import KVTrace
import KVTraceRender
import Testing

@testable import kvtrace

/// The promise of `RowsOptionTests` for an encoder-decoder's two grids: leaving rows out
/// never hides where the attention went, in the self-attention grid (a row per decoder
/// position) or in the cross-attention grid (a row per source token) beside it.
@Suite(.tags(.unit)) struct EncoderDecoderRowsTests {
  /// A source of 25 tokens: more than the 16 rows a grid gets at 80×24.
  static let source =
    "summarize: My friends are cool but they eat too many carbs. My friends are cool but "
    + "they eat too many carbs too."

  /// Each step's drawn positions in the left grid and, for decoder steps, in the right
  /// one, read from `run`'s output: the right grid starts where its heading line's
  /// second ` pos  token` does.
  static func drawnPositions(_ output: String) -> [(own: [Int], cross: [Int])] {
    var steps: [(own: [Int], cross: [Int])] = []
    var right: Int?
    func position(_ text: Substring) -> Int? {
      guard text.count > 16, text.dropFirst(4).hasPrefix("  ") else { return nil }
      return Int(text.prefix(4).trimmingCharacters(in: .whitespaces))
    }
    for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
      let characters = Array(line)
      if line.hasPrefix("━━ step ") {
        steps.append(([], []))
        right = nil
      } else if line.hasPrefix(" pos  token") {
        let rest = String(characters.dropFirst(1))
        right = rest.range(of: " pos  token").map {
          rest.distance(from: rest.startIndex, to: $0.lowerBound) + 1
        }
      } else if !steps.isEmpty {
        if let own = position(line) { steps[steps.count - 1].own.append(own) }
        if let right, characters.count > right,
          let cross = position(Substring(String(characters[right...])))
        {
          steps[steps.count - 1].cross.append(cross)
        }
      }
    }
    return steps
  }

  /// Whether every position of `0..<length` left out of `shown` carries less of
  /// `attention`'s weight than every position shown; `nil` when none was left out.
  static func hidesLessThanItShows(
    _ shown: [Int], length: Int, attention: AttentionEvent
  ) throws -> (heaviestHidden: Float, lightestShown: Float)? {
    let weights = try #require(attention.weights)
    var byKey = [Int: Float]()
    for (index, key) in attention.keys.enumerated() { byKey[key] = weights[index] }
    let hidden = Set(0..<length).subtracting(shown)
    guard !hidden.isEmpty else { return nil }
    return (
      hidden.map { byKey[$0] ?? 0 }.max() ?? 0, shown.map { byKey[$0] ?? 0 }.min() ?? 0
    )
  }

  @Test func elidedRowsCarryLessWeightInBothGridsAt80x24() throws {
    let directory = try TemporaryDirectory()
    let file = directory.path("t.json")
    let run = runCLI(
      [
        "run", "--arch", "encoder-decoder", "--weights", "random", "--steps", "30", "--prompt",
        Self.source, "--export", file,
      ], environment: ["COLUMNS": "80", "LINES": "24"])
    #expect(run.code == .ok, "\(run.error)")
    let trace = try TraceDecoder.decode(try #require(directory.contents("t.json")))
    let drawn = Self.drawnPositions(run.output)
    #expect(drawn.count == trace.steps.count)
    let focus = RenderFocus.automatic(for: trace)
    var elided = (own: 0, cross: 0)
    for (record, shown) in zip(trace.steps, drawn) {
      #expect(shown.own.count <= 24 - RunOptions.linesAroundRows)
      #expect(shown.cross.count <= 24 - RunOptions.linesAroundRows)
      let decoding = record.began.phase == .decode
      // The encoder's grid draws the first source query's attention; a decoder step's
      // grids, the newest decoder query's self- and cross-attention.
      let own = try #require(
        decoding
          ? record.newestAttention(layer: focus.layer, head: focus.head)
          : record.attention.first { $0.layer == focus.layer && $0.head == focus.head })
      let length = decoding ? record.began.sequenceLength : trace.sourceTokens.count
      if let (hidden, kept) = try Self.hidesLessThanItShows(
        shown.own, length: length, attention: own)
      {
        elided.own += 1
        #expect(
          hidden < kept, "step \(record.step): a hidden row weighs \(hidden), a shown \(kept)")
      }
      guard decoding else { continue }
      let cross = try #require(
        record.newestAttention(layer: focus.layer, head: focus.head, kind: .cross))
      if let (hidden, kept) = try Self.hidesLessThanItShows(
        shown.cross, length: trace.sourceTokens.count, attention: cross)
      {
        elided.cross += 1
        #expect(
          hidden < kept,
          "step \(record.step): a hidden source row weighs \(hidden), a shown \(kept)")
      }
    }
    #expect(elided.own > 10, "the self-attention grid outgrows 80×24 after 16 steps")
    #expect(elided.cross == 30, "25 source rows never fit in 16")
  }
}
