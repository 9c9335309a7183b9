import Foundation
import KVTrace
import TinyTransformer

/// `kvtrace bench --model PATH`: decode speed of a real model at one thread and at
/// `--threads`, next to the bound the memory sets.
///
/// Decoding a token reads every weight once (``TinyTransformer/weightBytesPerToken``, as
/// stored: SmolLM2's 4-bit blocks, not floats), so tokens/s × bytes/token is the bandwidth
/// decoding draws; divided by what one pass over as many bytes measures on this machine,
/// it is the share of the bound decoding reaches. The prompt is `The quick brown fox`, the
/// runs take turns with the probe, and each figure is a median.
enum BenchModelFile {
  /// The prompt every run decodes from, as llama.cpp's comparison uses it.
  static let prompt = "The quick brown fox"

  static func run(
    _ model: TinyTransformer, name: String, tokens: Int, runs: Int, threads: Int, json: Bool
  ) throws -> CommandResult {
    let promptTokens = model.tokenizer.encode(prompt)
    let steps = min(tokens, model.config.contextLength - promptTokens.count) - 1
    let counts = threads > 1 ? [1, threads] : [1]
    let probe = BandwidthProbe(bytes: max(64 << 20, model.weightBytesPerToken))
    var seconds = [[Double]](repeating: [], count: counts.count)
    var passes: [Double] = []
    for _ in 0..<runs {
      for (index, count) in counts.enumerated() {
        var threaded = model
        threaded.threads = count
        var off = NoRecorder()
        seconds[index].append(
          try Stopwatch.seconds {
            // The prompt's prefill is timed too; decoding `steps` tokens dominates.
            _ = try threaded.generate(promptTokens: promptTokens, steps: steps, recorder: &off)
          })
      }
      passes.append(probe.measure())
    }
    let bandwidth = passes.max() ?? 0  // the fastest pass: the bound, as in `bench`
    let bytes = model.weightBytesPerToken
    let rates = seconds.map { Double(steps + 1) / Stopwatch.median($0) }
    let rows = zip(counts, rates).map { count, rate in
      (count, rate, rate * Double(bytes) / bandwidth)
    }
    if json {
      let items = rows.map {
        "{\"threads\":\($0.0),\"tokensPerSecond\":\(Self.fixed($0.1, 2)),"
          + "\"boundShare\":\(Self.fixed($0.2, 3))}"
      }
      return CommandResult(
        output: "{\"model\":\"\(TerminalText.escaped(name))\",\"tokens\":\(steps + 1),"
          + "\"weightBytesPerToken\":\(bytes),\"bandwidth\":\(Int(bandwidth)),"
          + "\"kernels\":\"\(KernelVariant.active.rawValue)\","
          + "\"runs\":[\(items.joined(separator: ","))]}\n")
    }
    var text = "model \(TerminalText.escaped(name)): \(model.config.layers) layers, dim "
    text += "\(model.config.dim), \(model.parameterCount) parameters (\(model.storedFormats))\n"
    text += BenchReport.kernelsLine + "\n"
    text += "decoding \(steps + 1) tokens after \"\(prompt)\", median of \(runs) runs\n"
    text += "weights read per token \(Self.fixed(Double(bytes) / 1e6, 1)) MB; one pass over "
    text += "memory \(Self.fixed(bandwidth / 1e9, 2)) GB/s\n"
    for (count, rate, share) in rows {
      text += "  \(count) thread\(count == 1 ? " " : "s"): \(Self.fixed(rate, 1)) tokens/s, "
      text += "\(Self.fixed(100 * share, 0))% of the bandwidth bound\n"
    }
    return CommandResult(output: text)
  }

  private static func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }
}
