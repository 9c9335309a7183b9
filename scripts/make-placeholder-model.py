#!/usr/bin/env python3
"""Writes a PLACEHOLDER for kvtrace's shipped default model: random weights of the trained
model's shape, in llama2.c's legacy checkpoint format, and a provenance file marked
"placeholder": true.

The real files are what `kvtrace train` writes for the default recipe; this stands in until
they exist, so that the package resource, its loader and the command line can be built and
tested. The shape is ModelConfig.demo's: 2 layers, 4 heads, 4 KV heads, dim 64, hidden 128,
context 64, and the demo vocabulary's size (give it: it is the `vocabularySize` of the model in
any trace `kvtrace run --weights random --export t.json` writes).

File format (llama2.c `export.py --version 0`): seven little-endian int32
    dim hidden_dim n_layers n_heads n_kv_heads vocab_size seq_len
(vocab_size negative: the classifier is stored last, not shared with the embedding), then
float32 tensors: token embedding [vocab, dim]; attention norms [layers, dim]; wq [layers, dim,
dim]; wk, wv [layers, kv_dim, dim]; wo [layers, dim, dim]; ffn norms [layers, dim]; w1 [layers,
hidden, dim]; w2 [layers, dim, hidden]; w3 [layers, hidden, dim]; final norm [dim]; the RoPE
tables cos and sin [seq_len, head_size / 2] (kvtrace does not read them); classifier [vocab, dim].

The provenance file's fields (what the coordinator fills in for the real model):
    placeholder     true only for this stand-in
    recipe          the training recipe's name ("default")
    steps           optimizer steps trained
    seed            the recipe's seed (weights init and corpus)
    validationLoss  mean cross-entropy on the held-out set, or null
    command         the command that reproduces the .bin
    sha256          of the .bin (check with `sha256sum default-model.bin`)
    bytes           the .bin's size

Python's standard library only; the same arguments give the same bytes on every machine.

    python3 scripts/make-placeholder-model.py --vocabulary 758
"""

import argparse
import hashlib
import json
import math
import random
import struct
from pathlib import Path

LAYERS, HEADS, KV_HEADS, DIM, HIDDEN, CONTEXT = 2, 4, 4, 64, 128, 64
RESOURCES = Path(__file__).resolve().parent.parent / "Sources/TinyTransformer/Resources"


def uniform(rng, count, scale):
    return [rng.uniform(-scale, scale) for _ in range(count)]


def tensors(vocabulary, seed):
    """Every float of the file after the header, in llama2.c's order."""
    rng = random.Random(seed)
    kv_dim = DIM // HEADS * KV_HEADS
    head_size = DIM // HEADS
    fan_dim, fan_hidden = 1 / math.sqrt(DIM), 1 / math.sqrt(HIDDEN)
    floats = uniform(rng, vocabulary * DIM, 1.0)  # token embedding
    floats += [1.0] * (LAYERS * DIM)  # attention norms
    floats += uniform(rng, LAYERS * DIM * DIM, 2.5 * fan_dim)  # wq
    floats += uniform(rng, LAYERS * kv_dim * DIM, 2.5 * fan_dim)  # wk
    floats += uniform(rng, LAYERS * kv_dim * DIM, fan_dim)  # wv
    floats += uniform(rng, LAYERS * DIM * DIM, fan_dim)  # wo
    floats += [1.0] * (LAYERS * DIM)  # ffn norms
    floats += uniform(rng, LAYERS * HIDDEN * DIM, fan_dim)  # w1
    floats += uniform(rng, LAYERS * DIM * HIDDEN, fan_hidden)  # w2
    floats += uniform(rng, LAYERS * HIDDEN * DIM, fan_dim)  # w3
    floats += [1.0] * DIM  # final norm
    angles = [
        position * 10000.0 ** (-2 * i / head_size)
        for position in range(CONTEXT)
        for i in range(head_size // 2)
    ]
    floats += [math.cos(a) for a in angles] + [math.sin(a) for a in angles]
    floats += uniform(rng, vocabulary * DIM, 2 * fan_dim)  # classifier
    return floats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vocabulary", type=int, required=True, help="the demo vocabulary's size")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=RESOURCES)
    args = parser.parse_args()
    header = [DIM, HIDDEN, LAYERS, HEADS, KV_HEADS, -args.vocabulary, CONTEXT]
    floats = tensors(args.vocabulary, args.seed)
    data = struct.pack(f"<7i{len(floats)}f", *header, *floats)
    (args.out / "default-model.bin").write_bytes(data)
    provenance = {
        "placeholder": True,
        "recipe": "none: random weights standing in for kvtrace train's default recipe",
        "steps": 0,
        "seed": args.seed,
        "validationLoss": None,
        "command": f"python3 scripts/make-placeholder-model.py --vocabulary {args.vocabulary}"
        + (f" --seed {args.seed}" if args.seed else ""),
        "sha256": hashlib.sha256(data).hexdigest(),
        "bytes": len(data),
    }
    text = json.dumps(provenance, indent=2, sort_keys=True) + "\n"
    (args.out / "default-model.json").write_text(text)
    print(f"wrote {len(data)} bytes of placeholder weights and their provenance to {args.out}")


if __name__ == "__main__":
    main()
