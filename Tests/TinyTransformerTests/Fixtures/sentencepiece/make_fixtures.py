"""Makes the SentencePiece fixtures of SentencePieceUnigramTests (run once; tests never run it).

    python3 -m venv /tmp/spmvenv
    /tmp/spmvenv/bin/pip install sentencepiece protobuf tokenizers transformers
    /tmp/spmvenv/bin/python make_fixtures.py   # in this folder

Inputs and outputs, all in this folder:
- test_model.model: sentencepiece's own test model (Unigram, 1000 pieces, nmt_nfkc), copied
  unchanged from github.com/google/sentencepiece at commit
  273449044caa593c2fd7eb7550cb3ab2cff93f1a, path python/test/test_model.model (the PyPI
  source package 0.2.3 ships other models in test/ but not this one). Not written here.
- t5like.model: a T5-like Unigram model trained here (nmt_nfkc, 300 pieces, pad 0, eos 1,
  unk 2, no bos, as T5's spiece.model) on generated text.
- t5like-tokenizer.json: what transformers' T5TokenizerFast converts t5like.model to (with
  10 extra ids, `<extra_id_0>`...). transformers 5 reads a folder holding `spiece.model`
  (`T5TokenizerFast.from_pretrained(folder)`); its `vocab_file=` argument is gone.
- t5like-variant-tokenizer.json: t5like-tokenizer.json with the other pipeline steps
  tokenizer.json files of T5-like models use instead (written by older converters or by
  hand): no Precompiled map (to keep the file small), a Sequence of Strip (right),
  Replace (Regex " {2,}" -> "▁") and Replace (String "ﬁ" -> "fi"), and the legacy Metaspace
  form (`add_prefix_space: true`, no WhitespaceSplit).
- bytefallback.model: a small Unigram model with byte_fallback, a user-defined piece and no
  normalization map (identity rules).
- expected.json: for every string of STRINGS, the ids, pieces and decoded text that
  sentencepiece gives with each .model, and the ids and decoded text (special tokens skipped)
  that tokenizers gives with the tokenizer.json (without the appended `</s>`).
"""

import hashlib
import json
import os
import random
import shutil
import tempfile

import sentencepiece as spm
import tokenizers
import transformers
from transformers import T5TokenizerFast

STRINGS = [
    "",
    "Hello world",
    "Hello World.",
    "The quick brown fox jumps over the lazy dog.",
    "summarize: My friends are cool but they eat too many carbs.",
    "I saw a girl with a telescope.",
    "  leading spaces",
    "trailing spaces   ",
    "many     inner      spaces",
    "   ",
    " ",
    "tab\tseparated\twords",
    "new\nline and\r\nwindows",
    "\u3000ideographic\u3000space",
    "non\u00a0breaking",
    "ＡＢＣ ｆｕｌｌ ｗｉｄｔｈ １２３",
    "ﬁne ﬂow ﬀ",
    "① ② ⅷ ㍿",
    "ｶﾀｶﾅ half width",
    "café naïve résumé",
    "cafe\u0301 decomposed",
    "Ångström Ωmega",
    "東京は大きい",
    "吾輩は猫である。名前はまだ無い。",
    "中文 字符",
    "한국어 텍스트",
    "Привет, мир!",
    "Γειά σου",
    "مرحبا",
    "emoji 😀 and 👍🏽 and 👨‍👩‍👧",
    "😀😀😀",
    "zero\u200bwidth\u200bspace",
    "soft\u00adhyphen",
    "control\u0001char\u007f",
    "</s>",
    "<unk> <pad>",
    "<extra_id_0> masked <extra_id_1>",
    "numbers 1234567890 3.14159",
    "punctuation!?;:,.-()[]{}'\"",
    "e-mail: someone@example.com",
    "C'est la vie, n'est-ce pas?",
    "ALL CAPS TEXT",
    "a",
    "▁already▁escaped",
    "mixed 東京 and English",
    "kv cache kvtrace",
    "repeated repeated repeated repeated",
]


def t5like_corpus():
    random.seed(7)
    words = (
        "the quick brown fox jumps over lazy dog my friends are cool but they eat too many "
        "carbs summarize translate english german cafe naive resume city river house garden "
        "kv cache trace token model".split()
    )
    syllables = "ka ri to mo ne su la pe di gor an ex in ter pro con sta ble ing ed ly tion".split()
    words += [
        "".join(random.choice(syllables) for _ in range(random.randint(1, 4))) for _ in range(600)
    ]
    lines = [
        " ".join(random.choice(words) for _ in range(random.randint(3, 12))) for _ in range(4000)
    ]
    lines = [line.capitalize() + random.choice([".", ",", "!", "?", ""]) for line in lines]
    lines += ["Café naïve résumé", "東京 は 大きい", "ﬁne ﬂow", "ＡＢＣ full width", "1234 5678 90"]
    return lines


def train(path, **options):
    prefix = os.path.splitext(path)[0]
    spm.SentencePieceTrainer.train(
        model_prefix=prefix, model_type="unigram", num_threads=1, minloglevel=2, **options
    )
    os.remove(prefix + ".vocab")


def spm_rows(model_file):
    sp = spm.SentencePieceProcessor(model_file=model_file)
    rows = []
    for text in STRINGS:
        ids = sp.encode(text)
        rows.append(
            {"ids": ids, "pieces": [sp.id_to_piece(i) for i in ids], "decoded": sp.decode(ids)}
        )
    return rows


def hf_rows(tokenizer):
    rows = []
    for text in STRINGS:
        ids = tokenizer.encode(text, add_special_tokens=False)
        decoded = tokenizer.decode(ids, skip_special_tokens=True)
        rows.append({"ids": ids, "decoded": decoded})
    return rows


def write_variant():
    with open("t5like-tokenizer.json") as source:
        data = json.load(source)
    data["normalizer"] = {
        "type": "Sequence",
        "normalizers": [
            {"type": "Strip", "strip_left": False, "strip_right": True},
            {"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": "\u2581"},
            {"type": "Replace", "pattern": {"String": "\ufb01"}, "content": "fi"},
        ],
    }
    data["pre_tokenizer"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    data["decoder"] = {"type": "Metaspace", "replacement": "\u2581", "add_prefix_space": True}
    with open("t5like-variant-tokenizer.json", "w") as out:
        json.dump(data, out, ensure_ascii=False)


def raw_rows(path):
    tokenizer = tokenizers.Tokenizer.from_file(path)
    rows = []
    for text in STRINGS:
        ids = tokenizer.encode(text, add_special_tokens=False).ids
        rows.append({"ids": ids, "decoded": tokenizer.decode(ids, skip_special_tokens=True)})
    return rows


def sha256(path):
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def main():
    # The corpus sits here, under a fixed name, while training: the trainer records its path
    # in the model, so a fixed path keeps the .model files byte-identical between runs.
    corpus = "corpus.txt"
    with open(corpus, "w") as out:
        out.write("\n".join(t5like_corpus()))
    train(
        "t5like.model", input=corpus, vocab_size=300, normalization_rule_name="nmt_nfkc",
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0,
    )
    train(
        "bytefallback.model", input=corpus, vocab_size=360,
        normalization_rule_name="identity", byte_fallback=True,
        user_defined_symbols=["kvtrace"], character_coverage=0.98,
    )
    os.remove(corpus)
    with tempfile.TemporaryDirectory() as work:
        folder = os.path.join(work, "t5like")
        os.mkdir(folder)
        shutil.copy("t5like.model", os.path.join(folder, "spiece.model"))
        hf = T5TokenizerFast.from_pretrained(folder, extra_ids=10)
        hf.save_pretrained(folder)
        shutil.copy(os.path.join(folder, "tokenizer.json"), "t5like-tokenizer.json")
    write_variant()
    fast = transformers.PreTrainedTokenizerFast(tokenizer_file="t5like-tokenizer.json")
    expected = {
        "versions": {
            "sentencepiece": spm.__version__,
            "tokenizers": tokenizers.__version__,
            "transformers": transformers.__version__,
        },
        "sha256": {
            name: sha256(name)
            for name in [
                "test_model.model", "t5like.model", "t5like-tokenizer.json",
                "t5like-variant-tokenizer.json", "bytefallback.model",
            ]
        },
        "strings": STRINGS,
        "test_model": spm_rows("test_model.model"),
        "t5like": spm_rows("t5like.model"),
        "bytefallback": spm_rows("bytefallback.model"),
        "t5like_tokenizer_json": hf_rows(fast),
        "t5like_tokenizer_json_full": [fast.encode(s) for s in STRINGS[:4]],
        "t5like_variant_tokenizer_json": raw_rows("t5like-variant-tokenizer.json"),
    }
    with open("expected.json", "w") as out:
        json.dump(expected, out, ensure_ascii=False, indent=1)
        out.write("\n")
    agree = sum(a["ids"] == b["ids"] for a, b in zip(expected["t5like"], expected["t5like_tokenizer_json"]))
    print(f"{len(STRINGS)} strings; sentencepiece and tokenizers agree on {agree}")


if __name__ == "__main__":
    main()
