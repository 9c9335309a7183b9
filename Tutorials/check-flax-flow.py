# Checks the Flax T5 flow shown in Encoder-Decoder.tutorial (flax-t5-summarize.py, flax-t5-cache.py)
# on a random model of t5-small's shape: the hub is not needed. Needs transformers 4.x with Flax:
#   python3 -m venv env && env/bin/pip install "transformers==4.46.3" "jax[cpu]==0.4.30" "flax==0.8.5"
# It prints the cache structure, the index after max_length steps, and checks that decode without a
# full-length decoder_attention_mask fails.
import jax, jax.numpy as jnp, numpy as np
from transformers import T5Config, FlaxT5ForConditionalGeneration
config = T5Config(vocab_size=32128, d_model=512, d_kv=64, d_ff=2048, num_layers=6, num_heads=8,
                  feed_forward_proj="relu", decoder_start_token_id=0, eos_token_id=1, pad_token_id=0)
model = FlaxT5ForConditionalGeneration(config, seed=0)
input_ids = np.array([[21603, 10, 499, 803, 33, 1633, 68, 79, 3, 9, 11, 1, 1]], dtype="i4")[:, :13]
inputs = {"input_ids": input_ids, "attention_mask": np.ones_like(input_ids)}
encoder_outputs = model.encode(**inputs)
max_length = 20
past = model.init_cache(1, max_length, encoder_outputs)
def show(tree, indent=""):
    for k, v in tree.items():
        if isinstance(v, dict):
            print(f"{indent}{k}/"); show(v, indent + "  ")
        else:
            print(f"{indent}{k}: {tuple(v.shape)} {v.dtype}")
blk = past["decoder"]["block"]
print(list(past.keys()), list(past["decoder"].keys()), sorted(blk.keys()))
show({"decoder": {"block": {"0": blk["0"]}}})
token = jnp.full((1, 1), config.decoder_start_token_id, dtype="i4")
mask = jnp.ones((1, max_length), dtype="i4")
out_ids = []
for step in range(max_length):
    out = model.decode(token, encoder_outputs, decoder_attention_mask=mask, past_key_values=past)
    past = out.past_key_values
    nxt = int(out.logits[0, -1].argmax())
    out_ids.append(nxt)
    token = jnp.full((1, 1), nxt, dtype="i4")
print("index after", max_length, "steps:", int(past["decoder"]["block"]["0"]["layer"]["0"]["SelfAttention"]["cache_index"]))
print("tokens", out_ids)
# check against no-cache full decode
full = model.decode(jnp.array([[0] + out_ids[:-1]], dtype="i4"), encoder_outputs)
print("greedy from a full pass:", [int(i) for i in full.logits[0].argmax(-1)])
try:
    out = model.decode(jnp.full((1, 1), 0, dtype="i4"), encoder_outputs, past_key_values=model.init_cache(1, max_length, encoder_outputs))
    print("without decoder_attention_mask: ran")
except Exception as e:
    print("without decoder_attention_mask:", type(e).__name__, str(e)[:200])
