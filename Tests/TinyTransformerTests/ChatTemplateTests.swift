// Chat templates against jinja2: what the real templates render for one user message with
// add_generation_prompt (Fixtures/bpe/chat.json), and the errors for templates kvtrace does
// not recognize.

import Foundation
import Testing
import TinyTransformer

@Suite(.tags(.oracle)) struct ChatTemplateTests {
  let expected: ChatExpectations

  init() throws { expected = try BPEFixtures.chat() }

  @Test(arguments: ["smollm2", "qwen2", "llama2", "llama3"])
  func wrapsAsJinjaRendersTheTemplate(_ name: String) throws {
    let template = try ChatTemplate(#require(expected.templates[name]))
    let rendered = try #require(expected.rendered[name])
    let bos = try #require(expected.bos[name])
    #expect(expected.prompts.map { template.wrap($0, beginningOfSequence: bos) } == rendered)
  }

  @Test func recognizesEachFormat() throws {
    let formats = try ["smollm2", "qwen2", "llama2", "llama3"].map {
      try ChatTemplate(#require(expected.templates[$0])).format
    }
    #expect(
      formats == [
        .chatML(
          defaultSystem: "You are a helpful AI assistant named SmolLM, trained by Hugging Face"),
        .chatML(defaultSystem: "You are a helpful assistant."), .llama2, .llama3,
      ])
  }

  @Test func smollm2PromptEncodesWithItsSpecialTokens() throws {
    let tokenizer = try BPEFixtures.smollm2.get()
    let template = try ChatTemplate(#require(tokenizer.chatTemplate))
    let ids = tokenizer.encode(template.wrap("The quick brown fox"))
    // <|im_start|> system ↵ … <|im_end|> ↵ <|im_start|> user ↵ The quick brown fox <|im_end|> ↵
    // <|im_start|> assistant ↵
    #expect(ids.first == 1)
    #expect(ids.filter { $0 == 1 }.count == 3)
    #expect(ids.filter { $0 == 2 }.count == 2)
    #expect(Array(ids.suffix(4)) == tokenizer.encode("<|im_start|>assistant\n"))
    #expect(tokenizer.decode(ids) == template.wrap("The quick brown fox"))
  }

  @Test func anotherTemplateIsAOneLineError() {
    let zephyr = "{% for message in messages %}{{ '<|user|>\\n' + message['content'] }}{% endfor %}"
    #expect(throws: ChatTemplateError.self) { try ChatTemplate(zephyr) }
    do {
      _ = try ChatTemplate(zephyr)
    } catch {
      #expect(error.description.hasPrefix("the model's chat template is not ChatML"))
      #expect(!error.description.contains("\n"))
    }
    let dated = "<|start_header_id|>system<|end_header_id|>Cutting Knowledge Date<|eot_id|>"
    #expect(throws: ChatTemplateError.unsupported("Llama 3.1's, which dates its system message")) {
      try ChatTemplate(dated)
    }
  }
}
