// Issue 15, finding 3: weights that are each finite can still overflow to infinity in the
// logits. Decoding stops at the first such step, naming it, instead of sampling from NaN
// probabilities (which a trace would hold as `null`).

import Foundation
import KVTrace
import Testing

@testable import TinyTransformer

@Suite(.tags(.unit)) struct NonFiniteLogitTests {
  /// A separate classifier, so the final norm and the classifier are tensors of their own.
  static let shape = fixtureShapes[1]

  /// The fixture checkpoint with the final norm (tensor 10) and the classifier (tensor 13)
  /// set to `value`: both finite, their product per logit term `value²`.
  static func checkpoint(finalNormAndClassifier value: Float) -> Data {
    var data = checkpointData(shape)
    let sizes = shape.tensorSizes
    for tensor in [10, 13] {
      let first = 28 + 4 * sizes[..<tensor].reduce(0, +)
      for offset in stride(from: first, to: first + 4 * sizes[tensor], by: 4) {
        withUnsafeBytes(of: value.bitPattern.littleEndian) {
          data.replaceSubrange(offset..<(offset + 4), with: $0)
        }
      }
    }
    return data
  }

  @Test(arguments: [false, true])
  func logitsThatOverflowStopTheRunAtTheirStep(recording: Bool) throws {
    // 1e30 × 1e30 overflows a Float (at most about 3.4e38) in every term of every logit.
    let model = try fixtureModel(Self.shape, data: Self.checkpoint(finalNormAndClassifier: 1e30))
    let prompt = model.tokenizer.encode("ab")
    var log = TraceLog(detail: .full)
    #expect(throws: DecodeError.nonFiniteLogit(step: 0, position: prompt.count)) {
      if recording {
        _ = try model.generate(promptTokens: prompt, steps: 3, recorder: &log)
      } else {
        _ = try model.generate(prompt: "ab", steps: 3)
      }
    }
    let tokens = log.trace?.events.filter { if case .token = $0 { true } else { false } }
    #expect(tokens?.isEmpty ?? true, "no token, so no probability, was recorded")
  }

  @Test func aSmallTemperatureThatOverflowsFiniteLogitsStopsTheRunToo() throws {
    // Each logit term is about 1e36: finite, so greedy decoding runs; divided by a
    // temperature of 0.001 it is not.
    let model = try fixtureModel(Self.shape, data: Self.checkpoint(finalNormAndClassifier: 1e18))
    let greedy = try model.generate(prompt: "ab", steps: 2)
    #expect(greedy.tokens.count == 3)
    #expect(throws: DecodeError.nonFiniteLogit(step: 0, position: greedy.promptTokens.count)) {
      _ = try model.generate(
        prompt: "ab", steps: 2, sampling: Sampling(temperature: 0.001, topK: 0))
    }
  }

  @Test func theDescriptionNamesTheStepAndPositionAndTheCheckpoint() {
    let text = DecodeError.nonFiniteLogit(step: 4, position: 9).description
    #expect(text.hasPrefix("step 4 (position 9) computed a logit that is not a finite number"))
    #expect(text.contains("the checkpoint is probably damaged"))
    #expect(!text.contains("\n"))
  }

  @Test func allFiniteFindsAnyInfinityOrNaNAnywhere() {
    let finite: [Float] = [0, -0, 1, -3.4e38, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
    finite.withUnsafeBufferPointer { #expect(DecodingLoop.allFinite($0)) }
    for bad in [Float.infinity, -.infinity, .nan, -.nan, .signalingNaN] {
      for index in [0, 3, 32, 99] {
        var values = [Float](repeating: 1.5, count: 100)
        values[index] = bad
        values.withUnsafeBufferPointer {
          #expect(!DecodingLoop.allFinite($0), "\(bad) at \(index)")
        }
      }
    }
    [Float]().withUnsafeBufferPointer { #expect(DecodingLoop.allFinite($0)) }
  }
}
