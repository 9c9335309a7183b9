import KVTrace
import KVTraceRender
import Testing
import TinyTransformer

/// Whatever the decoder accepts, the renderers draw without crashing.
///
/// The mutations change numbers and letters but keep the JSON well formed, so many
/// damaged files still decode (a different layer count, another token, a longer
/// prompt) and reach the renderers, as `kvtrace replay` would hand them over.
@Suite(.tags(.unit)) struct ReplayFuzzTests {
  @Test func decodableMutationsRender() throws {
    let trace = try RunRendererGoldenTests.trace(prompt: "The quick fox", steps: 2)
    let original = TraceEncoder.encode(trace, as: .jsonl)
    var random = SplitMix64(seed: 3)
    var rendered = 0
    for _ in 0..<400 {
      var bytes = original
      for _ in 0..<3 {
        let at = Int(random.next() % UInt64(bytes.count))
        switch bytes[at] {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): bytes[at] = 48 + UInt8(random.next() % 10)
        case UInt8(ascii: "a")...UInt8(ascii: "z"): bytes[at] = 97 + UInt8(random.next() % 26)
        default: continue
        }
      }
      guard let mutated = try? TraceDecoder.decode(bytes) else { continue }
      for style in [RenderStyle.plain, RenderStyle(width: 60, unicode: false)] {
        let text = RunRenderer.render(mutated, focus: RenderFocus(), style: style)
        #expect(text.hasSuffix("\n"))
      }
      #expect(!ChromeTraceRenderer.render(mutated).isEmpty)
      rendered += 1
    }
    #expect(rendered > 40, "too few mutations decoded to exercise the renderers")
  }
}
