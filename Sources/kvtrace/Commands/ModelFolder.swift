import Foundation
import KVTrace
import TinyTransformer

/// `--model PATH`: a GGUF file, or a Hugging Face model folder, as `huggingface-cli download`
/// or `save_pretrained` leaves it.
///
/// A folder holds `config.json` (its `model_type` says the architecture: `t5` runs as the
/// encoder-decoder; `llama`, `qwen2` and `mistral` as the decoder-only model), the weights
/// (`model.safetensors`, or the shards `model.safetensors.index.json` lists) and a tokenizer
/// (`spiece.model` or `tokenizer.json`). A `.gguf` file holds all of it. Like `--checkpoint`,
/// the files fix the shape, so shape options are refused, and they are read, not mapped,
/// only when the model is built.
struct ModelFolder: Sendable, Equatable {
  /// The folder's path, as given.
  var path: String

  /// The folder `--model` names, `nil` without the option.
  ///
  /// - Throws: ``UsageError`` for `--model` with a shape option, `--checkpoint`,
  ///   `--tokenizer`, `--weights` or `--arch decoder`.
  static func parse(_ arguments: ParsedArguments) throws(UsageError) -> ModelFolder? {
    guard let path = arguments.last(OptionCatalog.model.name).map(ModelLocator.path(for:)) else {
      return nil
    }
    if let shape = ModelFiles.shapeOptions.first(where: arguments.has) {
      throw UsageError(
        "--\(shape) cannot be used with --model: the folder's config.json fixes the model's "
          + "shape", fix: "drop --\(shape)")
    }
    for other in ["checkpoint", "tokenizer", "weights"] where arguments.has(other) {
      throw UsageError(
        "--\(other) cannot be used with --model: the folder brings its weights and tokenizer",
        fix: "drop --\(other)")
    }
    let folder = ModelFolder(path: path)
    if let arch = arguments.last(OptionCatalog.arch.spec.name),
      arch != folder.architecture.rawValue
    {
      throw UsageError(
        "--model '\(TerminalText.escaped(path))' is \(folder.architecture.rawValue), not \(arch)",
        fix: "drop --arch")
    }
    return folder
  }

  /// What the path holds, looked at without reading the weights: a file is a GGUF model
  /// (decoder-only); a folder's `config.json` says `t5` (the encoder-decoder) or another
  /// type, run as decoder-only or refused when it is loaded. A missing path counts as a T5
  /// folder, whose loading says it is missing.
  var architecture: Architecture {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      return .encoderDecoder
    }
    guard isDirectory.boolValue else { return .decoder }
    return modelType.map { $0 == "t5" } ?? true ? .encoderDecoder : .decoder
  }

  /// `config.json`'s `model_type`, when it can be read.
  private var modelType: String? {
    guard let data = try? Data(contentsOf: url("config.json")),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { return nil }
    return object["model_type"] as? String
  }

  /// Reads the folder and builds the model.
  ///
  /// - Throws: ``CommandFailure``: 66 for a missing folder or file, 65 for a file that
  ///   is not what it should be (one line naming the file, the problem and the fix).
  func load(seed: UInt64) throws(CommandFailure) -> EncoderDecoderTransformer {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let config: HuggingFaceConfig
    let json = try read("config.json")
    do {
      config = try HuggingFaceConfig(json)
    } catch {
      throw CommandFailure(message(error), .dataError)
    }
    let tokenizer = try loadTokenizer()
    let weights = try read("model.safetensors")
    do {
      return try EncoderDecoderTransformer(
        huggingFace: config, weights: weights, tokenizer: tokenizer, name: name, seed: seed)
    } catch {
      throw CommandFailure(message(error), .dataError)
    }
  }

  /// The folder's tokenizer: `spiece.model` (SentencePiece's own file), else `tokenizer.json`.
  private func loadTokenizer() throws(CommandFailure) -> Tokenizer {
    let file = exists("spiece.model") ? "spiece.model" : "tokenizer.json"
    let data = try read(file, alternative: "spiece.model or tokenizer.json")
    do {
      return file == "spiece.model"
        ? try Tokenizer(sentencePieceModel: data) : try Tokenizer(tokenizerJSON: data)
    } catch {
      throw CommandFailure(message(HuggingFaceError(file, error.description)), .dataError)
    }
  }

  /// `'PATH/FILE': the problem; the fix`, one line.
  private func message(_ error: HuggingFaceError) -> String {
    "'\(url(error.file).path)': \(error.problem)"
  }

  func url(_ file: String) -> URL {
    URL(fileURLWithPath: path).appendingPathComponent(file)
  }

  private func exists(_ file: String) -> Bool {
    FileManager.default.fileExists(atPath: url(file).path)
  }

  /// The bytes of `file` in the folder: 66 when the folder is missing, 65 when the
  /// folder lacks the file (it is not a complete model folder).
  func read(_ file: String, alternative: String? = nil) throws(CommandFailure) -> Data {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw CommandFailure(
        isDirectory.boolValue || !FileManager.default.fileExists(atPath: path)
          ? ModelLocator.notFound(path).description
          : "'\(path)' is a file, not a model folder; give the folder that holds "
            + "config.json and model.safetensors",
        .noInput)
    }
    guard exists(file), let data = try? Data(contentsOf: url(file)) else {
      throw CommandFailure(
        "'\(url(file).path)' is missing or unreadable; a Hugging Face folder needs "
          + "\(alternative ?? file) (download it with the model)", .dataError)
    }
    return data
  }
}
