import KVTrace

extension KVTraceCLI {
  /// The step `kvtrace step --start N` opens at: `N`, checked against the steps the
  /// trace holds (0, the prefill, to the last decode step; with two prompts, the
  /// longer sequence's).
  ///
  /// - Throws: ``UsageError`` naming the range when `N` is past the last step.
  static func startStep(_ parsed: ParsedArguments, of trace: Trace) throws(UsageError) -> Int {
    let start = try parsed.int(OptionCatalog.start)
    let counts = (0..<trace.header.sequenceCount).map { trace.steps(sequence: $0).count }
    let last = max(0, (counts.max() ?? 1) - 1)
    guard start <= last else {
      throw UsageError(
        "--start \(start) is past the last step: this run has steps 0 to \(last)",
        fix: "pick a step in 0...\(last), or decode more with --steps")
    }
    return start
  }
}
