import TinyTransformer

extension RunOptions {
  /// The options with `--chat`'s prompts wrapped as a user's turn in `model`'s chat format,
  /// or unchanged without `--chat`.
  ///
  /// The tokenizer adds its own beginning-of-sequence token where the model wants one, so the
  /// template's `bos_token` is left out of the text.
  ///
  /// - Throws: ``CommandFailure``, a usage error, when the model has no chat template or
  ///   one kvtrace does not recognize.
  func wrappingChat(_ model: any CommandModel) throws(CommandFailure) -> RunOptions {
    guard chat else { return self }
    guard let text = model.tokenizer.chatTemplate else {
      throw CommandFailure(
        UsageError(
          "--chat wraps the prompt in the model's chat format, but this model has no chat "
            + "template",
          fix: "drop --chat, or give --model an instruction-tuned model (a GGUF or folder "
            + "with a chat template)"))
    }
    let template: ChatTemplate
    do {
      template = try ChatTemplate(text)
    } catch {
      throw CommandFailure(UsageError(error.description, fix: "drop --chat"))
    }
    var wrapped = self
    wrapped.prompt = template.wrap(prompt)
    wrapped.secondPrompt = secondPrompt.map { template.wrap($0) }
    return wrapped
  }
}
