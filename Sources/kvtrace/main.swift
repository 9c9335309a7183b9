// kvtrace's entry point: read the world, run the command, write the results.
// Everything between lives in `KVTraceCLI`, which is pure and tested directly.

Platform.handleClosedPipes()  // a reader leaving ends kvtrace quietly; write errors exit 74
Platform.handlesInterrupts = true  // an export stopped midway removes its temporary file
Platform.installThreadYield()  // the worker threads' sched_yield, while they wait
Platform.installHugePages()  // madvise(MADV_HUGEPAGE) for the weights, on Linux
Platform.selectKernels(environment: ProcessEnvironment.current)  // KVTRACE_KERNELS=portable
var result = KVTraceCLI.run(
  arguments: Array(CommandLine.arguments.dropFirst()),
  environment: ProcessEnvironment.current,
  stdoutIsTerminal: Platform.stdoutIsTerminal,
  stdinIsTerminal: Platform.stdinIsTerminal,
  warn: { Platform.write($0, toStandardError: true) })
if let walkThrough = result.walkThrough {
  result = walkThrough.run()  // `kvtrace step` on a terminal: raw mode until the person quits
}
Platform.finish(result)  // exit 74 with one line if standard output cannot take the output
