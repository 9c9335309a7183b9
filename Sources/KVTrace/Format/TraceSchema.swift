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
            "weights": { "description": "Where the weights came from, in words, e.g. \"random, seed 0\"; identity names them exactly.", "type": "string" },
            "policy": {
              "type": "object",
              "required": ["name", "exact", "summary"],
              "additionalProperties": false,
              "properties": {
                "name": { "description": "The --cache name, e.g. \"full\". Under window:N the query at position p reads the rows p-N+1...p: the window counts the query's own position. sinks:S,window:N also keeps positions 0..<S.", "type": "string" },
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
            "detail": { "description": "\"summary\" leaves out scores and weights; \"full\" keeps them; \"vectors\" also keeps q, each head's output, the fresh K/V rows (and an int8 cache's codes and rows read back) and the logits.", "enum": ["summary", "full", "vectors"] },
            "identity": { "$ref": "#/$defs/identity" },
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
        "identity": {
          "description": "Which kvtrace, weights and tokenizer made the trace (absent in older files).",
          "type": "object",
          "required": ["kvtrace", "weights", "tokenizer"],
          "additionalProperties": false,
          "properties": {
            "kvtrace": { "description": "The version of kvtrace that wrote the trace.", "type": "string" },
            "weights": { "description": "\"file NAME\" (a checkpoint), \"trained default (…)\" or \"random seed S\".", "type": "string" },
            "weightsSHA256": { "$ref": "#/$defs/sha256" },
            "tokenizer": { "description": "\"llama2.c tokenizer.bin\" or \"demo vocabulary\".", "type": "string" },
            "tokenizerSHA256": { "$ref": "#/$defs/sha256" }
          }
        },
        "sha256": { "description": "A SHA-256 digest as sha256sum prints it.", "type": "string", "pattern": "^[0-9a-f]{64}$" },
        "vector": { "description": "Floats; the field's description gives the layout.", "type": "array", "items": { "type": "number" } },
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
            "vocabularySize": \#(range(ModelConfig.Limits.vocabularySize)),
            "headSize": { "description": "The width of one head, present only when it is not dim / heads (T5's d_kv).", "type": "integer", "minimum": \#(ModelConfig.Limits.headSize.lowerBound), "maximum": \#(ModelConfig.Limits.headSize.upperBound) },
            "architecture": { "description": "decoder, or encoder-decoder when the header has a source (absent in older files).", "enum": ["decoder", "encoder-decoder"] }
          }
        },
    \#(events)
      }
    }

    """#

  private static func range(_ limits: ClosedRange<Int>) -> String {
    #"{ "type": "integer", "minimum": \#(limits.lowerBound), "maximum": \#(limits.upperBound) }"#
  }
}
