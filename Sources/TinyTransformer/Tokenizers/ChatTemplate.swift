/// The chat format a model was trained with, recognized from its Jinja chat template.
///
/// Instruction-tuned models read a conversation, not bare text: each turn is framed by
/// markers (ChatML's `<|im_start|>user` … `<|im_end|>`, Llama 2's `[INST]` … `[/INST]`,
/// Llama 3's `<|start_header_id|>user<|end_header_id|>` … `<|eot_id|>`), and the text ends
/// with the header of the assistant's turn so the model answers rather than continues the
/// question. kvtrace does not run Jinja: it recognizes the format by the markers the
/// template contains, and renders one user message as the template would with
/// `add_generation_prompt`.
public struct ChatTemplate: Sendable, Equatable {
  /// The formats kvtrace recognizes.
  public enum Format: Sendable, Equatable {
    /// ChatML (SmolLM2, Qwen2): `<|im_start|>role\n…<|im_end|>\n` per turn, with the system
    /// message the template puts first when the conversation has none (SmolLM2's "You are
    /// a helpful AI assistant named SmolLM, trained by Hugging Face"), or `nil`.
    case chatML(defaultSystem: String?)
    /// Llama 2: `<s>[INST] prompt [/INST]`, the prompt stripped of surrounding white space.
    case llama2
    /// Llama 3: `<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nprompt<|eot_id|>`
    /// then the assistant's header; the prompt is trimmed.
    case llama3
  }

  /// The recognized format.
  public let format: Format
  /// Whether the template writes the beginning-of-sequence token itself (`bos_token`).
  public let writesBeginning: Bool

  /// Recognizes the format of a chat template by its markers.
  ///
  /// - Parameter template: The template's Jinja text (`tokenizer.chat_template` in a GGUF,
  ///   `chat_template` in a `tokenizer_config.json`).
  /// - Throws: ``ChatTemplateError`` when it is none of the formats, or a variant whose
  ///   output depends on more than the prompt (Llama 3.1's dated system message).
  public init(_ template: String) throws(ChatTemplateError) {
    writesBeginning = template.contains("bos_token")
    if template.contains("<|start_header_id|>") && template.contains("<|eot_id|>") {
      guard !template.contains("Cutting Knowledge Date") else {
        throw .unsupported("Llama 3.1's, which dates its system message")
      }
      format = .llama3
    } else if template.contains("<|im_start|>") && template.contains("<|im_end|>") {
      format = .chatML(defaultSystem: Self.defaultSystem(in: template))
    } else if template.contains("[INST]") && template.contains("[/INST]") {
      format = .llama2
    } else {
      throw .unrecognized(String(template.prefix(40)))
    }
  }

  /// `prompt` as the template renders one user message with `add_generation_prompt`.
  ///
  /// - Parameters:
  ///   - prompt: The user's message.
  ///   - beginningOfSequence: What the template's `bos_token` is. Pass `""` (the default)
  ///     when the tokenizer adds its beginning-of-sequence id itself, so it is not there
  ///     twice.
  public func wrap(_ prompt: String, beginningOfSequence: String = "") -> String {
    let beginning = writesBeginning ? beginningOfSequence : ""
    switch format {
    case .chatML(let system):
      let preamble = system.map { "<|im_start|>system\n\($0)<|im_end|>\n" } ?? ""
      return preamble + "<|im_start|>user\n\(prompt)<|im_end|>\n<|im_start|>assistant\n"
    case .llama2:
      return beginning + "[INST] " + Self.trimmed(prompt) + " [/INST]"
    case .llama3:
      return beginning + "<|start_header_id|>user<|end_header_id|>\n\n" + Self.trimmed(prompt)
        + "<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
    }
  }

  /// The system message a ChatML template writes when the conversation has none: the text
  /// of a string literal `'<|im_start|>system\n…<|im_end|>` in it, or `nil`.
  static func defaultSystem(in template: String) -> String? {
    var rest = Substring(template)
    while let start = rest.range(of: "<|im_start|>system") {
      rest = rest[start.upperBound...]
      var body = rest
      if body.hasPrefix("\n") {
        body = body.dropFirst()
      } else if body.hasPrefix("\\n") {
        body = body.dropFirst(2)
      } else {
        continue
      }
      guard let end = body.range(of: "<|im_end|>") else { return nil }
      let text = body[..<end.lowerBound]
      // A literal has no quote or expression in it; `'<|im_start|>system\n' + x` is not one.
      if text.contains(where: { "'\"{}+".contains($0) }) { continue }
      return text.replacingOccurrences(of: "\\n", with: "\n")
    }
    return nil
  }

  /// The prompt without the white space Python's `strip()` (Jinja's `trim`) removes.
  static func trimmed(_ text: String) -> String {
    func isSpace(_ scalar: Unicode.Scalar) -> Bool {
      scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }
    var scalars = Substring(text).unicodeScalars[...]
    while let first = scalars.first, isSpace(first) { scalars = scalars.dropFirst() }
    while let last = scalars.last, isSpace(last) { scalars = scalars.dropLast() }
    return String(String.UnicodeScalarView(scalars))
  }
}

/// Why a chat template cannot be used.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The template is none of ChatML, Llama 2 or Llama 3; the payload is its start.
  case unrecognized(String)
  /// The template is a variant kvtrace does not render; the payload names it.
  case unsupported(String)

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .unrecognized(let start):
      "the model's chat template is not ChatML, Llama 2 or Llama 3 (it begins '"
        + Tokenizer.pieceLabel(start, ascii: true)
        + "'); drop --chat and write the prompt in the model's format yourself"
    case .unsupported(let variant):
      "the model's chat template is \(variant), which kvtrace does not render; drop --chat "
        + "and write the prompt in the model's format yourself"
    }
  }
}
