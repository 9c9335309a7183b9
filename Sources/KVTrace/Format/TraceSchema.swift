/// The JSON Schema (draft 2020-12) of the trace file format, version 1.
///
/// `kvtrace schema` prints ``text``. The schema validates a JSON document
/// (``TraceFileFormat/json``). For JSON Lines, validate the first line against
/// `#/$defs/headerLine` and every other line against `#/$defs/event`.
///
/// A schema says what the fields and their types are; ``TraceDecoder`` checks
/// more than a schema can: that positions lie inside their step's sequence,
/// that weights sum to 1, that steps come in order.
public enum TraceSchema {
  /// The schema as JSON text, ending in a newline.
  public static let text = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "urn:kvtrace:trace:\#(TraceHeader.currentVersion)",
      "title": "kvtrace trace, version \#(TraceHeader.currentVersion)",
      "description": "What a tiny transformer computed, step by step, and which key/value rows it computed fresh or reused from its cache.",
      "type": "object",
      "required": ["format", "version", "header", "events"],
      "additionalProperties": false,
      "properties": {
        "format": { "$ref": "#/$defs/format" },
        "version": { "$ref": "#/$defs/version" },
        "header": { "$ref": "#/$defs/header" },
        "events": {
          "description": "Every event, in the order the model emitted it.",
          "type": "array",
          "items": { "$ref": "#/$defs/event" }
        }
      },
      "$defs": {
        "format": { "description": "Always \"kvtrace\".", "const": "kvtrace" },
        "version": { "description": "The format version.", "const": \#(TraceHeader.currentVersion) },
        "headerLine": {
          "description": "The first line of a JSON Lines trace.",
          "type": "object",
          "required": ["format", "version", "header"],
          "additionalProperties": false,
          "properties": {
            "format": { "$ref": "#/$defs/format" },
            "version": { "$ref": "#/$defs/version" },
            "header": { "$ref": "#/$defs/header" }
          }
        },
        "count": { "type": "integer", "minimum": 0 },
        "sequence": { "description": "The second of two prompts decoded together is sequence 1; absent means sequence 0.", "enum": [0, 1] },
        "index": { "description": "A 0-based index.", "type": "integer", "minimum": 0 },
        "text": { "type": "string" },
        "probability": { "type": "number", "minimum": 0, "maximum": 1 },
        "positions": {
          "description": "A set of positions as sorted runs [start, end), end excluded: [[0, 3], [5, 6]] is 0, 1, 2 and 5.",
          "type": "array",
          "items": {
            "type": "array",
            "prefixItems": [{ "$ref": "#/$defs/index" }, { "$ref": "#/$defs/index" }],
            "minItems": 2,
            "items": false
          }
        },
        "attentionKind": { "enum": ["self", "cross"] },
        "header": {
          "description": "Everything a renderer needs besides the events.",
          "type": "object",
          "required": ["model", "weights", "policy", "seed", "sampling", "prompt", "promptTokens", "decodeSteps", "detail"],
          "additionalProperties": false,
          "properties": {
            "model": { "$ref": "#/$defs/model" },
            "weights": { "description": "Where the weights came from, e.g. \"random, seed 0\".", "type": "string" },
            "policy": {
              "type": "object",
              "required": ["name", "exact", "summary"],
              "additionalProperties": false,
              "properties": {
                "name": { "description": "The --cache name, e.g. \"full\".", "type": "string" },
                "exact": { "description": "Whether it gives the same tokens as no cache.", "type": "boolean" },
                "summary": { "type": "string" }
              }
            },
            "seed": { "type": "integer", "minimum": 0, "maximum": 18446744073709551615 },
            "sampling": {
              "type": "object",
              "required": ["temperature", "topK"],
              "additionalProperties": false,
              "properties": {
                "temperature": { "description": "0 is greedy.", "type": "number", "minimum": 0 },
                "topK": { "description": "0 samples among all tokens.", "$ref": "#/$defs/count" }
              }
            },
            "prompt": { "type": "string" },
            "promptTokens": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/traceToken" } },
            "decodeSteps": { "description": "Decode steps after the prefill, or the encode step (step 0).", "$ref": "#/$defs/count" },
            "detail": { "description": "\"summary\" leaves out scores and weights.", "enum": ["summary", "full"] },
            "source": { "$ref": "#/$defs/source" },
            "secondPrompt": {
              "description": "The second of two prompts decoded together with a shared prefix (paged blocks); its events have sequence 1.",
              "type": "object",
              "required": ["text", "tokens"],
              "additionalProperties": false,
              "properties": {
                "text": { "type": "string" },
                "tokens": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/traceToken" } }
              }
            }
          }
        },
        "source": {
          "description": "An encoder-decoder run only: the source the encoder read (one cross-attention row per token), and whether the decoder projects its cross-attention K/V once or at every step. The header's prompt is then the source text and its promptTokens the decoder start token.",
          "type": "object",
          "required": ["tokens", "crossAttention"],
          "additionalProperties": false,
          "properties": {
            "tokens": { "type": "array", "minItems": 1, "items": { "$ref": "#/$defs/traceToken" } },
            "crossAttention": { "enum": ["once", "recompute"] }
          }
        },
        "traceToken": {
          "description": "A token of the prompt or the source; its text includes a leading space where it has one.",
          "type": "object",
          "required": ["id", "text"],
          "additionalProperties": false,
          "properties": { "id": { "$ref": "#/$defs/index" }, "text": { "type": "string" } }
        },
        "model": {
          "type": "object",
          "required": ["layers", "heads", "kvHeads", "dim", "mlpDim", "contextLength", "vocabularySize"],
          "additionalProperties": false,
          "properties": {
            "layers": \#(range(ModelConfig.Limits.layers)),
            "heads": \#(range(ModelConfig.Limits.heads)),
            "kvHeads": \#(range(ModelConfig.Limits.kvHeads)),
            "dim": \#(range(ModelConfig.Limits.dim)),
            "mlpDim": \#(range(ModelConfig.Limits.mlpDim)),
            "contextLength": \#(range(ModelConfig.Limits.contextLength)),
            "vocabularySize": \#(range(ModelConfig.Limits.vocabularySize))
          }
        },
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
            "shared": { "description": "Of reused, the rows another sequence computed (a shared prefix); absent when none.", "$ref": "#/$defs/positions" }
          }
        },
        "attention": {
          "description": "One query's attention in one layer and head; scores and weights at full detail.",
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
            "scores": { "type": "array", "items": { "type": "number" } },
            "weights": { "type": "array", "items": { "$ref": "#/$defs/probability" } }
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
            "candidates": { "type": "array", "items": { "$ref": "#/$defs/candidate" } }
          }
        },
        "counters": {
          "description": "What a step cost.",
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
            "cacheBytes": { "$ref": "#/$defs/count" },
            "crossRowsComputed": { "description": "Of rowsComputed, the cross-attention rows; written at an encoder-decoder's decoder steps, 0 when absent.", "$ref": "#/$defs/count" },
            "crossRowsReused": { "description": "Of rowsReused, the cross-attention rows; written with crossRowsComputed.", "$ref": "#/$defs/count" }
          }
        },
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
            "valueErrors": { "type": "array", "items": { "type": "number", "minimum": 0 } }
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
      }
    }

    """#

  private static func range(_ limits: ClosedRange<Int>) -> String {
    #"{ "type": "integer", "minimum": \#(limits.lowerBound), "maximum": \#(limits.upperBound) }"#
  }
}
