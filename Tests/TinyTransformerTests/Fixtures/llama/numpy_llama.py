"""A plain numpy Llama forward over a GGUF file's tensors, dequantized by gguf-py.

Independent of kvtrace: gguf-py reads and dequantizes, numpy multiplies in float64.
GGUF llama files have Wq and Wk permuted for adjacent-pair RoPE (llama.cpp's converter),
so this rotates adjacent pairs for arch 'llama' and halves for 'qwen2'.

    python numpy_llama.py MODEL.gguf 'ids,comma,separated' STEPS
prints the greedy token ids, one line.
"""
import sys
import numpy as np
from gguf import GGUFReader
from gguf.quants import dequantize


def load(path):
    r = GGUFReader(path)
    meta = {f.name: f for f in r.fields.values()}

    def val(key, default=None):
        f = meta.get(key)
        if f is None:
            return default
        return f.parts[f.data[0]].tolist()[0]

    arch = bytes(meta["general.architecture"].parts[-1]).decode()
    t = {}
    for ti in r.tensors:
        w = dequantize(ti.data, ti.tensor_type).astype(np.float64)
        t[ti.name] = w.reshape([int(x) for x in reversed(ti.shape)]) if w.ndim == 1 and len(ti.shape) > 1 else w
    cfg = dict(
        arch=arch,
        layers=val(f"{arch}.block_count"),
        heads=val(f"{arch}.attention.head_count"),
        kv=val(f"{arch}.attention.head_count_kv"),
        base=val(f"{arch}.rope.freq_base", 10000.0),
        eps=val(f"{arch}.attention.layer_norm_rms_epsilon", 1e-5),
    )
    return cfg, t


def rms(x, w, eps):
    return w * x / np.sqrt(np.mean(x * x) + eps)


def rope(v, pos, hs, base, halves):
    v = v.reshape(-1, hs).copy()
    pairs = hs // 2
    theta = base ** (-np.arange(pairs) * 2.0 / hs)
    a = pos * theta
    c, s = np.cos(a), np.sin(a)
    if halves:
        x, y = v[:, :pairs].copy(), v[:, pairs:].copy()
        v[:, :pairs], v[:, pairs:] = x * c - y * s, x * s + y * c
    else:
        x, y = v[:, 0::2].copy(), v[:, 1::2].copy()
        v[:, 0::2], v[:, 1::2] = x * c - y * s, x * s + y * c
    return v.reshape(-1)


def logits_for(cfg, t, tokens):
    """The logits after every position of `tokens`, [len, vocab]."""
    emb = t["token_embd.weight"]
    dim = emb.shape[1]
    hs = dim // cfg["heads"]
    group = cfg["heads"] // cfg["kv"]
    halves = cfg["arch"] == "qwen2"
    keys = [[] for _ in range(cfg["layers"])]
    vals = [[] for _ in range(cfg["layers"])]
    out = []
    for pos, tok in enumerate(tokens):
        x = emb[tok].copy()
        for l in range(cfg["layers"]):
            p = f"blk.{l}."
            n = rms(x, t[p + "attn_norm.weight"], cfg["eps"])
            q = t[p + "attn_q.weight"] @ n + t.get(p + "attn_q.bias", 0)
            k = t[p + "attn_k.weight"] @ n + t.get(p + "attn_k.bias", 0)
            v = t[p + "attn_v.weight"] @ n + t.get(p + "attn_v.bias", 0)
            q, k = rope(q, pos, hs, cfg["base"], halves), rope(k, pos, hs, cfg["base"], halves)
            keys[l].append(k)
            vals[l].append(v)
            K, V = np.array(keys[l]), np.array(vals[l])
            att = np.zeros(dim)
            for h in range(cfg["heads"]):
                g = h // group
                s = K[:, g * hs:(g + 1) * hs] @ q[h * hs:(h + 1) * hs] / np.sqrt(hs)
                w = np.exp(s - s.max())
                w /= w.sum()
                att[h * hs:(h + 1) * hs] = w @ V[:, g * hs:(g + 1) * hs]
            x = x + t[p + "attn_output.weight"] @ att
            n = rms(x, t[p + "ffn_norm.weight"], cfg["eps"])
            g = t[p + "ffn_gate.weight"] @ n
            u = t[p + "ffn_up.weight"] @ n
            x = x + t[p + "ffn_down.weight"] @ (g / (1 + np.exp(-g)) * u)
        n = rms(x, t["output_norm.weight"], cfg["eps"])
        out.append(t.get("output.weight", emb) @ n)
    return np.array(out)


def greedy(cfg, t, prompt, steps):
    tokens = list(prompt)
    for _ in range(steps + 1):
        tokens.append(int(np.argmax(logits_for(cfg, t, tokens)[-1])))
    return tokens[len(prompt):]


if __name__ == "__main__":
    cfg, t = load(sys.argv[1])
    prompt = [int(x) for x in sys.argv[2].split(",")]
    print(",".join(str(x) for x in greedy(cfg, t, prompt, int(sys.argv[3]))))
