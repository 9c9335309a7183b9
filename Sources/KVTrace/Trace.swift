import Foundation

/// A recorded decoding: the header and every event, in order.
///
/// A trace is the single source of truth for every view of a run: the terminal
/// renderers, the JSON export and replay all read this value and nothing else.
/// It is an activation record for inspection, not the KV cache itself: the model
/// reads its cache back; nothing reads a trace back into the model.
public struct Trace: Sendable, Equatable {
  /// What ran, on what input.
  public var header: TraceHeader {
    didSet { tokenMemo = TokenMemo() }
  }
  /// Every event, in the order the model emitted it.
  public var events: [TraceEvent] {
    didSet { tokenMemo = TokenMemo() }
  }
  /// Each sequence's tokens once found: a renderer asks for them at every step, and each
  /// answer is a pass over every event. Cleared whenever the header or the events change.
  private var tokenMemo = TokenMemo()

  /// Creates a trace.
  public init(header: TraceHeader, events: [TraceEvent]) {
    self.header = header
    self.events = events
  }

  /// Two traces are equal when their headers and events are.
  public static func == (a: Trace, b: Trace) -> Bool {
    a.header == b.header && a.events == b.events
  }

  /// The events grouped by step, in step order.
  public var steps: [StepRecord] {
    var records: [StepRecord] = []
    for event in events {
      if case .stepBegan(let began) = event {
        records.append(StepRecord(began: began))
        continue
      }
      guard !records.isEmpty, records[records.count - 1].began.step == event.step,
        records[records.count - 1].began.sequence == event.sequence
      else { continue }
      records[records.count - 1].add(event)
    }
    return records
  }

  /// The steps of one sequence, in step order: all of ``steps`` for one prompt;
  /// with two prompts, sequence 0's or sequence 1's.
  public func steps(sequence: Int) -> [StepRecord] {
    steps.filter { $0.sequence == sequence }
  }

  /// Every token of the sequence so far: the prompt, then each step's chosen token.
  public var tokens: [TraceToken] { tokens(sequence: 0) }

  /// Every token of one sequence: its prompt, then each of its chosen tokens.
  public func tokens(sequence: Int) -> [TraceToken] {
    if let known = tokenMemo.tokens(sequence: sequence) { return known }
    var tokens = header.promptTokens(sequence: sequence)
    for case .token(let event) in events where event.sequence == sequence {
      tokens.append(TraceToken(id: event.chosen.token, text: event.chosen.text))
    }
    tokenMemo.remember(tokens, sequence: sequence)
    return tokens
  }

  /// The tokens the run generated, in order.
  public var generatedTokens: [TraceToken] {
    Array(tokens.dropFirst(header.promptTokens.count))
  }
}

/// The events of one step, sorted by kind.
public struct StepRecord: Sendable, Equatable {
  /// The step's start.
  public var began: StepBegan
  /// The rows events, one per (kind, layer, KV head).
  public var rows: [RowsEvent] = []
  /// The attention events, one per (kind, layer, head, query).
  public var attention: [AttentionEvent] = []
  /// The chosen token, if the step chose one.
  public var token: TokenEvent?
  /// The step's counters.
  public var counters: StepCounters?
  /// How an int8 cache rounded the fresh rows, one per (layer, KV head); empty otherwise.
  public var quantization: [QuantizationEvent] = []
  /// A paged cache's block table after the step, one per sequence (none for other policies).
  public var blocks: [BlocksEvent] = []

  /// Creates a record holding only the step's start.
  public init(began: StepBegan) { self.began = began }

  /// Files an event of this step under its kind.
  public mutating func add(_ event: TraceEvent) {
    switch event {
    case .stepBegan: break
    case .rows(let rows): self.rows.append(rows)
    case .attention(let attention): self.attention.append(attention)
    case .token(let token): self.token = token
    case .counters(let counters): self.counters = counters
    case .quantization(let event): quantization.append(event)
    case .blocks(let blocks): self.blocks.append(blocks)
    }
  }

  /// The step index.
  public var step: Int { began.step }

  /// The sequence the step ran: 0, or 1 for the second of two prompts.
  public var sequence: Int { began.sequence }

  /// The rows of one layer and KV head.
  public func rows(layer: Int, kvHead: Int, kind: AttentionKind = .self) -> RowsEvent? {
    rows.first { $0.layer == layer && $0.kvHead == kvHead && $0.kind == kind }
  }

  /// Where `position`'s row came from in one layer and KV head at this step.
  public func source(
    of position: Int, layer: Int, kvHead: Int, kind: AttentionKind = .self
  ) -> RowSource {
    rows(layer: layer, kvHead: kvHead, kind: kind)?.source(of: position) ?? .notCached
  }

  /// The attention of the newest query of this step for one layer and head.
  public func newestAttention(
    layer: Int, head: Int, kind: AttentionKind = .self
  ) -> AttentionEvent? {
    attention.last { $0.layer == layer && $0.head == head && $0.kind == kind }
  }
}

/// The tokens ``Trace/tokens(sequence:)`` found, kept for the next call on the same trace.
/// A class, so that a `let` trace can fill it; its lock makes that safe across threads.
private final class TokenMemo: @unchecked Sendable {
  // @unchecked: `known` is read and written only while `lock` is held.
  private let lock = NSLock()
  private var known: [Int: [TraceToken]] = [:]

  func tokens(sequence: Int) -> [TraceToken]? { lock.withLock { known[sequence] } }

  func remember(_ tokens: [TraceToken], sequence: Int) {
    lock.withLock { known[sequence] = tokens }
  }
}
