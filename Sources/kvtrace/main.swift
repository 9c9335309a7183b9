// kvtrace's entry point: read the world, run the command, write the results.
// Everything between lives in `KVTraceCLI`, which is pure and tested directly.

let result = KVTraceCLI.run(
  arguments: Array(CommandLine.arguments.dropFirst()),
  environment: ProcessEnvironment.current,
  stdoutIsTerminal: Platform.stdoutIsTerminal,
  warn: { Platform.write($0, toStandardError: true) })
Platform.write(result.output)
Platform.write(result.error, toStandardError: true)
Platform.exit(result.code.rawValue)
