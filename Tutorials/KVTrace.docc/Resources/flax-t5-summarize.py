# The seed's example, corrected: T5 summarizes with Flax, one token per decode call.
# Needs transformers 4.x with Flax (transformers 5 dropped Flax), jax and flax.
import jax.numpy as jnp
from transformers import AutoTokenizer, FlaxT5ForConditionalGeneration

tokenizer = AutoTokenizer.from_pretrained("t5-small")
model = FlaxT5ForConditionalGeneration.from_pretrained("t5-small")

text = "summarize: My friends are cool but they eat too many carbs."
inputs = tokenizer(text, return_tensors="np")  # the ids end with </s> (id 1)

# 1. The encoder runs once, over the whole source.
encoder_outputs = model.encode(**inputs)

# 2. The decoder's cache: self-attention keys and values only, preallocated to
#    max_length positions, with an index of the next free slot. No cross rows.
max_length = 20
past_key_values = model.init_cache(1, max_length, encoder_outputs)
# With a cache, the mask covers all max_length slots (the cache hides the free ones).
decoder_attention_mask = jnp.ones((1, max_length), dtype="i4")

# 3. The decoder starts from decoder_start_token_id (0, T5's <pad>), not from the source.
token = jnp.full((1, 1), model.config.decoder_start_token_id, dtype="i4")

# 4. One decode call per token: one new self-attention row per layer and head.
summary = []
for _ in range(max_length):
    outputs = model.decode(
        token,
        encoder_outputs,
        decoder_attention_mask=decoder_attention_mask,
        past_key_values=past_key_values,
    )
    past_key_values = outputs.past_key_values  # the same buffers, index + 1
    next_id = int(outputs.logits[0, -1].argmax())
    if next_id == model.config.eos_token_id:
        break
    summary.append(next_id)
    token = jnp.full((1, 1), next_id, dtype="i4")

print(tokenizer.decode(summary))
