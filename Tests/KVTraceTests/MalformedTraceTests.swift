import Foundation
import KVTrace
import Testing
import TinyTransformer

/// A damaged trace file and the error it must give.
struct Malformed: Sendable, CustomTestStringConvertible {
  var name: String
  /// Turns the demo's full-detail JSON document (one event per line) into the bad file.
  var damage: @Sendable (String) -> String
  var kind: TraceFileError.Kind
  var line: Int
  var path: String
  /// Words the problem must contain.
  var problem: String

  var testDescription: String { name }
}

extension String {
  /// The text with the first `old` on line `line` (counted from 1) replaced by `new`.
  func editing(line: Int, _ old: String, _ new: String) -> String {
    var lines = split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard let range = lines[line - 1].range(of: old) else { return "NOT FOUND: \(old)" }
    lines[line - 1].replaceSubrange(range, with: new)
    return lines.joined(separator: "\n")
  }

  /// The text with the number that follows the first `prefix` on line `line` replaced by `new`.
  func editing(line: Int, numberAfter prefix: String, _ new: String) -> String {
    let lines = split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines[line - 1].range(of: prefix)?.upperBound else {
      return "NOT FOUND: \(prefix)"
    }
    let number = lines[line - 1][start...].prefix { "0123456789.-e".contains($0) }
    return editing(line: line, prefix + number, prefix + new)
  }

  /// The text without line `line` (counted from 1).
  func removing(line: Int) -> String {
    var lines = split(separator: "\n", omittingEmptySubsequences: false)
    lines.remove(at: line - 1)
    return lines.joined(separator: "\n")
  }
}

// In the demo document, line 1 holds format, version and header; line 2 is the prefill's
// stepBegan; lines 3-82 its attention events; 83-90 rows; 91 counters; 92 token; 93 step 1.
let malformedCases: [Malformed] = [
  Malformed(
    name: "not JSON", damage: { _ in "hello" }, kind: .syntax, line: 1, path: "",
    problem: "expected a value, found 'h'"),
  Malformed(
    name: "empty", damage: { _ in "" }, kind: .syntax, line: 1, path: "",
    problem: "the file is empty"),
  Malformed(
    name: "an array", damage: { _ in "[1, 2]" }, kind: .notATrace, line: 1, path: "$",
    problem: "found an array"),
  Malformed(
    name: "another format", damage: { $0.editing(line: 1, "\"kvtrace\"", "\"kvcache\"") },
    kind: .notATrace, line: 1, path: "$.format", problem: "the format is \"kvcache\""),
  Malformed(
    name: "no format", damage: { _ in "{\"version\": 1}" }, kind: .notATrace, line: 1,
    path: "$", problem: "no \"format\" field"),
  Malformed(
    name: "a Chrome trace", damage: { _ in "{\"traceEvents\": []}" }, kind: .notATrace,
    line: 1, path: "$", problem: "this is a Chrome trace"),
  Malformed(
    name: "a newer version", damage: { $0.editing(line: 1, "\"version\":1", "\"version\":2") },
    kind: .unsupportedVersion, line: 1, path: "$.version",
    problem: "version 2 is newer than this kvtrace reads (version 1); update kvtrace"),
  Malformed(
    name: "version 0", damage: { $0.editing(line: 1, "\"version\":1", "\"version\":0") },
    kind: .unsupportedVersion, line: 1, path: "$.version", problem: "version 0 does not exist"),
  Malformed(
    name: "a missing header field", damage: { $0.editing(line: 1, ",\"detail\":\"full\"", "") },
    kind: .missingField, line: 1, path: "$.header", problem: "missing field 'detail'"),
  Malformed(
    name: "a missing event field", damage: { $0.editing(line: 2, ",\"sequenceLength\":10", "") },
    kind: .missingField, line: 2, path: "$.events[0]", problem: "missing field 'sequenceLength'"),
  Malformed(
    name: "a string for a number",
    damage: { $0.editing(line: 3, "\"layer\":0", "\"layer\":\"0\"") },
    kind: .wrongType, line: 3, path: "$.events[1].layer",
    problem: "expected a whole number, found a string"),
  Malformed(
    name: "a fraction for a whole number",
    damage: { $0.editing(line: 2, "\"step\":0", "\"step\":0.5") }, kind: .wrongType, line: 2,
    path: "$.events[0].step", problem: "expected a whole number, found 0.5"),
  Malformed(
    name: "an unknown field", damage: { $0.editing(line: 91, "\"flops\"", "\"flop\":1,\"flops\"") },
    kind: .unknownField, line: 91, path: "$.events[89]", problem: "unknown field 'flop'"),
  Malformed(
    name: "a repeated field", damage: { $0.editing(line: 91, "\"flops\"", "\"step\":0,\"flops\"") },
    kind: .syntax, line: 91, path: "$.events[89]", problem: "the field 'step' appears twice"),
  Malformed(
    name: "a layer beyond the layers",
    damage: { $0.editing(line: 3, "\"layer\":0", "\"layer\":2") },
    kind: .outOfRange, line: 3, path: "$.events[1].layer",
    problem: "layer 2 is out of range: the model has 2 layers"),
  Malformed(
    name: "a head beyond the heads", damage: { $0.editing(line: 3, "\"head\":0", "\"head\":4") },
    kind: .outOfRange, line: 3, path: "$.events[1].head", problem: "the model has 4 heads"),
  Malformed(
    name: "the wrong KV head", damage: { $0.editing(line: 3, "\"kvHead\":0", "\"kvHead\":1") },
    kind: .outOfRange, line: 3, path: "$.events[1].kvHead",
    problem: "query head 0 reads KV head 0"),
  Malformed(
    name: "a position beyond the tokens",
    damage: { $0.editing(line: 83, "\"fresh\":[[0,10]]", "\"fresh\":[[0,11]]") },
    kind: .outOfRange, line: 83, path: "$.events[81].fresh[0]",
    problem: "position 10 is out of range: step 0's sequence has 10 positions"),
  Malformed(
    name: "a query beyond the sequence",
    damage: { $0.editing(line: 3, "\"query\":0", "\"query\":10") },
    kind: .outOfRange, line: 3, path: "$.events[1].query", problem: "query 10 is out of range"),
  Malformed(
    name: "a key after the query", damage: { $0.editing(line: 3, "[[0,1]]", "[[0,2]]") },
    kind: .outOfRange, line: 3, path: "$.events[1].keys", problem: "key 1 comes after query 0"),
  Malformed(
    name: "unsorted runs", damage: { $0.editing(line: 83, "[[0,10]]", "[[5,10],[0,2]]") },
    kind: .outOfOrder, line: 83, path: "$.events[81].fresh[1]",
    problem: "runs must be sorted"),
  Malformed(
    name: "a token outside the vocabulary",
    damage: {
      $0.editing(
        line: 92, numberAfter: "\"chosen\":{\"token\":", "\(Tokenizer.demo.vocabularySize)")
    },
    kind: .outOfRange, line: 92, path: "$.events[90].chosen.token",
    problem: "the vocabulary has \(Tokenizer.demo.vocabularySize) tokens"),
  Malformed(
    name: "a weight above 1",
    damage: { $0.editing(line: 3, "\"weights\":[1.0]", "\"weights\":[1.5]") },
    kind: .notProbabilities, line: 3, path: "$.events[1].weights[0]",
    problem: "weight 1.5 is not a probability"),
  Malformed(
    name: "weights that do not sum to 1",
    damage: { $0.editing(line: 3, "\"weights\":[1.0]", "\"weights\":[0.5]") },
    kind: .notProbabilities, line: 3, path: "$.events[1].weights",
    problem: "the weights sum to 0.5, not 1"),
  Malformed(
    name: "more weights than keys",
    damage: { $0.editing(line: 3, "\"weights\":[1.0]", "\"weights\":[0.5,0.5]") },
    kind: .outOfRange, line: 3, path: "$.events[1].weights",
    problem: "2 weights for 1 key; there is one per key"),
  Malformed(
    name: "a probability below 0",
    damage: { $0.editing(line: 92, numberAfter: "\"probability\":", "-0.1") },
    kind: .notProbabilities, line: 92, path: "$.events[90].chosen.probability",
    problem: "probability -0.1 is not between 0 and 1"),
  Malformed(
    name: "steps out of order", damage: { $0.editing(line: 93, "\"step\":1", "\"step\":2") },
    kind: .outOfOrder, line: 93, path: "$.events[91].step",
    problem: "step 2 begins where step 1 should"),
  Malformed(
    name: "an event of another step", damage: { $0.editing(line: 91, "\"step\":0", "\"step\":1") },
    kind: .outOfOrder, line: 91, path: "$.events[89].step",
    problem: "an event of step 1 comes during step 0"),
  Malformed(
    name: "a step without its token", damage: { $0.removing(line: 92) }, kind: .outOfOrder,
    line: 92, path: "$.events[90]", problem: "step 1 begins before step 0 has its token event"),
  Malformed(
    name: "a second counters event",
    damage: {
      $0.editing(
        line: 92, "{\"type\":\"token\"",
        "{\"type\":\"counters\",\"step\":0,\"rowsComputed\":0,\"rowsReused\":0,\"flops\":0,\"flopsWithoutCache\":0,\"cacheBytes\":0},\n{\"type\":\"token\""
      )
    },
    kind: .outOfOrder, line: 92, path: "$.events[90]",
    problem: "step 0 has a second counters event"),
  Malformed(
    name: "invalid UTF-8", damage: { $0.editing(line: 1, "\"random", "\"\u{FFFD}random") },
    kind: .syntax, line: 1, path: "", problem: "not valid UTF-8"),
  Malformed(
    name: "nesting too deep",
    damage: { _ in "{\"header\":" + String(repeating: "[", count: 100) }, kind: .syntax,
    line: 1, path: "", problem: "nesting deeper than 32 levels"),
  Malformed(
    name: "text after the trace", damage: { $0 + "{}" }, kind: .syntax, line: 208, path: "",
    problem: "more text after the trace"),
  Malformed(
    name: "fewer steps than promised",
    damage: { $0.editing(line: 1, "\"decodeSteps\":6", "\"decodeSteps\":7") },
    kind: .cutShort, line: 207, path: "$.events",
    problem: "the trace ends after 7 whole steps, but its header promises 8"),
  Malformed(
    name: "an unknown cache policy",
    damage: { $0.editing(line: 1, "\"name\":\"full\"", "\"name\":\"lru\"") },
    kind: .outOfRange, line: 1, path: "$.header.policy.name",
    problem: "policy \"lru\" is not a cache policy kvtrace knows; it reads none, full,"),
  Malformed(
    name: "more steps than the context holds",
    damage: { $0.editing(line: 1, "\"decodeSteps\":6", "\"decodeSteps\":60") },
    kind: .outOfRange, line: 1, path: "$.header.decodeSteps",
    problem: "leave room for 54 in the context of 64"),
]

@Suite(.tags(.unit)) struct MalformedTraceTests {
  static let document: String = {
    let trace = (try? Demo.full.get()).map { TraceEncoder.encode($0, as: .json) } ?? []
    return String(decoding: trace, as: UTF8.self)
  }()

  @Test(arguments: malformedCases)
  func eachProblemHasItsKindPlaceAndWords(_ bad: Malformed) throws {
    var bytes = Array(bad.damage(Self.document).utf8)
    if bad.name == "invalid UTF-8" {  // swap the replacement character for a stray byte
      let marker = Array("\u{FFFD}".utf8)
      if let at = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) {
        bytes.replaceSubrange(at..<(at + marker.count), with: [0xFF])
      }
    }
    let error = try #require(decodingError(bytes))
    #expect(error.kind == bad.kind, "\(error)")
    #expect(error.line == bad.line, "\(error)")
    #expect(error.path == bad.path, "\(error)")
    #expect(error.problem.contains(bad.problem), "\(error)")
    #expect(!error.description.contains("\n"))
    #expect(error.description.hasPrefix("line \(bad.line), column "))
  }

  @Test func theColumnCountsCharacters() throws {
    let bad = Self.document.editing(line: 3, "\"layer\":0", "\"layer\":9")
    let error = try #require(decodingError(Array(bad.utf8)))
    let line = bad.split(separator: "\n")[2]
    let column = try #require(line.range(of: "9,")).lowerBound
    #expect(error.column == line.distance(from: line.startIndex, to: column) + 1)
  }

  @Test func eventsBeforeTheHeaderAreCheckedToo() throws {
    let trace = try Demo.summary.get()
    let events = String(decoding: TraceEncoder.encode(trace, as: .json), as: UTF8.self)
    // Move "events" to the front: another writer's key order is still a valid trace.
    let headerEnd = try #require(events.range(of: ",\"events\":["))
    let header = events[..<headerEnd.lowerBound].dropFirst()
    let list = events[headerEnd.upperBound...].dropLast(3)
    let reordered = "{\"events\":[" + list + "]," + header + "}"
    #expect(try TraceDecoder.decode(Array(reordered.utf8)) == trace)
    let broken = reordered.replacingOccurrences(of: "\"layer\":1", with: "\"layer\":7")
    let error = try #require(decodingError(Array(broken.utf8)))
    #expect(error.kind == .outOfRange)
    #expect(error.path.hasPrefix("$.events["))
  }
}
