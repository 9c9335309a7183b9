import KVTrace
import TinyTransformer

extension KVTraceCLI {
  /// The prompt of `options` decoded again with policy `none` (same steps, sampling and
  /// seed, same detail): the real run the `c` views of `kvtrace step` draw beside the
  /// cached one. For two prompts, each decoded alone: together they share paged blocks,
  /// which a run without a cache has none of.
  ///
  /// Empty when there is nothing to add (the run is already `none`) and when a decode
  /// fails: the views then say the run is not there.
  static func uncachedRuns(_ options: RunOptions) -> [Trace] {
    if case .none = options.policy.info.kind { return [] }
    guard let model = try? options.commandModel(),
      let options = try? options.wrappingChat(model)
    else { return [] }
    var prompts = [options]
    if let second = options.secondPrompt {
      var alone = options
      alone.prompt = second
      prompts.append(alone)
    }
    do {
      return try prompts.map { prompt in
        var single = prompt
        single.secondPrompt = nil
        var log = TraceLog(detail: options.detail)
        _ = try model.generate(single, policy: NoCache(), collectLogits: false, recorder: &log)
        guard let trace = log.trace else { throw UncachedRunMissing() }
        return trace
      }
    } catch {
      return []
    }
  }

  /// A decode that left no trace: the views say the run is not there.
  private struct UncachedRunMissing: Error {}
}
