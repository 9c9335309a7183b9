import KVTrace
import KVTraceRender

/// What a web page or an SVG frame draws besides the trace itself: the head the
/// command was asked to draw, the glyphs, and the runs without a cache.
///
/// A page opens on the head `--layer` and `--head` name (else the trace's clearest
/// induction head, as `kvtrace run` draws); an SVG draws the screen `kvtrace step`
/// shows at `--frame`'s step for that head, with `--ascii`'s glyphs.
struct ExportView {
  /// The head asked for, or `nil` for the trace's own choice.
  var focus: RenderFocus?
  /// The glyphs (`--ascii`); an SVG's colors come from ``ExportRequest/colors``.
  var style: RenderStyle
  /// The prompt decoded again without a cache, for the page's `c` views (one run per
  /// prompt); empty when there is none, and the page says so.
  var withoutCache: [Trace] = []

  /// The frames of `trace`, with the runs without a cache beside it.
  func frame(_ trace: Trace) -> InteractiveFrame {
    withoutCache.count > 1
      ? InteractiveFrame(trace: trace, withoutCacheByPrompt: withoutCache)
      : InteractiveFrame(trace: trace, withoutCache: withoutCache.first)
  }

  /// The SVG of `request`'s step of `trace`, as `kvtrace step` draws it.
  ///
  /// - Throws: ``UsageError`` when the step is past the trace's last, naming the range.
  func svg(_ trace: Trace, _ request: ExportRequest) throws(UsageError) -> [UInt8] {
    let step = request.frame ?? ExportRequest.defaultFrame
    let counts = (0..<trace.header.sequenceCount).map { trace.steps(sequence: $0).count }
    let last = max(0, (counts.max() ?? 1) - 1)
    guard step <= last else {
      throw UsageError(
        "--frame \(step) is past the last step: this run has steps 0 to \(last)",
        fix: "pick a step in 0...\(last), or decode more with --steps")
    }
    let focus = self.focus ?? .automatic(for: trace, roles: try? HeadRoles(trace))
    var style = self.style
    style.color = request.colors ? .truecolor : .none
    let svg = SVGFrame.render(
      frame(trace), state: InteractiveState(step: step, focus: focus), size: request.size,
      style: style)
    return Array(svg.utf8)
  }

  /// The web page of `trace`.
  func page(_ trace: Trace) -> [UInt8] {
    HTMLPage.render(trace, withoutCache: withoutCache, focus: focus)
  }
}

extension Exporter {
  /// A page embeds its run without a cache only while that run's JSON trace is estimated at
  /// most this many bytes: a long run decoded again without a cache costs minutes and
  /// gigabytes (every step recomputes every position), so its page says the run is not there.
  static let pageUncachedLimit = 8_000_000

  /// The runs without a cache a page of `options`' run draws in its `c` views: the prompt
  /// (each prompt) decoded again with `none`, when small enough (``pageUncachedLimit``).
  static func pageUncachedRuns(_ options: RunOptions, model: any CommandModel) -> [Trace] {
    guard let prompt = try? model.promptTokens(options.prompt) else { return [] }
    let size = estimatedBytes(
      config: model.config, promptTokens: prompt.count, steps: options.steps,
      recomputesEveryPosition: true)
    guard size * (options.secondPrompt == nil ? 1 : 2) <= pageUncachedLimit else { return [] }
    return KVTraceCLI.uncachedRuns(options)
  }
}
