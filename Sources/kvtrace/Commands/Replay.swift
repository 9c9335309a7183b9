import KVTrace
import KVTraceRender

/// `kvtrace replay FILE`: draw a saved trace with the renderers of `kvtrace run`.
///
/// The trace holds everything the renderers read (header and events), so the
/// output is byte for byte what `kvtrace run` printed for the run that exported
/// it, with the same `--layer`, `--head`, `--color` and `--ascii`. No model is
/// built and nothing is decoded again. With `--step` the trace is walked through
/// on the terminal as `kvtrace step` walks through a fresh run. With `--export FILE` the
/// trace is also written to FILE, in any format: `--format html` makes it a web page.
///
/// `FILE` is `-` for standard input (`kvtrace run --export - --format jsonl |
/// kvtrace replay -`). What may be read, and how much, is ``Files/readTrace(_:stdinIsTerminal:)``'s
/// rule: regular files, standard input and FIFOs with a writer, up to 1 GiB.
enum Replay {
  static func run(
    _ arguments: ParsedArguments, environment: [String: String], stdoutIsTerminal: Bool,
    stdinIsTerminal: Bool
  ) throws(UsageError) -> CommandResult {
    let style = try RunOptions.style(
      arguments, environment: environment, stdoutIsTerminal: stdoutIsTerminal)
    let file = arguments.positionals.first ?? ""
    let bytes: [UInt8]
    do {
      bytes = try Files.readTrace(file, stdinIsTerminal: stdinIsTerminal)
    } catch {
      return error.result
    }
    let path = file == "-" ? "standard input" : file
    let trace: Trace
    do {
      trace = try TraceDecoder.decode(bytes)
    } catch {
      guard let prefix = error.wholePrefix else {
        return .failure("\(path): \(error)", .dataError)
      }
      // Cut short: draw the whole steps, then say where the file ends.
      let roles = try? HeadRoles(prefix)
      let focus = try RunOptions.focus(arguments, for: prefix, roles: roles)
      let steps = prefix.steps.count
      var result = CommandResult.failure(
        "\(path): \(error); the \(steps) whole \(steps == 1 ? "step" : "steps") before it "
          + "\(steps == 1 ? "is" : "are") shown above", .dataError)
      result.output = RunRenderer.render(
        prefix, focus: focus, style: style, roles: roles, threads: Platform.processorCount)
      return result
    }
    let roles = try? HeadRoles(trace)  // once: the drawn head and the summaries need them
    let focus = try RunOptions.focus(arguments, for: trace, roles: roles)
    // Another format: a page, a frame, a Chrome trace. A page opens at the head asked for.
    if let export = try ExportRequest(arguments, environment: environment) {
      let shown = ExportView(
        focus: RunOptions.focusIsDefault(arguments) ? nil : focus, style: style)
      do { try Exporter.write(trace, as: export, to: export.path, view: shown) } catch {
        return error.result
      }
      if export.writesToStandardOutput { return CommandResult() }
    }
    guard arguments.has("interactive") else {
      return CommandResult(
        output: RunRenderer.render(
          trace, focus: focus, style: style, roles: roles, threads: Platform.processorCount))
    }
    return KVTraceCLI.walkThrough(
      trace, focus: focus, roles: roles, style: style, environment: environment,
      isTerminal: stdinIsTerminal && stdoutIsTerminal, command: "kvtrace replay --interactive",
      start: try KVTraceCLI.startStep(arguments, of: trace))
  }
}
