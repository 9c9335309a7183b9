import Testing

/// `KVTRACE_KERNELS` selects the kernels `kvtrace` runs; every variant prints the same
/// bytes, `bench` names the one that ran, and an unknown name is one line on standard error.
@Suite(.tags(.endToEnd)) struct KernelVariantEndToEndTests {
  static let run = ["run", "--steps", "8", "--detail", "full", "--export", "-", "--format", "json"]

  @Test func forcingThePortableKernelsPrintsTheSameBytes() throws {
    let widest = try runKVTrace(Self.run)
    let portable = try runKVTrace(
      Self.run, environment: testEnvironment(["KVTRACE_KERNELS": "portable"]))
    #expect(widest.status == 0 && portable.status == 0)
    #expect(portable.stdout == widest.stdout)
    #expect(portable.error.isEmpty)
  }

  /// Each variant by name (one this processor lacks leaves the widest running, with a
  /// line on standard error): the same bytes as the widest. On this project's machines
  /// with AVX-512 that is three variants, with AVX2 two.
  @Test(arguments: ["portable", "avx2", "avx512"])
  func everyVariantPrintsTheSameBytes(_ name: String) throws {
    let widest = try runKVTrace(Self.run)
    let chosen = try runKVTrace(Self.run, environment: testEnvironment(["KVTRACE_KERNELS": name]))
    #expect(chosen.status == 0)
    #expect(chosen.stdout == widest.stdout, "\(name)")
  }

  @Test func benchNamesTheVariantThatRan() throws {
    let arguments = ["bench", "--shape", "demo", "--runs", "1", "--tokens", "8", "--threads", "1"]
    let portable = try runKVTrace(
      arguments, environment: testEnvironment(["KVTRACE_KERNELS": "portable"]))
    #expect(portable.status == 0)
    #expect(portable.output.contains("kernels: portable"))
  }

  @Test func anUnknownVariantIsOneLineAndTheRunGoesOn() throws {
    let result = try runKVTrace(
      ["run", "--steps", "2"], environment: testEnvironment(["KVTRACE_KERNELS": "avx9000"]))
    #expect(result.status == 0)
    let lines = result.error.split(separator: "\n")
    #expect(lines.count == 1)
    #expect(lines.first?.contains("KVTRACE_KERNELS=avx9000") == true)
    #expect(lines.first?.contains("portable") == true)
  }
}
