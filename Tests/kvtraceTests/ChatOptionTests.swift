import Testing

@testable import kvtrace

@Test(.tags(.unit)) func chatWithoutAChatTemplateIsAUsageError() {
  for command in ["run", "step", "compare"] {
    let result = runCLI([command, "--chat", "--steps", "1"])
    #expect(result.code == .usage)
    #expect(result.output.isEmpty)
    #expect(
      result.error.hasPrefix(
        "kvtrace: --chat wraps the prompt in the model's chat format, but this model has no "
          + "chat template"))
    #expect(result.error.filter { $0 == "\n" }.count == 1)
  }
}
