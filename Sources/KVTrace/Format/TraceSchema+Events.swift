extension TraceSchema {
  /// The schema's event definitions, spliced into ``text``.
  static let events = #"""
        "event": {
          "oneOf": [
            { "$ref": "#/$defs/stepBegan" },
            { "$ref": "#/$defs/rows" },
            { "$ref": "#/$defs/attention" },
            { "$ref": "#/$defs/token" },
            { "$ref": "#/$defs/counters" },
            { "$ref": "#/$defs/quantization" },
            { "$ref": "#/$defs/blocks" }
          ]
        },
        "stepBegan": {
          "description": "A step starts: the positions it runs through the model.",
          "type": "object",
          "required": ["type", "step", "phase", "queries", "sequenceLength"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "stepBegan" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "phase": { "enum": ["encode", "prefill", "decode"] },
            "queries": {
              "description": "[start, end), end excluded.",
              "type": "array",
              "prefixItems": [{ "$ref": "#/$defs/index" }, { "$ref": "#/$defs/index" }],
              "minItems": 2,
              "items": false
            },
            "sequenceLength": { "type": "integer", "minimum": 1 }
          }
        },
        "rows": {
          "description": "Which K/V rows of one layer and KV head were computed, reused or evicted.",
          "type": "object",
          "required": ["type", "step", "layer", "kind", "kvHead", "fresh", "reused", "evicted"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "rows" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "layer": { "$ref": "#/$defs/index" },
            "kind": { "$ref": "#/$defs/attentionKind" },
            "kvHead": { "$ref": "#/$defs/index" },
            "fresh": { "$ref": "#/$defs/positions" },
            "reused": { "$ref": "#/$defs/positions" },
            "evicted": { "$ref": "#/$defs/positions" },
            "shared": { "description": "Of reused, the rows another sequence computed (a shared prefix); absent when none.", "$ref": "#/$defs/positions" },
            "keys": { "description": "Vectors detail: this KV head's fresh key rows as computed (after RoPE, none for cross rows; before int8 rounding), [fresh.count, headSize] row-major, positions in increasing order. A reused row is the one recorded at the step that computed it (sequence 0's for a shared row).", "$ref": "#/$defs/vector" },
            "values": { "description": "Vectors detail: the fresh value rows, laid out as keys.", "$ref": "#/$defs/vector" }
          }
        },
        "attention": {
          "description": "One query's attention in one layer and head; scores and weights at full detail, q and output at vectors detail. Query head h reads KV head h / (heads / kvHeads).",
          "type": "object",
          "required": ["type", "step", "layer", "kind", "head", "kvHead", "query", "keys"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "attention" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "layer": { "$ref": "#/$defs/index" },
            "kind": { "$ref": "#/$defs/attentionKind" },
            "head": { "$ref": "#/$defs/index" },
            "kvHead": { "$ref": "#/$defs/index" },
            "query": { "$ref": "#/$defs/index" },
            "keys": { "$ref": "#/$defs/positions" },
            "scores": { "description": "q·k / sqrt(headSize) per key, before softmax, aligned with keys in increasing position order.", "type": "array", "items": { "type": "number" } },
            "weights": { "description": "softmax(scores), aligned with keys.", "type": "array", "items": { "$ref": "#/$defs/probability" } },
            "q": { "description": "Vectors detail: this head's query, [headSize], after RoPE.", "$ref": "#/$defs/vector" },
            "output": { "description": "Vectors detail: this head's attention output, sum over keys of weights[i] * v[i], [headSize], before the output projection (an int8 cache's v are the rows read back).", "$ref": "#/$defs/vector" }
          }
        },
        "candidate": {
          "type": "object",
          "required": ["token", "text", "probability"],
          "additionalProperties": false,
          "properties": {
            "token": { "$ref": "#/$defs/index" },
            "text": { "type": "string" },
            "probability": { "$ref": "#/$defs/probability" }
          }
        },
        "token": {
          "description": "The token a step chose, with the most probable candidates.",
          "type": "object",
          "required": ["type", "step", "position", "chosen", "candidates"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "token" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "position": { "$ref": "#/$defs/index" },
            "chosen": { "$ref": "#/$defs/candidate" },
            "candidates": { "type": "array", "items": { "$ref": "#/$defs/candidate" } },
            "logits": { "description": "Vectors detail: the logits the token was chosen from, before temperature: the whole vocabulary in token-id order, or with logitTokens the largest K, largest first.", "$ref": "#/$defs/vector" },
            "logitTokens": { "description": "The token ids of logits when only the top K were kept (ties: lower id first).", "type": "array", "items": { "$ref": "#/$defs/index" } }
          }
        },
        "counters": {
          "description": "What a step cost. flops counts a multiply-add as 2: per position run, every layer's Wq, Wk, Wv, Wo projections, the scores and weighted sums over the keys it reads (heads * 4 * headSize per key), the SwiGLU MLP (3 matrices), plus the classifier once per step; norms, RoPE and softmax are left out. flopsWithoutCache is the same rule over every position of the sequence.",
          "type": "object",
          "required": ["type", "step", "rowsComputed", "rowsReused", "flops", "flopsWithoutCache", "cacheBytes"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "counters" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "rowsComputed": { "$ref": "#/$defs/count" },
            "rowsReused": { "$ref": "#/$defs/count" },
            "flops": { "$ref": "#/$defs/count" },
            "flopsWithoutCache": { "$ref": "#/$defs/count" },
            "cacheBytes": { "description": "Bytes of K and V held after the step: 2 * rows * kvDim * 4 for floats, 2 * rows * kvHeads * (headSize + 4) for int8, and under paged:B whole blocks (2 * blocks * B * layers * kvDim * 4, empty slots included).", "$ref": "#/$defs/count" },
            "crossRowsComputed": { "description": "Of rowsComputed, the cross-attention rows; written at an encoder-decoder's decoder steps, 0 when absent.", "$ref": "#/$defs/count" },
            "crossRowsReused": { "description": "Of rowsReused, the cross-attention rows; written with crossRowsComputed.", "$ref": "#/$defs/count" }
          }
        },
        "codes": { "type": "array", "items": { "type": "integer", "minimum": -127, "maximum": 127 } },
        "quantization": {
          "description": "How an int8 cache rounded the fresh rows of one layer and KV head: per row, in position order, the scale (max|x| / 127) and the largest |x - read-back x|, for keys and for values.",
          "type": "object",
          "required": ["type", "step", "layer", "kvHead", "positions", "keyScales", "keyErrors", "valueScales", "valueErrors"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "quantization" },
            "step": { "$ref": "#/$defs/index" },
            "layer": { "$ref": "#/$defs/index" },
            "kvHead": { "$ref": "#/$defs/index" },
            "positions": { "$ref": "#/$defs/positions" },
            "keyScales": { "type": "array", "items": { "type": "number", "minimum": 0 } },
            "keyErrors": { "type": "array", "items": { "type": "number", "minimum": 0 } },
            "valueScales": { "type": "array", "items": { "type": "number", "minimum": 0 } },
            "valueErrors": { "type": "array", "items": { "type": "number", "minimum": 0 } },
            "keyCodes": { "description": "Vectors detail: the stored key bytes, [positions, headSize] row-major; value i of row r reads back as keyCodes[r][i] * keyScales[r].", "$ref": "#/$defs/codes" },
            "keysRead": { "description": "Vectors detail: the key rows attention reads back (codes * scale), laid out as keyCodes.", "$ref": "#/$defs/vector" },
            "valueCodes": { "description": "Vectors detail: the stored value bytes, laid out as keyCodes.", "$ref": "#/$defs/codes" },
            "valuesRead": { "description": "Vectors detail: the value rows attention reads back, laid out as keyCodes.", "$ref": "#/$defs/vector" }
          }
        },
        "blocks": {
          "description": "A paged cache (paged:B) after a step: the block table of one sequence (logical block i holds positions i*blockSize up to (i+1)*blockSize) and the physical blocks allocated at this step.",
          "type": "object",
          "required": ["type", "step", "blockSize", "table", "allocated", "blocksInUse", "capacity", "references"],
          "additionalProperties": false,
          "properties": {
            "type": { "const": "blocks" },
            "step": { "$ref": "#/$defs/index" },
            "sequence": { "$ref": "#/$defs/sequence" },
            "blockSize": { "description": "Positions per block.", "type": "integer", "minimum": 1 },
            "table": { "description": "Physical block id of each logical block, in order.", "type": "array", "items": { "$ref": "#/$defs/index" } },
            "allocated": { "description": "Physical blocks taken from the free list at this step.", "type": "array", "items": { "$ref": "#/$defs/index" } },
            "blocksInUse": { "$ref": "#/$defs/count" },
            "capacity": { "description": "Blocks in the pool.", "type": "integer", "minimum": 1 },
            "references": { "description": "How many sequences hold each block of the table: 2 for a block of a shared prefix.", "type": "array", "items": { "type": "integer", "minimum": 1 } },
            "copy": {
              "description": "Copy on write: the block where two prompts part, copied so the second can write its own rows; its common rows are copied, not recomputed.",
              "type": "object",
              "required": ["from", "to", "positions"],
              "additionalProperties": false,
              "properties": {
                "from": { "$ref": "#/$defs/index" },
                "to": { "$ref": "#/$defs/index" },
                "positions": { "type": "array", "prefixItems": [{ "$ref": "#/$defs/index" }, { "$ref": "#/$defs/index" }], "minItems": 2, "items": false }
              }
            }
          }
        }
    """#
}
