"""Tiny Llama-family models and their reference outputs, for LlamaModelFileTests.

Run with a venv holding torch (CPU), transformers, safetensors, gguf and numpy:
    python make_fixtures.py
Writes, next to this script:
  llama_f32/          LlamaForCausalLM, F32 safetensors, untied classifier
  llama_bf16_sharded/ the same weights in BF16, in two shards with their index
  qwen2_f32/          Qwen2ForCausalLM (q/k/v biases, tied embeddings), F32
  llama_f32.gguf      llama_f32's weights as GGUF F32 (Q/K permuted like llama.cpp's converter)
  llama_quant.gguf    the same, matrices Q8_0 (attention, embedding) and Q4_1 (feed-forward)
  reference.json      the prompt ids, and per model the greedy ids and the logits of every
                      decoding step: transformers for the folders and llama_f32.gguf, the
                      numpy forward (numpy_llama.py) over gguf-py's dequantized tensors for
                      llama_quant.gguf
Each folder carries the bpe helper's tiny tokenizer.json (vocabulary 488 with specials).
"""
import json
import os
import shutil

import numpy as np
import torch
import gguf
from gguf.quants import quantize
from transformers import LlamaConfig, LlamaForCausalLM, Qwen2Config, Qwen2ForCausalLM

import numpy_llama

HERE = os.path.dirname(os.path.abspath(__file__))
TOKENIZER = os.path.join(HERE, "..", "bpe", "tiny_tokenizer.json")
GGUF_TOKENIZER = os.path.join(HERE, "..", "bpe", "tiny_gguf.json")
PROMPT = [5, 77, 123, 9, 300, 41]
STEPS = 8
SHAPE = dict(hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, max_position_embeddings=128, rms_norm_eps=1e-5,
             rope_theta=100000.0, initializer_range=0.3)


def vocabulary():
    t = json.load(open(TOKENIZER))
    return len(t["model"]["vocab"]) + len([a for a in t.get("added_tokens", [])
                                           if a["id"] >= len(t["model"]["vocab"])])


def randomize_norms(model, seed):
    g = torch.Generator().manual_seed(seed)
    for name, p in model.named_parameters():
        if name.endswith("norm.weight"):
            p.data = 1 + 0.3 * torch.randn(p.shape, generator=g)
        if name.endswith("proj.bias"):
            p.data = 0.3 * torch.randn(p.shape, generator=g)


def reference(model):
    out = model.generate(torch.tensor([PROMPT]), max_new_tokens=STEPS + 1, do_sample=False,
                         min_new_tokens=STEPS + 1, pad_token_id=0)
    ids = out[0].tolist()
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0]
    steps = logits[len(PROMPT) - 1:len(ids) - 1]
    return dict(greedy=ids[len(PROMPT):], logits=[[round(float(x), 7) for x in r] for r in steps])


def save_folder(model, name, **kwargs):
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    model.save_pretrained(path, safe_serialization=True, **kwargs)
    shutil.copy(TOKENIZER, os.path.join(path, "tokenizer.json"))
    for extra in ["generation_config.json"]:
        if os.path.exists(os.path.join(path, extra)):
            os.remove(os.path.join(path, extra))


def permute(w, heads):
    """llama.cpp's convert_hf_to_gguf permutation: rotate-half rows -> adjacent pairs."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def write_gguf(model, path, quantized):
    c = model.config
    sd = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}
    w = gguf.GGUFWriter(path, "llama")
    w.add_block_count(c.num_hidden_layers)
    w.add_context_length(c.max_position_embeddings)
    w.add_embedding_length(c.hidden_size)
    w.add_feed_forward_length(c.intermediate_size)
    w.add_head_count(c.num_attention_heads)
    w.add_head_count_kv(c.num_key_value_heads)
    w.add_rope_freq_base(c.rope_parameters["rope_theta"])
    w.add_layer_norm_rms_eps(c.rms_norm_eps)
    w.add_rope_dimension_count(c.hidden_size // c.num_attention_heads)
    tok = json.load(open(GGUF_TOKENIZER))
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(tok["pre"])
    w.add_token_list(tok["tokens"])
    w.add_token_types(tok["token_type"])
    w.add_token_merges(tok["merges"])
    if tok.get("bos") is not None:
        w.add_bos_token_id(tok["bos"])
    if tok.get("eos") is not None:
        w.add_eos_token_id(tok["eos"])
    w.add_add_bos_token(bool(tok.get("add_bos")))

    def put(name, array, kind):
        if quantized and kind is not None:
            q = quantize(array, kind)
            w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=kind)
        else:
            w.add_tensor(name, array)

    Q8, Q41 = gguf.GGMLQuantizationType.Q8_0, gguf.GGMLQuantizationType.Q4_1
    put("token_embd.weight", sd["model.embed_tokens.weight"], Q8)
    for l in range(c.num_hidden_layers):
        p, h = f"model.layers.{l}.", f"blk.{l}."
        put(h + "attn_norm.weight", sd[p + "input_layernorm.weight"], None)
        put(h + "attn_q.weight", permute(sd[p + "self_attn.q_proj.weight"], c.num_attention_heads), Q8)
        put(h + "attn_k.weight", permute(sd[p + "self_attn.k_proj.weight"], c.num_key_value_heads), Q8)
        put(h + "attn_v.weight", sd[p + "self_attn.v_proj.weight"], Q8)
        put(h + "attn_output.weight", sd[p + "self_attn.o_proj.weight"], Q8)
        put(h + "ffn_norm.weight", sd[p + "post_attention_layernorm.weight"], None)
        put(h + "ffn_gate.weight", sd[p + "mlp.gate_proj.weight"], Q41)
        put(h + "ffn_up.weight", sd[p + "mlp.up_proj.weight"], Q41)
        put(h + "ffn_down.weight", sd[p + "mlp.down_proj.weight"], Q41)
    put("output_norm.weight", sd["model.norm.weight"], None)
    put("output.weight", sd["lm_head.weight"], Q8)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def numpy_reference(path):
    cfg, t = numpy_llama.load(path)
    greedy = numpy_llama.greedy(cfg, t, PROMPT, STEPS)
    logits = numpy_llama.logits_for(cfg, t, PROMPT + greedy[:-1])[len(PROMPT) - 1:]
    return dict(greedy=greedy, logits=[[round(float(x), 7) for x in r] for r in logits])


def main():
    vocab = vocabulary()
    refs = {}
    torch.manual_seed(20)
    llama = LlamaForCausalLM(LlamaConfig(vocab_size=vocab, tie_word_embeddings=False, **SHAPE))
    randomize_norms(llama, 1)
    llama.eval()
    save_folder(llama, "llama_f32")
    refs["llama_f32"] = reference(llama)
    refs["llama_f32.gguf"] = refs["llama_f32"]
    bf16 = LlamaForCausalLM(llama.config).to(torch.bfloat16)
    bf16.load_state_dict({k: v.to(torch.bfloat16) for k, v in llama.state_dict().items()})
    save_folder(bf16, "llama_bf16_sharded", max_shard_size="60KB")
    widened = LlamaForCausalLM(llama.config)  # BF16 weights, F32 arithmetic, as kvtrace does
    widened.load_state_dict({k: v.to(torch.bfloat16).float() for k, v in llama.state_dict().items()})
    widened.eval()
    refs["llama_bf16_sharded"] = reference(widened)
    torch.manual_seed(21)
    qwen = Qwen2ForCausalLM(Qwen2Config(vocab_size=vocab, tie_word_embeddings=True, **SHAPE))
    randomize_norms(qwen, 2)
    qwen.eval()
    save_folder(qwen, "qwen2_f32")
    refs["qwen2_f32"] = reference(qwen)
    write_gguf(llama, os.path.join(HERE, "llama_f32.gguf"), quantized=False)
    write_gguf(llama, os.path.join(HERE, "llama_quant.gguf"), quantized=True)
    refs["llama_quant.gguf"] = numpy_reference(os.path.join(HERE, "llama_quant.gguf"))
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(dict(prompt=PROMPT, steps=STEPS, models=refs), f, sort_keys=True)


if __name__ == "__main__":
    main()
