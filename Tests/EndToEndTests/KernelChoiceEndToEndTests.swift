// KVTRACE_KERNELS=portable keeps the Swift block kernels; on a CPU with AVX2 the default
// takes the C ones. Which ran must never show: the trace of a quantized model, with every
// layer's vectors, is the same file byte for byte either way.

import Foundation
import Testing

@Suite(.tags(.endToEnd)) struct KernelChoiceEndToEndTests {
  @Test(arguments: ["llama_quant.gguf", "llama_bf16_sharded"])
  func forcingThePortableKernelsWritesTheSameTrace(_ model: String) throws {
    let scratch = try ScratchDirectory()
    let path = LlamaModelEndToEndTests.fixture(model)
    let run = "\"$KVTRACE\" run --model '\(path)' --steps 6 --detail vectors --export"
    let status = try scratch.shell(
      "env -u KVTRACE_KERNELS \(run) default.json > default.txt 2> err && "
        + "KVTRACE_KERNELS=portable \(run) portable.json > portable.txt 2>> err")
    #expect(status == 0, "\(scratch.text("err"))")
    #expect(scratch.contents("default.json").count > 1000)
    #expect(scratch.contents("default.json") == scratch.contents("portable.json"))
    #expect(scratch.contents("default.txt") == scratch.contents("portable.txt"))
  }
}
