/// The chat format a model was trained with, recognized from its Jinja chat template.
///
/// Instruction-tuned models read a conversation, not bare text: each turn is framed by
/// markers (ChatML's `<|im_start|>user` … `<|im_end|>`, Llama 2's `[INST]` … `[/INST]`,
/// Llama 3's `<|start_header_id|>user<|end_header_id|>` … `<|eot_id|>`), and the text ends
/// with the header of the assistant's turn so the model answers. kvtrace does not run Jinja:
/// it recognizes the format by the markers the template contains.
public struct ChatTemplate: Sendable, Equatable {
  /// The formats kvtrace recognizes.
  public enum Format: Sendable, Equatable {
    /// ChatML (SmolLM2, Qwen): `<|im_start|>role\n…<|im_end|>\n`, with the system message
    /// the template puts first when the conversation has none (or `nil`).
    case chatML(defaultSystem: String?)
    /// Llama 2: `<s>[INST] … [/INST]`.
    case llama2
    /// Llama 3: `<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>`.
    case llama3
  }

  /// The recognized format.
  public let format: Format

  /// Recognizes the format of a chat template.
  ///
  /// - Parameter template: The template's Jinja text.
  /// - Throws: ``ChatTemplateError/unrecognized(_:)`` when it is none of the formats.
  public init(_ template: String) throws(ChatTemplateError) {
    throw .unrecognized(String(template.prefix(40)))
  }

  /// `prompt` as the template renders one user message with `add_generation_prompt`.
  public func wrap(_ prompt: String) -> String { prompt }
}

/// Why a chat template cannot be used.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The template is none of ChatML, Llama 2 or Llama 3; the payload is its start.
  case unrecognized(String)

  /// One line: what is wrong and how to fix it.
  public var description: String {
    switch self {
    case .unrecognized(let start):
      "the model's chat template is not ChatML, Llama 2 or Llama 3 (it begins '"
        + Tokenizer.pieceLabel(start, ascii: true)
        + "'); give the prompt already formatted, without --chat"
    }
  }
}
