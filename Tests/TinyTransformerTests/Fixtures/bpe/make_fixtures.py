#!/usr/bin/env python3
"""Fixtures for kvtrace's byte-level BPE tokenizer and chat templates.

Run from this folder with a Python that has `tokenizers` (0.23), `gguf` and `jinja2`:

    python make_fixtures.py /path/to/SmolLM2-135M-Instruct.Q4_1.gguf

It writes (the Swift tests read these; they never run Python):

- tiny_tokenizer.json: a byte-level BPE of a few hundred merges, trained here on a small
  inline corpus with SmolLM2's pre-tokenizer (Digits(individual), then ByteLevel);
- tiny_gguf.json: the same tokenizer as the arrays a GGUF file stores under tokenizer.ggml.*;
- smollm2_tokens.txt, smollm2_merges.txt: SmolLM2's real vocabulary and merges, one per
  line, copied from the GGUF (its spellings contain no white space, so no escapes needed);
- expected.json: the table of tricky strings and, for each tokenizer, the ids `tokenizers`
  gives for them. SmolLM2's reference is a `tokenizers` BPE built from the GGUF's own
  tokens and merges (not kvtrace's reading of them), with its control tokens as specials;
- chat.json: chat templates (SmolLM2's from the GGUF; Qwen2's, Llama 2's and Llama 3's as
  their models' tokenizer_config.json publish them) and what jinja2 renders for one user
  message with add_generation_prompt.
"""

import json
import sys

import gguf
import jinja2
from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
from tokenizers import processors, trainers

TRICKY = [
    "The quick brown fox",
    "12345",
    "3.14",
    "In 2024, 1,000,000 people paid $3.50.",
    "don't",
    "I'LL",
    "we've they're she'd I'm you'll it's",
    "'s 'S 'x",
    "a  b   c    d",
    "tab\there\t\tand\t",
    "line1\nline2\n\n\nend\n",
    "  leading and trailing  ",
    "\r\nwindows\r\n line\r\n",
    " \n \n  \n",
    "non\u00a0breaking\u00a0 space\u00a0",
    "\u3000ideographic\u3000space",
    "日本語のテキストです。",
    "中文分词测试",
    "한국어 문장",
    "emoji 😀 and 👍🏽!",
    "family 👨\u200d👩\u200d👧\u200d👦 ZWJ",
    "🏳️\u200d🌈 flag",
    "https://example.com/path?q=1&r=two#frag",
    "café naïve résumé Ångström",
    "e\u0301 combining",
    "<|im_start|>user\nHello there<|im_end|>\n<|im_start|>assistant\n",
    "text<|im_end|>more<|endoftext|>",
    "<|im_start|",
    "",
    " ",
    "aaaaaaaaaaaaaaaaaaaa",
    "Hello world!!! ??? ...",
    "नमस्ते दुनिया",
    "Ελληνικά κείμενα",
    "Ⅻ ½ ٣ x² ₂",
    "def f(x):\n    return x * 2  # comment\n",
    "Once upon a time, there was a little girl named Lily.",
]

CORPUS = """Once upon a time, there was a little girl named Lily. She liked to play in the park
with her friends. The quick brown fox jumps over the lazy dog. In 2024, 1,000,000 people
paid $3.50 for coffee. Don't worry, we'll be there at 10:30! I'm sure they've seen it.
def add(a, b):
    return a + b  # the sum
The weather today is sunny; tomorrow it will rain. Café, naïve, résumé.
日本語のテキスト。中文。 😀 👍 https://example.com/index.html?x=1
""" * 3

SPECIALS = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]

# Chat templates as published with the models (Qwen2-Instruct, Llama-2-chat, Llama-3-Instruct
# tokenizer_config.json); SmolLM2's is read from the GGUF.
QWEN2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}"
    "{% set loop_messages = messages %}{% set system_message = false %}{% endif %}"
    "{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}"
    "{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}"
    "{% endif %}{% endfor %}"
)
LLAMA3 = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}"
    "{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}"
    "{% endif %}"
)
CHAT_PROMPTS = ["The quick brown fox", "  Hi there!\n", "Write a haiku about caches."]
BOS = {"smollm2": "<|im_start|>", "qwen2": "", "llama2": "<s>", "llama3": "<|begin_of_text|>"}
EOS = {"smollm2": "<|im_end|>", "qwen2": "<|im_end|>", "llama2": "</s>", "llama3": "<|eot_id|>"}


GPT2_PATTERN = (
    r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")
LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
    r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_PATTERN = LLAMA3_PATTERN.replace(r"\p{N}{1,3}", r"\p{N}")


def split_pre_tokenizer(pattern):
    """Llama 3's and Qwen2's tokenizer.json: the regex split, then bytes without a regex."""
    return pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(pattern), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])


def pre_tokenized(pre_tokenizer):
    return [[w for w, _ in pre_tokenizer.pre_tokenize_str(s)] for s in TRICKY]


def train_variant(name, pre_tokenizer, normalizer=None, bos=None):
    """A tiny tokenizer with Llama 3's (ignore_merges, BOS added) or Qwen2's (NFC) pipeline."""
    tokenizer = Tokenizer(models.BPE(ignore_merges=name == "llama3"))
    tokenizer.pre_tokenizer = pre_tokenizer
    if normalizer:
        tokenizer.normalizer = normalizer
    tokenizer.decoder = decoders.ByteLevel()
    specials = SPECIALS + ([bos] if bos else [])
    trainer = trainers.BpeTrainer(
        vocab_size=len(specials) + 256 + 300, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(CORPUS.splitlines(keepends=True), trainer)
    if bos:
        tokenizer.post_processor = processors.TemplateProcessing(
            single=bos + " $A", special_tokens=[(bos, tokenizer.token_to_id(bos))])
    tokenizer.save(f"tiny_{name}_tokenizer.json")
    return [tokenizer.encode(s).ids for s in TRICKY]


def smollm_pre_tokenizer():
    return pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])


def encode_all(tokenizer):
    return [tokenizer.encode(s, add_special_tokens=False).ids for s in TRICKY]


def train_tiny():
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = smollm_pre_tokenizer()
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=len(SPECIALS) + 256 + 300, special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(CORPUS.splitlines(keepends=True), trainer)
    tokenizer.save("tiny_tokenizer.json")
    model = json.loads(tokenizer.to_str())["model"]
    vocab = sorted(model["vocab"].items(), key=lambda item: item[1])
    assert [i for _, i in vocab] == list(range(len(vocab)))
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    with open("tiny_gguf.json", "w") as f:
        json.dump({
            "tokens": [t for t, _ in vocab],
            "token_type": [3 if t in SPECIALS else 1 for t, _ in vocab],
            "merges": merges, "pre": "smollm", "bos": 1, "eos": 2, "unknown": 0,
            "add_bos": False,
        }, f, ensure_ascii=False, indent=0)
    return tokenizer


def smollm2_reference(path):
    reader = gguf.GGUFReader(path)
    field = lambda key: reader.fields[key].contents()
    tokens, merges, types = (field("tokenizer.ggml." + k) for k in ("tokens", "merges", "token_type"))
    assert field("tokenizer.ggml.pre") == "smollm" and field("tokenizer.ggml.model") == "gpt2"
    for line in tokens + merges:
        assert line and "\n" not in line and "\r" not in line
    with open("smollm2_tokens.txt", "w") as f:
        f.write("".join(t + "\n" for t in tokens))
    with open("smollm2_merges.txt", "w") as f:
        f.write("".join(m + "\n" for m in merges))
    model = models.BPE(
        vocab={t: i for i, t in enumerate(tokens)},
        merges=[tuple(m.split(" ")) for m in merges])
    tokenizer = Tokenizer(model)
    tokenizer.pre_tokenizer = smollm_pre_tokenizer()
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.add_special_tokens([t for t, k in zip(tokens, types) if k == 3])
    meta = {
        "bos": int(field("tokenizer.ggml.bos_token_id")),
        "eos": int(field("tokenizer.ggml.eos_token_id")),
        "unknown": int(field("tokenizer.ggml.unknown_token_id")),
        "padding": int(field("tokenizer.ggml.padding_token_id")),
        "add_bos": bool(field("tokenizer.ggml.add_bos_token")),
        "control": [i for i, k in enumerate(types) if k == 3],
    }
    return tokenizer, field("tokenizer.chat_template"), meta


def render(template, prompt, name):
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    def raise_exception(message):
        raise jinja2.TemplateError(message)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(template).render(
        messages=[{"role": "user", "content": prompt}], add_generation_prompt=True,
        bos_token=BOS[name], eos_token=EOS[name])


def main():
    tiny = train_tiny()
    real, smollm2_template, meta = smollm2_reference(sys.argv[1])
    expected = {
        "strings": TRICKY,
        "tiny": encode_all(tiny),
        "tiny_decoded": [tiny.decode(ids, skip_special_tokens=False) for ids in encode_all(tiny)],
        "smollm2": encode_all(real),
        "smollm2_pieces": [real.encode(s, add_special_tokens=False).tokens for s in TRICKY],
        "smollm2_meta": meta,
        "tiny_llama3": train_variant(
            "llama3", split_pre_tokenizer(LLAMA3_PATTERN), bos="<|begin_of_text|>"),
        "tiny_qwen2": train_variant(
            "qwen2", split_pre_tokenizer(QWEN2_PATTERN), normalizer=normalizers.NFC()),
        "pre_tokenized": {
            "gpt2": pre_tokenized(pre_tokenizers.ByteLevel(add_prefix_space=False)),
            "smollm": pre_tokenized(smollm_pre_tokenizer()),
            "llama3": pre_tokenized(split_pre_tokenizer(LLAMA3_PATTERN)),
            "qwen2": pre_tokenized(split_pre_tokenizer(QWEN2_PATTERN)),
        },
        "patterns": {"gpt2": GPT2_PATTERN, "llama3": LLAMA3_PATTERN, "qwen2": QWEN2_PATTERN},
    }
    with open("expected.json", "w") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
    templates = {"smollm2": smollm2_template, "qwen2": QWEN2, "llama2": LLAMA2, "llama3": LLAMA3}
    chat = {
        "prompts": CHAT_PROMPTS, "bos": BOS,
        "templates": templates,
        "rendered": {n: [render(t, p, n) for p in CHAT_PROMPTS] for n, t in templates.items()},
    }
    with open("chat.json", "w") as f:
        json.dump(chat, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
