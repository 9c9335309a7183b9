"""Writes the GGUF fixtures of TinyTransformerTests' GGUF suites with gguf-py.

Run from anywhere: /work/venv/llm/bin/python make_fixtures.py  (gguf 0.19.0, numpy)

- all-types.gguf: one [3 rows x 512 columns] tensor per block format kvtrace reads
  (F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q4_K, Q6_K), plus a 3-d F32 tensor. Where
  gguf-py quantizes (all but the K-quants) the values are random normals quantized by
  gguf.quants.quantize; for Q4_K and Q6_K (gguf-py only dequantizes them) the blocks are
  random bytes with small positive f16 scales. reference/<type>.f32 holds each tensor's
  values as gguf.quants.dequantize computes them (raw little-endian float32, row after
  row); reference/x.f32 is a 512-number vector for the dot-product tests.
- metadata.gguf: one key of every GGUF value type (arrays of several types, an array of
  arrays), general.alignment = 64, and two tensors.
- bad/*.gguf: small.gguf (a valid file of two F32 tensors and one Q8_0) broken one way
  each; the Swift tests expect the matching GGUFError.
"""

import os
import struct

import gguf
import numpy as np
from gguf import GGMLQuantizationType as T
from gguf import GGUFValueType as V

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS, COLS = 3, 512
rng = np.random.default_rng(20)


def write(path, build, arch="test"):
    w = gguf.GGUFWriter(path, arch)
    build(w)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


def random_kquant_blocks(qtype, rows, cols):
    """Random block bytes with sane scales for formats gguf-py cannot quantize."""
    block, size = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rng.integers(0, 256, size=(rows, cols // block, size), dtype=np.uint8)
    scales = rng.uniform(0.001, 0.05, size=(rows, cols // block)).astype(np.float16)
    if qtype == T.Q4_K:  # d, dmin at bytes 0..3
        mins = rng.uniform(0.001, 0.05, size=(rows, cols // block)).astype(np.float16)
        blocks[..., 0:2] = scales.view(np.uint8).reshape(rows, cols // block, 2)
        blocks[..., 2:4] = mins.view(np.uint8).reshape(rows, cols // block, 2)
    elif qtype == T.Q6_K:  # d is the last two bytes
        blocks[..., size - 2:size] = scales.view(np.uint8).reshape(rows, cols // block, 2)
    return blocks.reshape(rows, cols // block * size)


def stored(qtype):
    """The bytes (or array) to store for qtype, and the reference floats."""
    values = rng.standard_normal((ROWS, COLS)).astype(np.float32)
    values[0, :32] = 0  # a block of zeros: scale 0
    values[1, 40] = 9.5  # an outlier
    if qtype == T.F32:
        return values, values
    if qtype == T.F16:
        half = values.astype(np.float16)
        return half, half.astype(np.float32)
    if qtype in (T.Q4_K, T.Q6_K):
        data = random_kquant_blocks(qtype, ROWS, COLS)
    else:
        data = gguf.quants.quantize(values, qtype)
    return data, gguf.quants.dequantize(data, qtype).astype(np.float32)


TYPES = [T.F32, T.F16, T.BF16, T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q4_K, T.Q6_K]


def all_types():
    os.makedirs(os.path.join(HERE, "reference"), exist_ok=True)
    tensors = []
    for qtype in TYPES:
        data, reference = stored(qtype)
        reference.astype("<f4").tofile(os.path.join(HERE, "reference", f"{qtype.name}.f32"))
        tensors.append((f"t.{qtype.name}", data, qtype))
    cube = np.arange(2 * 3 * 32, dtype=np.float32).reshape(2, 3, 32)  # ggml ne = [32, 3, 2]
    x = rng.standard_normal(COLS).astype("<f4")
    x.tofile(os.path.join(HERE, "reference", "x.f32"))

    def build(w):
        for name, data, qtype in tensors:
            raw = None if qtype in (T.F32, T.F16) else qtype
            w.add_tensor(name, data, raw_dtype=raw)
        w.add_tensor("cube", cube)

    write(os.path.join(HERE, "all-types.gguf"), build)


def metadata():
    def build(w):
        w.add_custom_alignment(64)
        w.add_key_value("v.uint8", 200, V.UINT8)
        w.add_key_value("v.int8", -100, V.INT8)
        w.add_key_value("v.uint16", 60000, V.UINT16)
        w.add_key_value("v.int16", -30000, V.INT16)
        w.add_key_value("v.uint32", 4_000_000_000, V.UINT32)
        w.add_key_value("v.int32", -2_000_000_000, V.INT32)
        w.add_key_value("v.uint64", 18_000_000_000_000_000_000, V.UINT64)
        w.add_key_value("v.int64", -9_000_000_000_000_000_000, V.INT64)
        w.add_key_value("v.float32", 1e-5, V.FLOAT32)
        w.add_key_value("v.float64", 100000.5, V.FLOAT64)
        w.add_key_value("v.true", True, V.BOOL)
        w.add_key_value("v.false", False, V.BOOL)
        w.add_key_value("v.string", "héllo ✓ 🦊", V.STRING)
        w.add_key_value("v.empty", "", V.STRING)
        w.add_key_value("a.strings", ["<s>", "Ġquick", "", "日本"], V.ARRAY, V.STRING)
        w.add_key_value("a.int32", [1, -2, 3], V.ARRAY, V.INT32)
        w.add_key_value("a.uint8", [0, 255], V.ARRAY, V.UINT8)
        w.add_key_value("a.float32", [0.5, -1.25, 3.0], V.ARRAY, V.FLOAT32)
        w.add_key_value("a.bool", [True, False, True], V.ARRAY, V.BOOL)
        w.add_key_value("a.nested", [[1, 2], [3]], V.ARRAY, V.ARRAY)
        w.add_tensor("first", np.arange(8, dtype=np.float32))
        w.add_tensor("second", np.arange(64, dtype=np.float32).reshape(2, 32))

    write(os.path.join(HERE, "metadata.gguf"), build, arch="llama")


def small():
    def build(w):
        w.add_key_value("general.name", "small", V.STRING)
        w.add_key_value("a.tokens", ["a", "b", "c"], V.ARRAY, V.STRING)
        w.add_tensor("a.weight", np.ones((2, 32), dtype=np.float32))
        w.add_tensor("b.weight", np.full((2, 32), 2, dtype=np.float32))
        q = gguf.quants.quantize(rng.standard_normal((2, 32)).astype(np.float32), T.Q8_0)
        w.add_tensor("c.weight", q, raw_dtype=T.Q8_0)

    path = os.path.join(HERE, "small.gguf")
    write(path, build)
    with open(path, "rb") as f:
        return bytearray(f.read())


def info_offset(data, name):
    """Where tensor `name`'s info starts (its 8-byte name length)."""
    encoded = name.encode()
    at = data.index(struct.pack("<Q", len(encoded)) + encoded)
    return at, at + 8 + len(encoded)


def patched(data, at, fmt, value):
    out = bytearray(data)
    struct.pack_into(fmt, out, at, value)
    return out


def bad_files(good):
    bad = os.path.join(HERE, "bad")
    os.makedirs(bad, exist_ok=True)
    files = {}
    files["wrong-magic"] = b"GGML" + good[4:]
    files["version-99"] = patched(good, 4, "<I", 99)
    files["truncated-header"] = good[:10]
    key = good.index(b"general.name")
    files["truncated-metadata"] = good[: key + 4]
    _, c_after_name = info_offset(good, "c.weight")
    files["truncated-tensor-infos"] = good[: c_after_name + 6]
    files["truncated-data"] = good[:-40]  # into c.weight (the last 28 bytes are padding)
    # Every tensor info: name, u32 n_dims, n_dims x u64, u32 type, u64 offset (2-d here).
    _, b_info = info_offset(good, "b.weight")
    b_type, b_offset = b_info + 4 + 16, b_info + 4 + 16 + 4
    files["tensor-past-end"] = patched(good, b_offset, "<Q", 1 << 20)
    files["misaligned-offset"] = patched(good, b_offset, "<Q", 4)
    files["overlapping-tensors"] = patched(good, b_offset, "<Q", 0)
    files["unknown-type"] = patched(good, b_type, "<I", 99)
    b_name, _ = info_offset(good, "b.weight")
    files["duplicate-tensor"] = good[: b_name + 8] + b"a" + good[b_name + 9:]
    _, c_info = info_offset(good, "c.weight")
    files["bad-row-length"] = patched(good, c_info + 4, "<Q", 33)
    tokens = good.index(b"a.tokens")
    files["huge-array-count"] = patched(good, tokens + 8 + 4, "<Q", 1 << 60)
    files["huge-string-length"] = patched(good, key - 8, "<Q", 1 << 60)
    files["huge-tensor-count"] = patched(good, 8, "<Q", 1 << 60)
    value = good.index(b"small")
    files["non-utf8"] = patched(good, value, "<B", 0xFF)
    files["value-type-99"] = patched(good, key + len(b"general.name"), "<I", 99)

    def unsupported(w):
        q = gguf.quants.quantize(rng.standard_normal((2, 32)).astype(np.float32), T.Q5_1)
        w.add_tensor("blk.0.attn_q.weight", q, raw_dtype=T.Q5_1)

    write(os.path.join(bad, "unsupported-q5_1.gguf"), unsupported)
    for name, data in files.items():
        with open(os.path.join(bad, f"{name}.gguf"), "wb") as f:
            f.write(bytes(data))


all_types()
metadata()
bad_files(small())
