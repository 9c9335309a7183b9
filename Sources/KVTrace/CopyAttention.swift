/// How much an encoder-decoder's cross-attention reads the source token a step writes.
///
/// A summarizer that copies ("My friends eat too many carbs." from "My friends are cool but
/// they eat too many carbs.") must find, at every decoder step, the source word it is about
/// to write. The head that does so puts its cross-attention weight on that word's source
/// position: this measures, from the trace alone, the weight each decoder layer and head put
/// there, averaged over the decoder steps whose chosen token occurs in the source.
public struct CopyAttention: Sendable, Equatable {
  /// The decoder layer and head.
  public var layer, head: Int
  /// The mean cross-attention weight on the source positions holding the token written.
  public var share: Double
  /// How many decoder steps the mean is over.
  public var steps: Int

  /// The least mean share a head needs to count as the one that reads the copy; random
  /// weights spread their cross-attention over the whole source and stay far below it.
  public static let minimumShare = 0.5

  /// The weight `record`'s newest cross-attention query of `layer`/`head` put on the source
  /// positions whose token is the one the step writes, with the first such position; `nil`
  /// for a step that writes no source token or a trace without attention weights.
  public static func share(
    in record: StepRecord, source: [TraceToken], layer: Int, head: Int
  ) -> (position: Int, weight: Double)? {
    guard let written = record.token?.chosen.token,
      let event = record.newestAttention(layer: layer, head: head, kind: .cross),
      let weights = event.weights
    else { return nil }
    var found: (position: Int, weight: Double)?
    for (index, key) in event.keys.enumerated()
    where index < weights.count && key < source.count && source[key].id == written {
      found = (found?.position ?? key, (found?.weight ?? 0) + Double(weights[index]))
    }
    return found
  }

  /// Every decoder layer and head's mean share over the trace's decode steps, in layer
  /// then head order; empty for a decoder-only trace or one without weights.
  public static func measure(_ trace: Trace) -> [CopyAttention] {
    guard trace.header.architecture == .encoderDecoder else { return [] }
    let source = trace.sourceTokens
    let decoding = trace.steps.filter { $0.began.phase == .decode }
    let m = trace.header.model
    var result: [CopyAttention] = []
    for layer in 0..<m.layers {
      for head in 0..<m.heads {
        let shares = decoding.compactMap {
          share(in: $0, source: source, layer: layer, head: head)?.weight
        }
        guard !shares.isEmpty else { continue }
        result.append(
          CopyAttention(
            layer: layer, head: head, share: shares.reduce(0, +) / Double(shares.count),
            steps: shares.count))
      }
    }
    return result
  }

  /// The head that reads the copy most, if one reaches ``minimumShare`` over at least two
  /// steps; ties go to the earlier layer and head.
  public static func best(in trace: Trace) -> CopyAttention? {
    var best: CopyAttention?
    for candidate in measure(trace)
    where candidate.steps >= 2 && candidate.share >= minimumShare
      && candidate.share > best?.share ?? -1
    {
      best = candidate
    }
    return best
  }
}
