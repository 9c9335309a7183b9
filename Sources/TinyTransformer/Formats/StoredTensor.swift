/// One tensor of a model file: which file holds it, where its bytes start, how its elements
/// are encoded and its shape as a matrix.
///
/// GGUF lists a matrix's sizes innermost first (`ne = [columns, rows]`), safetensors
/// outermost first (`[rows, columns]`); a loader turns either into this one description, so
/// ``StoredWeights`` never asks which format it came from.
struct StoredTensor: Sendable, Equatable {
  /// Which of the model's files (a sharded folder has several).
  var file: Int
  /// The byte offset of its first element in that file.
  var offset: Int
  /// How its rows are encoded.
  var encoding: GGMLType
  /// Rows (the output width of a matrix; 1 for a vector).
  var rows: Int
  /// Elements per row (the input width).
  var columns: Int

  /// The bytes it takes.
  var byteCount: Int { rows * (encoding.rowByteCount(columns: columns) ?? 0) }
}

/// The tensors a decoder-only Llama-family model needs, whatever a file calls them.
enum DecoderTensorName: Sendable, Equatable {
  case tokenEmbedding, finalNorm, classifier
  case attentionNorm(Int), query(Int), key(Int), value(Int), output(Int)
  case queryBias(Int), keyBias(Int), valueBias(Int)
  case feedForwardNorm(Int), gate(Int), up(Int), down(Int)

  /// The name a Hugging Face checkpoint gives it (`model.layers.3.self_attn.q_proj.weight`).
  var huggingFace: String {
    switch self {
    case .tokenEmbedding: "model.embed_tokens.weight"
    case .finalNorm: "model.norm.weight"
    case .classifier: "lm_head.weight"
    case .attentionNorm(let l): "model.layers.\(l).input_layernorm.weight"
    case .query(let l): "model.layers.\(l).self_attn.q_proj.weight"
    case .key(let l): "model.layers.\(l).self_attn.k_proj.weight"
    case .value(let l): "model.layers.\(l).self_attn.v_proj.weight"
    case .output(let l): "model.layers.\(l).self_attn.o_proj.weight"
    case .queryBias(let l): "model.layers.\(l).self_attn.q_proj.bias"
    case .keyBias(let l): "model.layers.\(l).self_attn.k_proj.bias"
    case .valueBias(let l): "model.layers.\(l).self_attn.v_proj.bias"
    case .feedForwardNorm(let l): "model.layers.\(l).post_attention_layernorm.weight"
    case .gate(let l): "model.layers.\(l).mlp.gate_proj.weight"
    case .up(let l): "model.layers.\(l).mlp.up_proj.weight"
    case .down(let l): "model.layers.\(l).mlp.down_proj.weight"
    }
  }

  /// The name llama.cpp's GGUF files give it (`blk.3.attn_q.weight`).
  var gguf: String {
    switch self {
    case .tokenEmbedding: "token_embd.weight"
    case .finalNorm: "output_norm.weight"
    case .classifier: "output.weight"
    case .attentionNorm(let l): "blk.\(l).attn_norm.weight"
    case .query(let l): "blk.\(l).attn_q.weight"
    case .key(let l): "blk.\(l).attn_k.weight"
    case .value(let l): "blk.\(l).attn_v.weight"
    case .output(let l): "blk.\(l).attn_output.weight"
    case .queryBias(let l): "blk.\(l).attn_q.bias"
    case .keyBias(let l): "blk.\(l).attn_k.bias"
    case .valueBias(let l): "blk.\(l).attn_v.bias"
    case .feedForwardNorm(let l): "blk.\(l).ffn_norm.weight"
    case .gate(let l): "blk.\(l).ffn_gate.weight"
    case .up(let l): "blk.\(l).ffn_up.weight"
    case .down(let l): "blk.\(l).ffn_down.weight"
    }
  }
}
