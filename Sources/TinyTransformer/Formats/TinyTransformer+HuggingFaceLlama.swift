import Foundation
import KVTrace

extension TinyTransformer {
  /// A Llama-family model from a Hugging Face folder's files: `config.json`, the safetensors
  /// file (or the shards `model.safetensors.index.json` lists) and the tokenizer.
  ///
  /// The matrices are read as stored (F32, F16 or BF16), none converted. Hugging Face keeps
  /// `Wq` and `Wk` as trained, for RoPE's `rotate_half`, which pairs element `i` of a head
  /// with element `i + headSize/2`: the model rotates those pairs (the halves pairing),
  /// so nothing is permuted.
  ///
  /// - Parameters:
  ///   - config: The folder's `config.json`, already parsed (``LlamaFolderConfig``).
  ///   - shards: Each safetensors file's name and bytes (one for `model.safetensors`).
  ///   - weightMap: For a sharded folder, which file holds each tensor; `nil`: the one file.
  ///   - tokenizer: The folder's tokenizer.
  ///   - name: The folder's name, for the trace header.
  ///   - seed: The seed of sampling.
  /// - Throws: ``ModelFileError`` naming the file: a damaged safetensors file, a tensor
  ///   missing or of the wrong shape.
  public init(
    llamaFolder config: LlamaFolderConfig, shards: [(name: String, data: Data)],
    weightMap: [String: String]?, tokenizer: Tokenizer, name: String, seed: UInt64
  ) throws(ModelFileError) {
    var files: [SafetensorsFile] = []
    for shard in shards {
      do {
        files.append(try SafetensorsFile(shard.data))
      } catch {
        throw ModelFileError(shard.name, error.description)
      }
    }
    let index = Dictionary(uniqueKeysWithValues: shards.enumerated().map { ($1.name, $0) })
    let weights = try StoredWeights(
      files: shards.map(\.data), config: config.model, tied: config.settings.tied,
      biases: config.settings.biases, file: shards.first?.name ?? name
    ) { tensorName throws(ModelFileError) in
      let key = tensorName.huggingFace
      let which = weightMap.map { $0[key].flatMap { index[$0] } } ?? 0
      guard let which, let t = files[which].tensors[key] else { return nil }
      let encoding: GGMLType =
        switch t.dtype {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        }
      let offset = files[which].dataStart + t.bytes.lowerBound
      guard offset % t.dtype.size == 0 else {
        throw ModelFileError(
          shards[which].name, "tensor \(key) is not aligned to its \(t.dtype.size)-byte elements")
      }
      let shape = t.shape.count == 1 ? [1] + t.shape : t.shape
      guard shape.count == 2 else {
        throw ModelFileError(shards[which].name, "tensor \(key) has shape \(t.shape), not a matrix")
      }
      return StoredTensor(
        file: which, offset: offset, encoding: encoding, rows: shape[0], columns: shape[1])
    }
    self.init(
      config: config.model, settings: config.settings, weights: weights, tokenizer: tokenizer,
      source: "hugging face \(name)",
      identity: TraceIdentity(
        weights: "folder \(name)",
        weightsSHA256: shards.count == 1 ? SHA256.hex(shards[0].data) : nil,
        tokenizer: tokenizer.identityName, tokenizerSHA256: tokenizer.fileSHA256),
      seed: seed)
  }
}
