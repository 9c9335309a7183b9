# What init_cache returns for t5-small (6 decoder layers, 8 heads of 64), max_length 20:
def show(tree, indent=""):
    for name, value in tree.items():
        if isinstance(value, dict):
            print(f"{indent}{name}/")
            show(value, indent + "  ")
        else:
            print(f"{indent}{name}: {tuple(value.shape)} {value.dtype}")

show(past_key_values)
# decoder/
#   block/
#     0/
#       layer/
#         0/
#           SelfAttention/
#             cached_key: (1, 20, 8, 64) float32    batch, max_length, heads, head size
#             cached_value: (1, 20, 8, 64) float32
#             cache_index: () int32                 the next slot to write; decode adds 1
#     1/ … 5/ the same
#
# Only layer "0" of each block (SelfAttention) has a cache. Layer "1" is the
# cross-attention (EncDecAttention): it has none, so every decode call projects
# the encoder output again into keys and values, in every layer. That is
# kvtrace's --cross recompute; Hugging Face's PyTorch T5 keeps them instead
# (--cross once). The decoder's self-attention scores are computed over all 20
# slots at every step, the free ones masked out.
