#!/usr/bin/env python3
"""An independent SmolLM2 forward pass, to check kvtrace's greedy tokens on a real model.

Development tool, not a test: run it once with numpy and the `gguf` package, commit what it
prints into expected.json, and `.ci/run` compares kvtrace's tokens with that file.

    python3 reference.py SmolLM2-135M-Instruct.Q4_1.gguf "The quick brown fox" 30

It shares no code with kvtrace: gguf-py reads the file and dequantizes every tensor to
float32 (its own implementation of the block formats), and numpy runs the Llama forward
pass over the whole sequence at once, without any cache: every step recomputes every
position, so it also stands for the "no cache" side of the lesson. RoPE rotates adjacent
pairs (llama.cpp's converter has already permuted Q and K for that convention).
The prompt's tokens come from the `tokenizers` package, built from the file's own
vocabulary and merges with SmolLM2's pre-tokenizer (each digit alone, then byte-level).
"""
import json
import sys

import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


def field(reader, key):
    return reader.fields[key].contents()


def load(path):
    reader = GGUFReader(path)
    tensors = {}
    for t in reader.tensors:
        shape = [int(d) for d in reversed(t.shape)]  # numpy order: rows first
        tensors[t.name] = dequantize(t.data, t.tensor_type).reshape(shape).astype(np.float32)
    return reader, tensors


def tokenizer_from(reader):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    tokens = field(reader, "tokenizer.ggml.tokens")
    merges = [tuple(m.split(" ", 1)) for m in field(reader, "tokenizer.ggml.merges")]
    vocab = {token: i for i, token in enumerate(tokens)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=merges))
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.Digits(individual_digits=True),
         pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)])
    tok.decoder = decoders.ByteLevel()
    return tok


def rmsnorm(x, w, eps):
    return x / np.sqrt(np.mean(x.astype(np.float64) ** 2, axis=-1, keepdims=True) + eps).astype(
        np.float32) * w


def rope(x, positions, theta):
    # x: [seq, heads, headSize]; rotate adjacent pairs (2i, 2i+1) by position * theta^(-2i/d).
    d = x.shape[-1]
    freqs = theta ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    angles = positions[:, None].astype(np.float64) * freqs[None, :]
    cos, sin = np.cos(angles)[:, None, :], np.sin(angles)[:, None, :]
    even, odd = x[..., 0::2].astype(np.float64), x[..., 1::2].astype(np.float64)
    out = np.empty(x.shape, dtype=np.float64)
    out[..., 0::2] = even * cos - odd * sin
    out[..., 1::2] = even * sin + odd * cos
    return out.astype(np.float32)


def forward(tensors, tokens, cfg):
    n_layers, n_heads, n_kv, eps, theta = cfg
    x = tensors["token_embd.weight"][tokens]  # [seq, dim]
    seq, dim = x.shape
    hs = dim // n_heads
    positions = np.arange(seq)
    mask = np.triu(np.full((seq, seq), -np.inf, dtype=np.float32), 1)
    for l in range(n_layers):
        p = f"blk.{l}."
        h = rmsnorm(x, tensors[p + "attn_norm.weight"], eps)
        q = (h @ tensors[p + "attn_q.weight"].T).reshape(seq, n_heads, hs)
        k = (h @ tensors[p + "attn_k.weight"].T).reshape(seq, n_kv, hs)
        v = (h @ tensors[p + "attn_v.weight"].T).reshape(seq, n_kv, hs)
        q, k = rope(q, positions, theta), rope(k, positions, theta)
        group = n_heads // n_kv
        out = np.empty((seq, n_heads, hs), dtype=np.float32)
        for head in range(n_heads):
            kh, vh = k[:, head // group], v[:, head // group]
            scores = q[:, head] @ kh.T / np.sqrt(hs) + mask
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            out[:, head] = (scores / scores.sum(axis=-1, keepdims=True)) @ vh
        x = x + out.reshape(seq, dim) @ tensors[p + "attn_output.weight"].T
        h = rmsnorm(x, tensors[p + "ffn_norm.weight"], eps)
        gate = h @ tensors[p + "ffn_gate.weight"].T
        up = h @ tensors[p + "ffn_up.weight"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ tensors[p + "ffn_down.weight"].T
    x = rmsnorm(x[-1], tensors["output_norm.weight"], eps)
    classifier = tensors.get("output.weight", tensors["token_embd.weight"])
    return classifier @ x


def main():
    path, prompt, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    reader, tensors = load(path)
    cfg = (int(field(reader, "llama.block_count")), int(field(reader, "llama.attention.head_count")),
           int(field(reader, "llama.attention.head_count_kv")),
           float(field(reader, "llama.attention.layer_norm_rms_epsilon")),
           float(field(reader, "llama.rope.freq_base")))
    tok = tokenizer_from(reader)
    prompt_ids = tok.encode(prompt).ids
    ids = list(prompt_ids)
    margins = []
    for _ in range(steps):
        logits = forward(tensors, np.array(ids), cfg)
        top2 = np.sort(logits)[-2:]
        margins.append(float(top2[1] - top2[0]))
        ids.append(int(np.argmax(logits)))
    generated = ids[len(prompt_ids):]
    print(json.dumps({
        "model": path.split("/")[-1], "prompt": prompt, "promptTokens": prompt_ids,
        "steps": steps, "greedyTokens": generated, "text": tok.decode(generated),
        "smallestTop2Margin": round(min(margins), 4),
        "reference": "numpy float32 forward over gguf-py's dequantized tensors; "
                     "prompt ids from the tokenizers package built from the file's vocabulary",
    }, indent=2))


if __name__ == "__main__":
    main()
