import KVTrace
import Testing

private let config = ModelConfig(
  layers: 2, heads: 4, kvHeads: 2, dim: 16, mlpDim: 32, contextLength: 16, vocabularySize: 300)

private func header(prompt: [TraceToken], steps: Int) -> TraceHeader {
  TraceHeader(
    model: config, weights: "random, seed 7",
    policy: CachePolicyInfo(kind: .full, exact: true, summary: "keeps every row"), seed: 7,
    sampling: .greedy, prompt: prompt.map(\.text).joined(), promptTokens: prompt,
    decodeSteps: steps, detail: .full)
}

private let prompt = [TraceToken(id: 300 - 1, text: "The"), TraceToken(id: 42, text: " fox")]

private func token(step: Int, position: Int, id: Int, text: String) -> TraceEvent {
  let chosen = TokenCandidate(token: id, text: text, probability: 0.5)
  return .token(TokenEvent(step: step, position: position, chosen: chosen, candidates: [chosen]))
}

private func counters(step: Int, computed: Int, reused: Int) -> TraceEvent {
  .counters(
    StepCounters(
      step: step, rowsComputed: computed, rowsReused: reused, flops: 10, flopsWithoutCache: 20,
      cacheBytes: 64))
}

private func attention(step: Int, layer: Int, head: Int, query: Int) -> TraceEvent {
  .attention(
    AttentionEvent(
      step: step, layer: layer, head: head, kvHead: config.kvHead(forQueryHead: head),
      query: query, keys: PositionSet(0..<(query + 1))))
}

/// A hand-built full-cache run: a two-token prefill, then one decode step.
private func sampleTrace() -> Trace {
  var events: [TraceEvent] = [
    .stepBegan(StepBegan(step: 0, phase: .prefill, queries: 0..<2, sequenceLength: 2))
  ]
  for query in 0..<2 {
    events.append(attention(step: 0, layer: 0, head: 1, query: query))
  }
  events.append(
    .rows(RowsEvent(step: 0, layer: 0, kvHead: 0, fresh: PositionSet(0..<2), reused: .init())))
  events.append(counters(step: 0, computed: 2, reused: 0))
  events.append(token(step: 0, position: 2, id: 7, text: " jumps"))
  events.append(
    .stepBegan(StepBegan(step: 1, phase: .decode, queries: 2..<3, sequenceLength: 3)))
  events.append(attention(step: 1, layer: 0, head: 1, query: 2))
  events.append(attention(step: 1, layer: 1, head: 1, query: 2))
  events.append(
    .rows(
      RowsEvent(
        step: 1, layer: 0, kvHead: 0, fresh: PositionSet(2..<3), reused: PositionSet(0..<2))))
  events.append(
    .rows(
      RowsEvent(
        step: 1, layer: 1, kvHead: 1, fresh: PositionSet(2..<3), reused: PositionSet([1]),
        evicted: PositionSet([0]))))
  events.append(counters(step: 1, computed: 2, reused: 3))
  events.append(token(step: 1, position: 3, id: 9, text: " over"))
  return Trace(header: header(prompt: prompt, steps: 1), events: events)
}

@Test(.tags(.unit)) func stepsGroupEventsByStep() throws {
  let steps = sampleTrace().steps
  try #require(steps.count == 2)
  #expect(steps.map(\.step) == [0, 1])
  #expect(steps[0].began.phase == .prefill)
  #expect(steps[1].began.phase == .decode)
  #expect(steps[0].attention.map(\.query) == [0, 1])
  #expect(steps[0].rows.count == 1)
  #expect(steps[1].attention.count == 2)
  #expect(steps[1].rows.count == 2)
  #expect(steps[0].token?.chosen.text == " jumps")
  #expect(steps[1].token?.chosen.text == " over")
  #expect(steps[0].counters?.rowsComputed == 2)
  #expect(steps[1].counters?.rowsReused == 3)
  for record in steps {
    #expect(record.attention.allSatisfy { $0.step == record.step })
    #expect(record.rows.allSatisfy { $0.step == record.step })
  }
}

@Test(.tags(.unit)) func eventsBeforeTheFirstStepOrOfAnotherStepAreNotFiled() {
  var trace = sampleTrace()
  trace.events.insert(attention(step: 0, layer: 0, head: 0, query: 0), at: 0)
  // A stray event of step 0 after step 1 began does not belong to step 1.
  trace.events.append(attention(step: 0, layer: 0, head: 0, query: 1))
  let steps = trace.steps
  #expect(steps.count == 2)
  #expect(steps[0].attention.count == 2)
  #expect(steps[1].attention.count == 2)
  #expect(Trace(header: trace.header, events: []).steps.isEmpty)
}

@Test(.tags(.unit)) func sourceOfReportsFreshReusedAndNotCached() throws {
  let steps = sampleTrace().steps
  let prefill = steps[0]
  #expect(prefill.source(of: 0, layer: 0, kvHead: 0) == .fresh)
  #expect(prefill.source(of: 1, layer: 0, kvHead: 0) == .fresh)
  #expect(prefill.source(of: 2, layer: 0, kvHead: 0) == .notCached)
  #expect(prefill.source(of: 0, layer: 1, kvHead: 0) == .notCached)  // no rows event
  let decode = steps[1]
  #expect(decode.source(of: 0, layer: 0, kvHead: 0) == .reused)
  #expect(decode.source(of: 1, layer: 0, kvHead: 0) == .reused)
  #expect(decode.source(of: 2, layer: 0, kvHead: 0) == .fresh)
  #expect(decode.source(of: 0, layer: 1, kvHead: 1) == .evicted)  // left at this step
  #expect(decode.source(of: 1, layer: 1, kvHead: 1) == .reused)
  #expect(decode.source(of: 2, layer: 1, kvHead: 1) == .fresh)
  #expect(decode.source(of: 2, layer: 0, kvHead: 0, kind: .cross) == .notCached)
  let rows = try #require(decode.rows(layer: 1, kvHead: 1))
  #expect(rows.evicted == PositionSet([0]))
  #expect(decode.rows(layer: 1, kvHead: 0) == nil)
}

@Test(.tags(.unit)) func newestAttentionPicksTheLastMatchingEvent() throws {
  let steps = sampleTrace().steps
  let prefill = try #require(steps[0].newestAttention(layer: 0, head: 1))
  #expect(prefill.query == 1)
  #expect(prefill.keys == PositionSet(0..<2))
  let decode = try #require(steps[1].newestAttention(layer: 1, head: 1))
  #expect(decode.query == 2)
  #expect(decode.layer == 1)
  #expect(steps[1].newestAttention(layer: 0, head: 0) == nil)
  #expect(steps[1].newestAttention(layer: 0, head: 1, kind: .cross) == nil)
}

@Test(.tags(.unit)) func tokensAreThePromptThenEachChoice() {
  let trace = sampleTrace()
  #expect(trace.tokens.map(\.id) == [299, 42, 7, 9])
  #expect(trace.tokens.map(\.text) == ["The", " fox", " jumps", " over"])
  #expect(
    trace.generatedTokens == [TraceToken(id: 7, text: " jumps"), TraceToken(id: 9, text: " over")])
  let empty = Trace(header: header(prompt: prompt, steps: 0), events: [])
  #expect(empty.tokens == prompt)
  #expect(empty.generatedTokens.isEmpty)
}

@Test(.tags(.unit)) func eventStepIsTheCarriedStep() {
  for event in sampleTrace().events {
    switch event {
    case .stepBegan(let e): #expect(event.step == e.step)
    case .rows(let e): #expect(event.step == e.step)
    case .attention(let e): #expect(event.step == e.step)
    case .token(let e): #expect(event.step == e.step)
    case .counters(let e): #expect(event.step == e.step)
    case .quantization(let e): #expect(event.step == e.step)
    case .blocks(let e): #expect(event.step == e.step)
    }
  }
  #expect(sampleTrace().events.map(\.step) == [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
}

private func record(into recorder: inout some TraceRecorder, _ trace: Trace) {
  recorder.begin(trace.header)
  for event in trace.events { recorder.record(event) }
}

@Test(.tags(.unit)) func traceLogCollectsTheHeaderAndEveryEvent() throws {
  var log = TraceLog(detail: .summary)
  #expect(log.trace == nil)
  #expect(log.isRecording)
  #expect(log.detail == .summary)
  #expect(TraceLog().detail == .full)
  let expected = sampleTrace()
  record(into: &log, expected)
  let trace = try #require(log.trace)
  #expect(trace == expected)
  #expect(log.events.count == expected.events.count)
  #expect(log.header == expected.header)
}

@Test(.tags(.unit)) func noRecorderRecordsNothing() {
  var recorder = NoRecorder()
  #expect(!recorder.isRecording)
  #expect(recorder.detail == .summary)
  record(into: &recorder, sampleTrace())
  #expect(!recorder.isRecording)
}

@Test(.tags(.unit)) func modelConfigDerivedValues() {
  #expect(config.headSize == 4)
  #expect(config.kvDim == 8)
  #expect(config.queriesPerKVHead == 2)
  #expect(config.cacheBytesPerPosition == 2 * 2 * 8 * 4)
  let gqa = ModelConfig(
    layers: 3, heads: 8, kvHeads: 2, dim: 64, mlpDim: 128, contextLength: 32, vocabularySize: 10)
  #expect(gqa.headSize == 8)
  #expect(gqa.kvDim == 16)
  #expect(gqa.queriesPerKVHead == 4)
  #expect((0..<8).map(gqa.kvHead(forQueryHead:)) == [0, 0, 0, 0, 1, 1, 1, 1])
  #expect(gqa.cacheBytesPerPosition == 2 * 3 * 16 * 4)
  let mqa = ModelConfig(
    layers: 1, heads: 4, kvHeads: 1, dim: 32, mlpDim: 8, contextLength: 8, vocabularySize: 10)
  #expect((0..<4).map(mqa.kvHead(forQueryHead:)) == [0, 0, 0, 0])
  #expect(mqa.cacheBytesPerPosition == 2 * 1 * 8 * 4)
  let mha = ModelConfig(
    layers: 2, heads: 4, kvHeads: 4, dim: 32, mlpDim: 8, contextLength: 8, vocabularySize: 10)
  #expect((0..<4).map(mha.kvHead(forQueryHead:)) == [0, 1, 2, 3])
  #expect(mha.kvDim == mha.dim)
}

/// A trace remembers each sequence's tokens once found (renderers ask at every step); a
/// change to its events or header, or to a copy's, must not see the old answer.
@Test(.tags(.unit)) func tokensFollowChangesToTheEventsAndTheHeader() {
  var trace = sampleTrace()
  #expect(trace.tokens.map(\.text) == ["The", " fox", " jumps", " over"])
  let before = trace
  trace.events.append(token(step: 2, position: 4, id: 11, text: " the"))
  #expect(trace.tokens.map(\.text) == ["The", " fox", " jumps", " over", " the"])
  #expect(before.tokens.map(\.text) == ["The", " fox", " jumps", " over"])
  trace.header.promptTokens = [TraceToken(id: 5, text: "A")]
  #expect(trace.tokens.map(\.text) == ["A", " jumps", " over", " the"])
  trace.events.removeAll()
  #expect(trace.tokens.map(\.text) == ["A"])
  #expect(trace != before)
  #expect(sampleTrace() == before)
}
