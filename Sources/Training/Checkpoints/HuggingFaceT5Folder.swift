import Foundation

/// A trained T5 as the files of a Hugging Face model folder: `config.json` and
/// `model.safetensors`.
///
/// `model.safetensors` holds every tensor as little-endian `F32`, under the names
/// `transformers` gives them (`shared.weight`,
/// `encoder.block.0.layer.0.SelfAttention.q.weight`, …,
/// `encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight`,
/// `decoder.block.1.layer.1.EncDecAttention.k.weight`, `decoder.final_layer_norm.weight`,
/// `lm_head.weight` when untied). With tied embeddings only `shared.weight` is written, as
/// `save_pretrained` does: the encoder's and decoder's `embed_tokens` and the classifier
/// are that one tensor. The file is an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range (keys sorted, padded with spaces to a
/// multiple of 8), then the data in the layout's order.
///
/// `config.json` holds the T5 keys `transformers` reads (`model_type` `t5`), with this
/// model's special ids: `pad_token_id` 0, `eos_token_id` 2, `decoder_start_token_id` 3 (see
/// ``TinyTransformer/Tokenizer/summaries``).
enum HuggingFaceT5Folder {
  /// The folder's files, by name, for `weights` laid out by `layout`.
  static func files(weights: [Float], layout: T5Layout) -> [(name: String, data: Data)] {
    [("config.json", config(layout.config)), ("model.safetensors", safetensors(weights, layout))]
  }

  /// `config.json`, keys sorted, one per line.
  static func config(_ c: T5TrainingConfig) -> Data {
    let gated = c.feedForward == .gatedGELU
    let fields: [(String, String)] = [
      ("architectures", "[\"T5ForConditionalGeneration\"]"), ("d_ff", "\(c.dFF)"),
      ("d_kv", "\(c.dKV)"), ("d_model", "\(c.dModel)"), ("decoder_start_token_id", "3"),
      ("dense_act_fn", gated ? "\"gelu_new\"" : "\"relu\""), ("dropout_rate", "0.0"),
      ("eos_token_id", "2"), ("feed_forward_proj", "\"\(c.feedForward.rawValue)\""),
      ("initializer_factor", "1.0"), ("is_encoder_decoder", "true"),
      ("is_gated_act", "\(gated)"), ("layer_norm_epsilon", "1e-06"), ("model_type", "\"t5\""),
      ("num_decoder_layers", "\(c.decoderLayers)"), ("num_heads", "\(c.heads)"),
      ("num_layers", "\(c.encoderLayers)"), ("pad_token_id", "0"),
      ("relative_attention_max_distance", "\(c.maxDistance)"),
      ("relative_attention_num_buckets", "\(c.buckets)"),
      ("tie_word_embeddings", "\(c.tiedEmbeddings)"), ("use_cache", "true"),
      ("vocab_size", "\(c.vocabularySize)"),
    ]
    let body = fields.map { "  \"\($0.0)\": \($0.1)" }.joined(separator: ",\n")
    return Data(("{\n" + body + "\n}\n").utf8)
  }

  /// `model.safetensors`: the header, then every tensor's `F32` bytes in layout order.
  static func safetensors(_ weights: [Float], _ layout: T5Layout) -> Data {
    var entries: [(String, String)] = []
    var begin = 0
    for t in layout.tensors {
      let end = begin + 4 * t.rows * t.columns
      let shape = t.rows == 1 && t.isVector ? "[\(t.columns)]" : "[\(t.rows),\(t.columns)]"
      entries.append(
        (t.name, "{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"))
      begin = end
    }
    entries.append(("__metadata__", "{\"format\":\"pt\"}"))
    var header = Array(
      ("{" + entries.sorted { $0.0 < $1.0 }.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",")
        + "}").utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var data = Data(capacity: 8 + header.count + begin)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for t in layout.tensors {
      for weight in weights[t.offset..<(t.offset + t.rows * t.columns)] {
        withUnsafeBytes(of: weight.bitPattern.littleEndian) { data.append(contentsOf: $0) }
      }
    }
    return data
  }
}

extension T5Trainer {
  /// The current weights as the files of a Hugging Face T5 folder, by name: `config.json`
  /// (the shape, with `model_type` `t5`) and `model.safetensors` (every tensor as `F32`
  /// under its `transformers` name; with tied embeddings only `shared.weight`, as
  /// `save_pretrained` writes it).
  ///
  /// `transformers`' `T5ForConditionalGeneration.from_pretrained(folder)` loads it, and so
  /// does kvtrace's own reader; the vocabulary is ``TinyTransformer/Tokenizer/summaries``
  /// (or whichever word list the model was trained with), which the folder does not hold.
  public func huggingFaceFolder() -> [(name: String, data: Data)] {
    HuggingFaceT5Folder.files(weights: parameters, layout: layout)
  }
}
