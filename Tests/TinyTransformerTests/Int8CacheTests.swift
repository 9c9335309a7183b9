import KVTrace
import Testing

@testable import TinyTransformer

/// The int8 cache: rows rounded to bytes and a scale, the bytes it holds, the
/// rows it computes and reuses (as `full`), and how far its output moves.
@Suite struct Int8CacheTests {
  static let pangram = "The quick brown fox jumps over the lazy dog."

  static func model(_ config: ModelConfig? = nil) throws -> TinyTransformer {
    try TinyTransformer(
      config: config ?? .demo(vocabularySize: Tokenizer.demo.vocabularySize), seed: 0)
  }

  static func trace(
    _ policy: some CachePolicy, steps: Int = 8, config: ModelConfig? = nil,
    detail: TraceDetail = .full
  ) throws -> Trace {
    var log = TraceLog(detail: detail)
    _ = try model(config).generate(prompt: pangram, steps: steps, policy: policy, recorder: &log)
    return try #require(log.trace)
  }

  /// Random rows of awkward lengths, with rows of zeros, a lone value, and a wide range.
  static func rows() -> [[Float]] {
    var generator = SplitMix64(seed: 42)
    var rows: [[Float]] = []
    for n in [1, 2, 3, 5, 7, 8, 13, 64, 127, 255] {
      rows.append((0..<n).map { _ in generator.nextSignedFloat() })
      rows.append((0..<n).map { _ in generator.nextSignedFloat() * 1e4 })
      rows.append((0..<n).map { _ in generator.nextSignedFloat() * 1e-6 })
      rows.append(Array(repeating: 0, count: n))
      var lone = Array(repeating: Float(0), count: n)
      lone[n / 2] = -3.5
      rows.append(lone)
    }
    return rows
  }

  @Test(.tags(.unit)) func roundTripIsWithinHalfAScaleOfEveryValue() {
    for row in Self.rows() {
      let n = row.count
      var bytes = [Int8](repeating: 99, count: n)
      var back = [Float](repeating: .nan, count: n)
      let scale = row.withUnsafeBufferPointer { x in
        bytes.withUnsafeMutableBufferPointer { q in
          Int8Quantization.quantize(x.baseAddress!, n: n, into: q.baseAddress!)
        }
      }
      bytes.withUnsafeBufferPointer { q in
        back.withUnsafeMutableBufferPointer { out in
          Int8Quantization.dequantize(q.baseAddress!, scale: scale, n: n, into: out.baseAddress!)
        }
      }
      let largest = row.map(abs).max() ?? 0
      #expect(scale == largest / 127)
      #expect(bytes.allSatisfy { $0 >= -127 })
      // Rounding to the nearest step is off by at most half a step; the division
      // and the product add at most a few ulps of the largest value (127 × scale).
      let slack = 4 * (127 * scale).ulp
      var worst: Float = 0
      for i in 0..<n {
        let error = abs(row[i] - back[i])
        #expect(error <= scale / 2 + slack, "n \(n) element \(i): \(row[i]) -> \(back[i])")
        worst = max(worst, error)
      }
      let reported = row.withUnsafeBufferPointer { x in
        bytes.withUnsafeBufferPointer { q in
          Int8Quantization.maxError(x.baseAddress!, q.baseAddress!, scale: scale, n: n)
        }
      }
      #expect(reported == worst)
      if largest == 0 {
        #expect(scale == 0 && bytes.allSatisfy { $0 == 0 } && back.allSatisfy { $0 == 0 })
      } else {
        #expect(bytes.contains { abs($0) == 127 })  // the largest value uses the full range
      }
    }
  }

  @Test(.tags(.unit), arguments: [4, 2, 1])
  func bytesAreRowsTimesHeadSizePlusScaleTimesTwo(_ kvHeads: Int) throws {
    let config = ModelConfig(
      layers: 2, heads: 4, kvHeads: kvHeads, dim: 32, mlpDim: 64, contextLength: 64,
      vocabularySize: Tokenizer.demo.vocabularySize)
    let trace = try Self.trace(Int8Cache(), steps: 5, config: config)
    for record in trace.steps {
      let n = record.began.sequenceLength
      let perLayerAndHead = n * (config.headSize + 4) * 2
      #expect(record.counters?.cacheBytes == perLayerAndHead * config.layers * kvHeads)
    }
    #expect(trace.header.policy == Int8Cache().info)
    #expect(!trace.header.policy.exact)
  }

  @Test(.tags(.unit)) func computesAndReusesTheRowsFullDoesAndRecordsEachFreshRow() throws {
    let int8 = try Self.trace(Int8Cache(), detail: .summary)
    let full = try Self.trace(FullCache(), detail: .summary)
    #expect(int8.steps.count == full.steps.count)
    for (a, b) in zip(int8.steps, full.steps) {
      #expect(a.rows == b.rows, "step \(a.step)")
      #expect(a.counters?.rowsComputed == b.counters?.rowsComputed)
      #expect(a.counters?.rowsReused == b.counters?.rowsReused)
      #expect(a.counters?.flops == b.counters?.flops)
      #expect(a.quantization.count == a.rows.count)
      for rows in a.rows {
        let rounded = try #require(
          a.quantization.first { $0.layer == rows.layer && $0.kvHead == rows.kvHead })
        #expect(rounded.positions == rows.fresh)
        for list in [
          rounded.keyScales, rounded.keyErrors, rounded.valueScales, rounded.valueErrors,
        ] {
          #expect(list.count == rows.fresh.count)
        }
        #expect(rounded.keyScales.allSatisfy { $0 > 0 })
        for (error, scale) in zip(
          rounded.keyErrors + rounded.valueErrors, rounded.keyScales + rounded.valueScales)
        {
          #expect(error <= scale / 2 * 1.0001)
        }
        #expect(rounded.maxKeyError > 0)  // random weights give no row that rounds exactly
      }
    }
    #expect(full.steps.allSatisfy { $0.quantization.isEmpty })
    #expect(Oracle.accountingProblems(int8).isEmpty)
  }

  @Test(.tags(.unit)) func theOracleCatchesBrokenInt8Bytes() throws {
    var trace = try Self.trace(Int8Cache(), steps: 2, detail: .summary)
    for index in trace.events.indices {
      if case .counters(var counters) = trace.events[index], counters.step == 1 {
        counters.cacheBytes += 1
        trace.events[index] = .counters(counters)
      }
    }
    let problems = Oracle.accountingProblems(trace)
    #expect(problems.count == 1)
    #expect(problems.first?.hasPrefix("int8 step 1: the cache holds") == true)
  }

  /// int8 against full on the demo: the logits move, but little, while both read the same text.
  ///
  /// Each cached value is within half a step (max|row| / 254, under 0.4 % of its
  /// row's largest value) of the float it replaced. Attention averages the values
  /// with weights that move as little, and the residual stream carries the
  /// unrounded part, so a logit moves by a fraction of a percent of the logits'
  /// spread. The bound below is 1 % of the full run's largest |logit|: a bug that
  /// read the wrong row, or bytes without their scale, moves logits by whole units.
  @Test(.tags(.oracle)) func logitsDifferFromFullButBoundedlySo() throws {
    let model = try Self.model()
    let tokens = model.tokenizer.encode(Self.pangram)
    let report = try Oracle.check(
      model: model, promptTokens: tokens, steps: 20, policy: Int8Cache(), against: FullCache())
    let full = try model.generate(
      prompt: Self.pangram, steps: 20, policy: FullCache(), collectLogits: true)
    let largest = full.logits.flatMap { $0 }.map(abs).max() ?? 0
    #expect(report.accountingProblems.isEmpty, "\(report.accountingProblems)")
    #expect(report.approximate && report.asExpected)
    #expect(report.maxLogitDifference > 0)
    // Compared while both runs still read the same text: up to the step whose logits picked
    // the first different token (after it, the contexts differ and so may every logit).
    let int8 = try model.generate(
      prompt: Self.pangram, steps: 20, policy: Int8Cache(), collectLogits: true)
    let sameText = (report.firstDivergence ?? full.logits.count) + 1
    let moved =
      zip(full.logits.prefix(sameText), int8.logits.prefix(sameText))
      .flatMap { zip($0, $1).map { abs($0 - $1) } }.max() ?? 0
    #expect(moved > 0)
    #expect(moved < largest / 100, "\(moved) \(largest)")
    // The first divergence, if any, is where the recorded tokens first differ.
    let a = report.reference.generatedTokens.map(\.id)
    let b = report.cached.generatedTokens.map(\.id)
    #expect(report.firstDivergence == zip(a, b).enumerated().first { $1.0 != $1.1 }?.offset)
  }

  @Test(.tags(.unit)) func eachKVHeadIsRoundedWithItsOwnScale() {
    let config = ModelConfig(
      layers: 1, heads: 2, kvHeads: 2, dim: 8, mlpDim: 16, contextLength: 4, vocabularySize: 8)
    let rows = Int8Rows(config: config)
    for i in 0..<config.kvDim {
      rows.stagingKey[i] = Float(i) - 2
      rows.stagingValue[i] = 0
    }
    rows.store(layer: 0, position: 1)
    let event = rows.event(step: 0, layer: 0, kvHead: 1, positions: PositionSet([1]))
    #expect(event.keyScales == [5 / 127])  // head 1 holds 2, 3, 4, 5
    #expect(event.valueScales == [0] && event.valueErrors == [0])  // a row of zeros is exact
    rows.dequantize(layer: 0, positions: [1])
    #expect(abs(rows.readKeys[config.kvDim + 7] - 5) < 1e-6)
    #expect(rows.readValues[config.kvDim + 7] == 0)
  }

  @Test(.tags(.unit)) func theNameParsesAndTakesNoNumber() throws {
    #expect(try CachePolicies.parse("int8") as? Int8Cache == Int8Cache())
    #expect(CachePolicies.all.contains { $0.name == "int8" })
    let config = try Self.model().config
    #expect(Int8Cache().makeCache(config: config).int8 != nil)
    #expect(FullCache().makeCache(config: config).int8 == nil)
    for bad in ["int8:3", "int8,window:4", "INT8", "int4"] {
      #expect(throws: CachePolicyError.unknown(bad)) { try CachePolicies.parse(bad) }
    }
    #expect(CachePolicyError.unknown("int8:3").description.hasSuffix("use --cache int8"))
  }
}
