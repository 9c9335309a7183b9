import Foundation
import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// The Chrome Trace Event export: structure the viewers rely on, and the logical clock.
@Suite struct ChromeTraceTests {
  typealias Event = [String: Any]

  static func events(_ trace: Trace) throws -> [Event] {
    let object = try JSONSerialization.jsonObject(with: Data(ChromeTraceRenderer.render(trace)))
    let file = try #require(object as? [String: Any])
    return try #require(file["traceEvents"] as? [Event])
  }

  @Test(.tags(.golden)) func defaultDemoGolden() throws {
    let trace = try RunRendererGoldenTests.trace(detail: .summary)
    let text = String(decoding: ChromeTraceRenderer.render(trace), as: UTF8.self)
    try golden.check(text, named: "default-demo.chrome.json")
  }

  @Test(.tags(.unit)) func aTrackPerLayerAndASlicePerStepAndLayer() throws {
    let trace = try RunRendererGoldenTests.trace()
    let events = try Self.events(trace)
    let names = events.filter { $0["name"] as? String == "thread_name" }
      .compactMap { ($0["args"] as? [String: String])?["name"] }
    #expect(names == ["steps", "layer 0", "layer 1"])
    let slices = events.filter { $0["ph"] as? String == "X" }
    #expect(slices.filter { $0["tid"] as? Int == 0 }.count == 7)
    #expect(slices.filter { $0["tid"] as? Int == 1 }.count == 7)
    #expect(slices.filter { $0["tid"] as? Int == 2 }.count == 7)
    let counters = events.filter { $0["ph"] as? String == "C" }
    #expect(counters.count == 7 * 3)
    #expect(events.allSatisfy { ["M", "X", "C"].contains($0["ph"] as? String ?? "") })
  }

  /// Every argument of a slice or a counter is a JSON number (or, for `queries`, an array
  /// `[start, end]` of numbers): never text such as Swift's `"0..<10"`. Only the token's
  /// own text is a string.
  @Test(.tags(.unit)) func argumentsAreNumbersAndArrays() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 3, policy: NoCache())
    let events = try Self.events(trace).filter { $0["ph"] as? String != "M" }
    var ranges = 0
    for event in events {
      let arguments = try #require(event["args"] as? [String: Any])
      for (key, value) in arguments where key != "token" {
        if key == "queries", event["cat"] as? String == "step" {  // a layer's is a count
          let pair = try #require(value as? [Int], "queries is [start, end]")
          #expect(pair.count == 2 && pair[0] < pair[1])
          ranges += 1
        } else {
          #expect(value is NSNumber && !(value is String), "\(key): \(value)")
        }
      }
    }
    #expect(ranges == 4)  // one per step slice
  }

  /// Slices on one track never overlap, and layer slices lie inside their step's slice.
  @Test(.tags(.unit)) func slicesNestAndDoNotOverlap() throws {
    let events = try Self.events(try RunRendererGoldenTests.trace(steps: 3, policy: NoCache()))
    var tracks: [Int: [(Int, Int)]] = [:]
    for event in events where event["ph"] as? String == "X" {
      let ts = try #require(event["ts"] as? Int)
      let dur = try #require(event["dur"] as? Int)
      tracks[try #require(event["tid"] as? Int), default: []].append((ts, ts + dur))
    }
    for (_, slices) in tracks {
      #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.1 <= $1.0 })
    }
    let steps = try #require(tracks[0])
    for layer in [1, 2] {
      for (index, slice) in try #require(tracks[layer]).enumerated() {
        #expect(steps[index].0 <= slice.0 && slice.1 <= steps[index].1)
      }
    }
  }

  /// One microsecond per attention score: a cached decode step at length 11 in a model
  /// of 2 layers × 4 heads reads 11 keys per head, 88 in all; without a cache it
  /// recomputes every query 0...10, 66 scores per head, 528 in all.
  @Test(.tags(.unit)) func theClockCountsAttentionScores() throws {
    func stepOne(_ policy: some CachePolicy) throws -> Int? {
      let events = try Self.events(try RunRendererGoldenTests.trace(steps: 1, policy: policy))
      return events.first { ($0["name"] as? String)?.hasPrefix("step 1 ") == true }?["dur"] as? Int
    }
    #expect(try stepOne(FullCache()) == 88)
    #expect(try stepOne(NoCache()) == 528)
  }

  @Test(.tags(.unit)) func theFileIsReproducibleAndSurvivesAReplay() throws {
    let trace = try RunRendererGoldenTests.trace(steps: 2)
    let first = ChromeTraceRenderer.render(trace)
    #expect(first == ChromeTraceRenderer.render(trace))
    let replayed = try TraceDecoder.decode(TraceEncoder.encode(trace, as: .jsonl))
    #expect(ChromeTraceRenderer.render(replayed) == first)
  }
}
