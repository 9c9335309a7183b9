"""Makes the tiny T5 fixtures kvtrace's reference tests read.

Four complete Hugging Face folders (config.json, model.safetensors, and spiece.model
and tokenizer.json as links to the one copy in tokenizer/: nmt_nfkc's normalization
table makes them a few hundred KB) of random T5ForConditionalGeneration models, and for each the
reference outputs of transformers' PyTorch T5 in reference.json:

  t5-v1_0       T5 v1.0: ReLU feed-forward, tied embeddings, heads x d_kv == d_model, F32
  t5-v1_1       T5 v1.1: gated GELU, untied lm_head, heads x d_kv != d_model, F32
  t5-v1_0-bf16  the v1.0 model stored in BF16
  t5-v1_1-f16   the v1.1 model stored in F16

For the half-precision folders the reference is computed from the stored
(rounded) weights, converted back to float32.

Also buckets.json: transformers' relative position bucket of every offset -300...300,
bidirectional (encoder) and causal (decoder), for 32 buckets and max distance 128.

Recorded per folder: the source ids (the sentencepiece library's, `</s>` appended), the encoder's
attention weights per layer, and for every greedy decode step (use_cache=True,
one token fed at a time, starting from decoder_start_token_id) the decoder's
self- and cross-attention weights per layer and the logits; the greedy tokens.

Run from this folder with:
  pip install torch "transformers>=4.45,<5" safetensors sentencepiece protobuf tokenizers
  python3 make_fixtures.py
(transformers 5 ties lm_head to the embedding for every T5, so a 4.x is used.)
"""

import json
import os
import shutil
import tempfile

import sentencepiece as spm
import torch
import transformers
from transformers import T5Config, T5ForConditionalGeneration, T5TokenizerFast

SOURCE = "summarize: My friends are cool but they eat too many carbs."
STEPS = 6
CORPUS = [
    "summarize: My friends are cool but they eat too many carbs.",
    "My friends eat too many carbs.",
    "summarize: The quick brown fox jumps over the lazy dog.",
    "The quick brown fox jumps.",
    "summarize: The cat sat on the mat and then it slept all day.",
    "The cat slept all day.",
    "translate English to German: The house is wonderful.",
    "Das Haus ist wunderbar.",
    "summarize: Our neighbours are kind but they play music too loud at night.",
    "Our neighbours play music too loud.",
    "summarize: The students were tired but they finished the long exam.",
    "The students finished the exam.",
]


def train_tokenizer(folder):
    """A small unigram SentencePiece model with T5's special ids, and its tokenizer.json."""
    prefix = os.path.join(folder, "spiece")
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(CORPUS * 20), model_prefix=prefix, vocab_size=96,
        model_type="unigram", normalization_rule_name="nmt_nfkc", pad_id=0, eos_id=1,
        unk_id=2, bos_id=-1, hard_vocab_limit=False, character_coverage=1.0,
        num_threads=1, seed_sentencepiece_size=1000, shuffle_input_sentence=False)
    os.remove(prefix + ".vocab")
    with tempfile.TemporaryDirectory() as scratch:
        fast = T5TokenizerFast(vocab_file=prefix + ".model", extra_ids=4)
        fast.save_pretrained(scratch)
        shutil.copy(os.path.join(scratch, "tokenizer.json"), folder)
    return fast


def model(version, vocab):
    torch.manual_seed(1 if version == "v1_0" else 2)
    shape = dict(
        vocab_size=vocab, d_model=16, num_layers=2, num_decoder_layers=2,
        decoder_start_token_id=0, eos_token_id=1, pad_token_id=0, layer_norm_epsilon=1e-6,
        dropout_rate=0.0, attn_implementation="eager")
    if version == "v1_0":  # 2 heads of 8 = d_model; buckets 8 reaching 12: log buckets in use
        shape.update(
            d_kv=8, num_heads=2, d_ff=32, feed_forward_proj="relu", tie_word_embeddings=True,
            relative_attention_num_buckets=8, relative_attention_max_distance=12)
    else:  # 3 heads of 4 = 12 != d_model 16
        shape.update(
            d_kv=4, num_heads=3, d_ff=24, feed_forward_proj="gated-gelu",
            tie_word_embeddings=False, relative_attention_num_buckets=16,
            relative_attention_max_distance=20)
    m = T5ForConditionalGeneration(T5Config(**shape)).eval()
    with torch.no_grad():  # livelier than T5's init, so greedy decoding varies its tokens
        for name, p in m.named_parameters():
            if "layer_norm" in name:
                p.uniform_(0.5, 1.5)
            elif p.dim() == 2 and "relative_attention_bias" not in name:
                p.normal_(0.0, 1.5 / p.shape[1] ** 0.5 if "shared" not in name else 1.0)
            else:
                p.normal_(0.0, 1.0)
    return m


def record(m, source_ids):
    """The reference: encoder attention, then greedy steps with the cache."""
    out = {"sourceIds": source_ids}
    ids = torch.tensor([source_ids])
    with torch.no_grad():
        enc = m.encoder(input_ids=ids, output_attentions=True, return_dict=True)
        out["encoderAttention"] = [a[0].tolist() for a in enc.attentions]  # [layer][head][q][k]
        token = m.config.decoder_start_token_id
        past = None
        steps = []
        for _ in range(STEPS):
            r = m(encoder_outputs=(enc.last_hidden_state,), decoder_input_ids=torch.tensor([[token]]),
                  past_key_values=past, use_cache=True, output_attentions=True, return_dict=True)
            past = r.past_key_values
            logits = r.logits[0, -1]
            top = torch.topk(logits, 2).values
            assert float(top[0] - top[1]) > 1e-3, "a near tie: pick another seed"
            steps.append({
                "token": token,
                "self": [a[0, :, -1].tolist() for a in r.decoder_attentions],  # [layer][head][key]
                "cross": [a[0, :, -1].tolist() for a in r.cross_attentions],
                "logits": logits.tolist(),
            })
            token = int(torch.argmax(logits))
        out["steps"] = steps
        out["greedy"] = [int(torch.argmax(torch.tensor(s["logits"]))) for s in steps]
    return out


def write(folder, m, tokenizer, dtype, name):
    os.makedirs(folder, exist_ok=True)
    stored = m.to(dtype)
    stored.save_pretrained(folder, safe_serialization=True)
    for extra in ("generation_config.json",):
        path = os.path.join(folder, extra)
        if os.path.exists(path):
            os.remove(path)
    computed = stored.to(torch.float32)  # the rounded weights, computed in float32
    # The source as the sentencepiece library spells it, </s> appended: what kvtrace's
    # tokenizer reproduces. (T5TokenizerFast spells this source's first word differently:
    # kept as fastTokenizerIds, for the record.)
    pieces = spm.SentencePieceProcessor(model_file=os.path.join(folder, "spiece.model"))
    source_ids = pieces.encode(SOURCE) + [m.config.eos_token_id]
    reference = record(computed, source_ids)
    reference["fastTokenizerIds"] = tokenizer(SOURCE)["input_ids"]
    reference.update(source=SOURCE, model=name, dtype=str(dtype).replace("torch.", ""),
                     transformers=transformers.__version__, torch=torch.__version__)
    with open(os.path.join(folder, "reference.json"), "w") as f:
        json.dump(rounded(reference), f, separators=(",", ":"))


def rounded(value):
    """Floats to 7 decimals: far below the tests' 1e-4 tolerance, half the bytes."""
    if isinstance(value, float):
        return round(value, 7)
    if isinstance(value, list):
        return [rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    return value


def buckets(here):
    """transformers' relative position buckets for offsets -300...300 (T5's 32 and 128)."""
    from transformers.models.t5.modeling_t5 import T5Attention
    offsets = torch.arange(-300, 301)
    table = {"offsets": offsets.tolist()}
    for name, bidirectional in (("encoder", True), ("decoder", False)):
        table[name] = T5Attention._relative_position_bucket(
            offsets, bidirectional=bidirectional, num_buckets=32, max_distance=128).tolist()
    with open(os.path.join(here, "buckets.json"), "w") as f:
        json.dump(table, f, separators=(",", ":"))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    buckets(here)
    tokenizers = os.path.join(here, "tokenizer")
    os.makedirs(tokenizers, exist_ok=True)
    tokenizer = train_tokenizer(tokenizers)
    vocab = len(tokenizer)
    for version in ("v1_0", "v1_1"):
        m = model(version, vocab)
        half = torch.bfloat16 if version == "v1_0" else torch.float16
        suffix = "-bf16" if version == "v1_0" else "-f16"
        for folder, dtype in ((f"t5-{version}", torch.float32), (f"t5-{version}{suffix}", half)):
            path = os.path.join(here, folder)
            os.makedirs(path, exist_ok=True)
            for file in ("spiece.model", "tokenizer.json"):  # one copy, linked from each folder
                link = os.path.join(path, file)
                if os.path.lexists(link):
                    os.remove(link)
                os.symlink(os.path.join("..", "tokenizer", file), link)
            write(path, m.to(torch.float32) if dtype == torch.float32 else m, tokenizer, dtype, folder)


if __name__ == "__main__":
    main()
