import Foundation
import KVTrace
import TinyTransformer

extension ModelFolder {
  /// Reads a GGUF file or a Llama-family folder and builds the decoder-only model.
  ///
  /// - Parameters:
  ///   - seed: The seed of sampling.
  ///   - digest: Whether the trace header needs a GGUF file's SHA-256: only a trace that is
  ///     written to a file does.
  ///
  /// - Throws: ``CommandFailure``: 66 for a missing path, 65 for files that are not what
  ///   they should be (one line naming the file, what is unsupported or wrong, the fix).
  func loadDecoder(seed: UInt64, digest: Bool = true) throws(CommandFailure) -> TinyTransformer {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw CommandFailure(
        "no model at '\(TerminalText.escaped(path))'; give a .gguf file or a Hugging Face "
          + "folder (config.json, model.safetensors, tokenizer.json)", .noInput)
    }
    let name = URL(fileURLWithPath: path).lastPathComponent
    do {
      guard isDirectory.boolValue else {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
          throw CommandFailure(
            "cannot read '\(TerminalText.escaped(path))'; check that it is a readable file",
            .noInput)
        }
        return try TinyTransformer(gguf: data, name: name, seed: seed, digestsWeights: digest)
      }
      let config = try LlamaFolderConfig(json: try read("config.json"))
      let tokenizer = try loadByteLevelTokenizer()
      let (shards, map) = try weightFiles()
      return try TinyTransformer(
        llamaFolder: config, shards: shards, weightMap: map, tokenizer: tokenizer, name: name,
        seed: seed)
    } catch let error as ModelFileError {
      let file = isDirectory.boolValue ? url(error.file).path : path
      throw CommandFailure("'\(TerminalText.escaped(file))': \(error.problem)", .dataError)
    } catch let error as CommandFailure {
      throw error
    } catch {
      throw CommandFailure("cannot load '\(TerminalText.escaped(path))': \(error)", .dataError)
    }
  }

  /// `tokenizer.json`, with `tokenizer_config.json` when the folder has it.
  private func loadByteLevelTokenizer() throws -> Tokenizer {
    let json = try read("tokenizer.json")
    let config = try? Data(contentsOf: url("tokenizer_config.json"))
    do {
      return try Tokenizer(tokenizerJSON: json, tokenizerConfig: config)
    } catch {
      throw ModelFileError("tokenizer.json", error.description)
    }
  }

  /// The safetensors files: `model.safetensors`, or every shard of
  /// `model.safetensors.index.json` with the map of which holds each tensor.
  private func weightFiles() throws -> ([(name: String, data: Data)], [String: String]?) {
    let indexName = "model.safetensors.index.json"
    guard FileManager.default.fileExists(atPath: url(indexName).path) else {
      return ([("model.safetensors", try read("model.safetensors"))], nil)
    }
    let object = try? JSONSerialization.jsonObject(with: try read(indexName)) as? [String: Any]
    guard let map = object?["weight_map"] as? [String: String], !map.isEmpty,
      map.values.allSatisfy({ !$0.contains("/") && !$0.hasPrefix(".") })
    else {
      throw ModelFileError(indexName, "has no weight_map of tensor names to shard files")
    }
    let shards = try Set(map.values).sorted().map { ($0, try read($0)) }
    return (shards, map)
  }
}
