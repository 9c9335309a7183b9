import KVTrace
import TinyTransformer

extension KVTraceCLI {
  /// The prompt of `options` decoded again with policy `none` (same steps, sampling and
  /// seed, same detail): the real run the `c` views of `kvtrace step` draw beside the
  /// cached one.
  ///
  /// `nil` when there is nothing to add (the run is already `none`) or no such run fits
  /// (two prompts decoded together share paged blocks; decoding them apart is another
  /// run), and when the decode fails: the views then say the run is not there.
  static func uncachedRun(_ options: RunOptions) -> Trace? {
    if case .none = options.policy.info.kind { return nil }
    guard options.secondPrompt == nil else { return nil }
    do {
      let model = try options.commandModel()
      var log = TraceLog(detail: options.detail)
      _ = try model.generate(options, policy: NoCache(), collectLogits: false, recorder: &log)
      return log.trace
    } catch {
      return nil
    }
  }
}
