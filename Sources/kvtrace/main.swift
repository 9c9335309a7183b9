import KVTrace
import TinyTransformer

let model = TinyTransformer.demo(seed: 7)
print("built", model.parameterCount)
var log = TraceLog()
let g = try model.generate(prompt: "The quick brown fox jumps over the lazy dog.", steps: 6, recorder: &log)
print(g.tokens.map { model.tokenizer.label(of: $0) })
