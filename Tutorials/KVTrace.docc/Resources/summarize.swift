// The classic encoder-decoder example, `summarize: My friends are cool but they eat too
// many carbs.`, done right, through kvtrace's library API.
//
// Many introductions to KV caching walk through this example with Flax T5 and get the
// flow wrong: they re-run the encoder at every step, grow the cross-attention cache, or
// call functions that do not exist (`init_decoder_state`, `config.decoder_input_ids`).
// The real flow, in Flax as here:
//
//   1. encode the source once                       `model.encode(...)`
//   2. make the decoder's cache from its output     Flax: `init_cache(batch, max_length,
//                                                   encoder_outputs)`
//   3. start from the decoder start token           Flax: `config.decoder_start_token_id`
//   4. decode one token per step, with the cache    Flax: `decode(..., past_key_values=...)`
//
// Run it with `swift run summarize` (cross-attention K/V projected once and reused, as
// Hugging Face's PyTorch models do) or `swift run summarize recompute` (projected again
// at every step, as Flax T5 does). The model is kvtrace's trained tiny T5 (2 + 2 layers,
// trained by `kvtrace train --arch encoder-decoder` on summaries in the seed's style), so
// the words mean something: it writes "My friends eat too many carbs.", copying each word
// from the source. The rows computed and reused are real.

import Foundation
import KVTrace
import TinyTransformer

let source = "summarize: My friends are cool but they eat too many carbs."
let steps = 8
let arguments = CommandLine.arguments.dropFirst()
guard let mode = CrossAttentionMode(rawValue: arguments.first ?? "once"), arguments.count <= 1
else {
  print("usage: summarize [once|recompute]")
  exit(64)
}

/// A token's text for a table: no leading space, the start token by name.
func label(_ token: Int, _ tokenizer: Tokenizer) -> String {
  let piece = tokenizer.piece(of: token)
  return piece.hasPrefix(" ") ? String(piece.dropFirst()) : piece
}

/// Prints `text` wrapped at 80 columns, lines after the first indented by `indent`.
func say(_ text: String, indent: String = "") {
  var line = ""
  for word in text.split(separator: " ") {
    if !line.isEmpty, line.count + 1 + word.count > 80 {
      print(line)
      line = indent
    }
    line += (line.isEmpty || line == indent ? "" : " ") + word
  }
  print(line)
}

func pad(_ text: String, _ width: Int) -> String {
  text + String(repeating: " ", count: max(0, width - text.count))
}

/// The flow, step by step, printing what each step computed and reused.
func summarize(_ model: EncoderDecoderTransformer, mode: CrossAttentionMode) throws(DecodeError) {
  let tokenizer = model.tokenizer
  let config = model.config
  print("The encoder-decoder flow, with both caches (--cross \(mode.rawValue))")
  print(
    "model: 2 encoder and 2 decoder layers, \(config.heads) heads of size \(config.headSize);"
      + " trained by kvtrace train --arch encoder-decoder")
  print()

  // 1. Encode once. The encoder reads the whole source at once, bidirectionally, with T5's
  // end token `</s>` behind it, as the model was trained.
  let sourceTokens = try model.sourceTokens(source)
  let encoded = try model.encode(sourceTokens)
  say(
    "1. encode, once: \(encoded.length) source tokens in, \(encoded.length) vectors of "
      + "\(config.dim) numbers out. The decoder reads them at every step; nothing runs the "
      + "encoder again.", indent: "   ")

  // 2. The decoder's cache: empty self-attention rows, cross-attention rows still to project.
  let cache = try model.makeDecoderCache(
    encoderOutput: encoded, maxLength: steps, policy: FullCache(), crossAttention: mode)
  print("2. make the decoder cache for \(cache.maxLength) positions (Flax: init_cache).")

  // 3. and 4. Start from the decoder start token; feed each chosen token back.
  var token = model.startToken
  print("3. start from the decoder start token, id \(token) (\(label(token, tokenizer))).")
  print("4. decode, one token per step:")
  print()
  print("   step  token in   self-attention K/V      cross-attention K/V     next")
  var output: [Int] = []
  var crossComputed = 0
  for _ in 0..<steps {
    let step = try model.decode(token: token, cache: cache)
    let next = step.logits.indices.max { step.logits[$0] < step.logits[$1] } ?? 0  // greedy
    crossComputed += step.crossRowsComputed
    print(
      "   " + pad("\(step.step)", 6) + pad(label(token, tokenizer), 11)
        + pad("\(step.selfRowsComputed) new, \(step.selfRowsReused) reused", 24)
        + pad("\(step.crossRowsComputed) new, \(step.crossRowsReused) reused", 24)
        + label(next, tokenizer))
    if next == Tokenizer.eosToken { break }  // the summary is complete
    output.append(next)
    token = next
  }
  print()
  print("output: \"\(label(output[0], tokenizer))\(tokenizer.decode(Array(output.dropFirst())))\"")
  print()
  let perStep = config.layers * config.kvHeads
  let shape =
    "\(encoded.length) source tokens × \(config.layers) layers × \(config.kvHeads) KV heads"
  var summary =
    "The encoder ran once. Self-attention: \(perStep) new K/V rows per step (one per layer "
    + "and KV head), every earlier row reused. Cross-attention: \(crossComputed) rows in all, "
  switch mode {
  case .once:
    summary +=
      "the \(encoded.length * perStep) of \(shape), projected at the first step and only "
      + "reused after: their number is the source length, and it never grows."
  case .recompute:
    summary +=
      "the \(encoded.length * perStep) of \(shape) projected again at every step from the "
      + "stored encoder output: the same numbers each time. Their number never grows."
  }
  say(summary)
  say("The decoder's caches hold \(cache.bytesHeld) bytes of keys and values after the last step.")
}

do {
  try summarize(try EncoderDecoderTransformer.trainedDefault(), mode: mode)
} catch {
  print("summarize: \(error)")
  exit(70)
}
