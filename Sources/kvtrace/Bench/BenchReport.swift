import Foundation
import KVTrace
import TinyTransformer

/// What `kvtrace bench` measured, as a table or as JSON.
struct BenchReport: Encodable {
  struct Shape: Encodable {
    var name: String
    var config: ModelConfig
    var tokens: Int
    var weightBytesPerToken: Int
    /// One core's read bandwidth, bytes/s, measured between this shape's rounds.
    var bandwidth = 0.0
    /// The size of the buffer it was measured on.
    var bandwidthBytes = 0
    /// The bandwidth of all `threads` cores reading at once, bytes/s.
    var bandwidthTogether: Double?
    var tracingOff = 0.0
    var tracingSummary = 0.0
    var tracingFull = 0.0
    var threaded: Double?
    var noCacheTokens = 0
    var shortFull = 0.0
    var shortNone = 0.0
    var predictedSaving = 0.0
    /// A prompt's prefill, positions per second: all positions at once, one at a time.
    var prefillTokens = 0
    var prefillBatched = 0.0
    var prefillSingle = 0.0
    /// The same on the run's threads, when more than one.
    var prefillThreadedBatched: Double?
    var prefillThreadedSingle: Double?
    var exportBytes = 0
    var exportJSON = 0.0
    var exportJSONLines = 0.0
  }

  var runs: Int
  var noCacheRuns: Int
  var threads: Int
  /// The median of the shapes' bandwidths, bytes/s.
  var bandwidth = 0.0
  /// The largest buffer a bandwidth probe read (it counts in the peak memory).
  var bandwidthBytes = 0
  var shapes: [Shape] = []
  var peakMemoryBytes = 0
  /// The kernel variant the products ran (`portable`, `avx2`), and those available.
  var kernels = KernelVariant.active.rawValue
  var kernelsAvailable = KernelVariant.available.map(\.rawValue)

  func text() -> String {
    var lines = [
      "kvtrace bench: medians of \(runs) runs (\(noCacheRuns) for runs without a cache), "
        + "tokens per second",
      BenchReport.kernelsLine,
    ]
    for shape in shapes { lines += ["", ""] + describe(shape) }
    lines += [
      "",
      "peak memory while decoding: \(megabytes(Double(peakMemoryBytes))), of which "
        + "\(megabytes(Double(bandwidthBytes))) is the bandwidth probe's buffer",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  private func describe(_ s: Shape) -> [String] {
    let c = s.config
    let bound = s.bandwidth / Double(s.weightBytesPerToken)
    var lines = [
      "== \(s.name): \(c.layers) layers, \(c.heads) heads (\(c.kvHeads) KV), dim \(c.dim), "
        + "MLP \(c.mlpDim), vocabulary \(c.vocabularySize)",
      "memory read bandwidth, one core: \(gigabytes(s.bandwidth))/s (a SIMD sum over "
        + "\(megabytes(Double(s.bandwidthBytes))), the fastest of one pass between rounds)",
      "weights read per token \(megabytes(Double(s.weightBytesPerToken))); the bandwidth "
        + "allows at most \(fixed(bound, 1)) tokens/s",
      row("\(s.tokens) tokens, cache full, tracing off, 1 thread", s.tracingOff)
        + "  \(fixed(100 * s.tracingOff / bound, 1))% of the bandwidth bound",
    ]
    if let threaded = s.threaded {
      lines.append(
        row("  the same with \(threads) threads", threaded)
          + "  \(fixed(threaded / s.tracingOff, 2))× one thread")
      if let together = s.bandwidthTogether {
        lines.append(
          "    (\(threads) cores reading memory at once: \(gigabytes(together))/s, "
            + "\(fixed(together / s.bandwidth, 2))× one core: all that \(threads) threads can read)"
        )
      }
    }
    lines.append(
      row("  tracing summary", s.tracingSummary) + "  " + cost(s.tracingSummary, s.tracingOff))
    lines.append(
      row("  tracing full, streamed as JSON Lines", s.tracingFull) + "  "
        + cost(s.tracingFull, s.tracingOff))
    let measured = s.shortFull / s.shortNone
    lines += [
      row("\(s.noCacheTokens) tokens, cache none", s.shortNone),
      row("\(s.noCacheTokens) tokens, cache full", s.shortFull)
        + "  \(fixed(measured, 2))× faster; FLOPs predict \(fixed(s.predictedSaving, 2))×",
      "  " + why(measured: measured, predicted: s.predictedSaving),
      row("prefill of \(s.prefillTokens) tokens, all positions at once", s.prefillBatched)
        + "  \(fixed(s.prefillBatched / s.prefillSingle, 2))× one position at a time "
        + "(\(fixed(s.prefillSingle, 1))); the same bits",
    ]
    if let batched = s.prefillThreadedBatched, let single = s.prefillThreadedSingle {
      lines.append(
        row("  the same with \(threads) threads", batched)
          + "  \(fixed(batched / single, 2))× one position at a time (\(fixed(single, 1)))")
    }
    lines += [
      "export of the full trace (\(megabytes(Double(s.exportBytes)))): JSON "
        + "\(megabytes(s.exportJSON))/s, JSON Lines \(megabytes(s.exportJSONLines))/s"
    ]
    return lines
  }

  /// Which kernel variant ran, and which others this processor has.
  static var kernelsLine: String {
    let active = KernelVariant.active
    let others = KernelVariant.available.filter { $0 != active }.map(\.rawValue)
    return "kernels: \(active.rawValue)"
      + (others.isEmpty
        ? ""
        : " (also here: \(others.joined(separator: ", ")); "
          + (others.count == 1
            ? "KVTRACE_KERNELS=\(others[0]) selects it"
            : "KVTRACE_KERNELS=NAME selects one") + "; results are the same bits)")
  }

  private func why(measured: Double, predicted: Double) -> String {
    if measured < predicted * 0.9 {
      return "The cache saves less time than FLOPs: a cached step still pays costs the count "
        + "leaves out or underweights (the classifier over the whole vocabulary, sampling, "
        + "norms), and reads every weight from memory whatever it computes, while a step "
        + "without a cache runs all its positions through each layer together, reading "
        + "each weight once for all of them."
    }
    if measured > predicted * 1.1 {
      return "The cache saves more time than FLOPs: without it, every step streams the "
        + "weights from memory once per position, and memory, not arithmetic, is the limit."
    }
    return "Measured and counted savings agree: each position costs about the same to run, "
      + "and the cache runs one per step instead of all of them."
  }

  private func row(_ label: String, _ rate: Double) -> String {
    label.padding(toLength: 46, withPad: " ", startingAt: 0) + leftPad(fixed(rate, 1), 10)
  }

  private func cost(_ traced: Double, _ off: Double) -> String {
    let slower = 100 * (off / traced - 1)
    return slower >= 0
      ? "\(fixed(slower, 1))% slower than off" : "\(fixed(-slower, 1))% faster than off (noise)"
  }

  func json() -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    guard let data = try? encoder.encode(self) else { return "{}\n" }
    return String(decoding: data, as: UTF8.self) + "\n"
  }

  private func fixed(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
  }
  private func leftPad(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(0, width - text.count)) + text
  }
  private func gigabytes(_ bytes: Double) -> String { fixed(bytes / 1e9, 2) + " GB" }
  private func megabytes(_ bytes: Double) -> String { fixed(bytes / 1e6, 1) + " MB" }
}
