"""Reference outputs of Hugging Face `transformers` for kvtrace's T5 trainer.

Each folder here (v1_0: ReLU, tied embeddings; v1_1: gated GELU, untied lm_head) holds
`config.json` and `model.safetensors` as kvtrace's trainer wrote them (a tiny T5 trained
three steps, see T5ReferenceTests.swift) and `pairs.json`, the token pairs. This script
loads each folder with `T5ForConditionalGeneration.from_pretrained` (which is itself a check
of the files), runs every evaluation pair teacher-forced (decoder input = start token 3 +
target, labels = target + eos 2) and records the logits and the mean loss, plus the
relative-position buckets `transformers` computes for a range of offsets. It writes
`reference.json` beside the folders; the tests read it and never run Python.

    python make_reference.py > make_reference.out
"""

import json
import os

import torch
import transformers
from transformers import T5ForConditionalGeneration
from transformers.models.t5.modeling_t5 import T5Attention

HERE = os.path.dirname(os.path.abspath(__file__))
START, EOS = 3, 2


def buckets(bidirectional, num_buckets, max_distance):
    offsets = torch.arange(-200, 201)
    result = T5Attention._relative_position_bucket(
        offsets, bidirectional=bidirectional, num_buckets=num_buckets, max_distance=max_distance
    )
    return result.tolist()


def run(name):
    folder = os.path.join(HERE, name)
    model = T5ForConditionalGeneration.from_pretrained(folder).eval()
    pairs = json.load(open(os.path.join(folder, "pairs.json")))["evaluation"]
    out = []
    with torch.no_grad():
        for pair in pairs:
            source = torch.tensor([pair["source"]])
            decoder = torch.tensor([[START] + pair["target"]])
            labels = torch.tensor([pair["target"] + [EOS]])
            result = model(input_ids=source, decoder_input_ids=decoder, labels=labels)
            out.append(
                {
                    "logits": [round(x, 7) for x in result.logits[0].flatten().tolist()],
                    "loss": round(result.loss.item(), 7),
                }
            )
            print(name, pair, "loss", round(result.loss.item(), 6))
    return out


def main():
    torch.manual_seed(0)
    reference = {"transformers": transformers.__version__, "torch": torch.__version__}
    for name in ["v1_0", "v1_1"]:
        reference[name] = run(name)
    reference["buckets"] = {
        "offsets_from": -200,
        "bidirectional_32_128": buckets(True, 32, 128),
        "causal_32_128": buckets(False, 32, 128),
        "bidirectional_8_9": buckets(True, 8, 9),
        "causal_6_7": buckets(False, 6, 7),
    }
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(reference, f, sort_keys=True)
        f.write("\n")
    print("transformers", transformers.__version__, "torch", torch.__version__)


if __name__ == "__main__":
    main()
