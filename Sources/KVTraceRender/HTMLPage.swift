import KVTrace

/// A trace as one self-contained web page: open it in any browser, from a file,
/// and step through the run as `kvtrace step` does, without kvtrace.
///
/// The page holds everything it shows: its style and script inline, no fonts,
/// images or addresses to fetch, so "Save as" keeps it whole and it works from
/// `file://` on a laptop without a network. It embeds two documents:
///
/// - the **trace** itself, the same JSON `--export trace.json` writes, so the
///   page's attention bars are read from the run's own events;
/// - a **view**: per step, what the terminal's text says (the counters, the
///   step told in a sentence, the next token, the marks of every grid cell),
///   made here by the renderers `kvtrace step` uses, so the page's words and
///   numbers are the terminal's, rounded the same way.
///
/// Both sit in `<script type="application/json">` elements with every `<`, `>`
/// and `&` written as a JSON escape (`\u003c`): no text in a trace, however
/// hostile, can close the element or start markup. The script puts text on the
/// page as text (`textContent`), never as markup.
public enum HTMLPage {
  /// The page of `trace`, as UTF-8 bytes.
  ///
  /// - Parameters:
  ///   - trace: The run the page steps through.
  ///   - withoutCache: The same prompt decoded with policy `none` (the same steps and
  ///     sampling), which the page's `c` views draw as `kvtrace step` does; for two prompts,
  ///     each decoded alone. Without it, those views say the run is not in the page.
  ///   - focus: The layer and head the page opens on; `nil` for the head `kvtrace run`
  ///     draws by default.
  public static func render(
    _ trace: Trace, withoutCache: [Trace] = [], focus: RenderFocus? = nil
  ) -> [UInt8] {
    var page: [UInt8] = []
    let frame =
      withoutCache.count > 1
      ? InteractiveFrame(trace: trace, withoutCacheByPrompt: withoutCache)
      : InteractiveFrame(trace: trace, withoutCache: withoutCache.first)
    let json = TraceEncoder.encode(trace, as: .json)
    let view = HTMLPageView.json(frame, focus: focus)
    // The runs without a cache, for the attention the `c` views draw (a `none` run is its own).
    var uncached: [UInt8] = Array("[".utf8)
    for (index, run) in withoutCache.enumerated() {
      if index > 0 { uncached += Array(",".utf8) }
      uncached += TraceEncoder.encode(run, as: .json)
    }
    uncached += Array("]".utf8)
    page.reserveCapacity(json.count + view.count + uncached.count + 64_000)
    page += Array(head(trace).utf8)
    page += Array(#"<script type="application/json" id="kvtrace-trace">"#.utf8)
    page += scriptSafe(json)
    page += Array("</script>\n<script type=\"application/json\" id=\"kvtrace-view\">".utf8)
    page += scriptSafe(view)
    page += Array("</script>\n<script type=\"application/json\" id=\"kvtrace-uncached\">".utf8)
    page += scriptSafe(uncached)
    page += Array("</script>\n<script>\n".utf8)
    page += Array((HTMLPageScript.source).utf8)
    page += Array("</script>\n</body>\n</html>\n".utf8)
    return page
  }

  /// JSON bytes made safe inside a `<script>` element: `<`, `>` and `&` become
  /// `\u003c`, `\u003e` and `\u0026`. In a JSON document they occur only inside
  /// strings, where the escape means the same character, so the JSON reads the same.
  static func scriptSafe(_ json: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(json.count + json.count / 64)
    for byte in json {
      switch byte {
      case UInt8(ascii: "<"): out += Array(#"\u003c"#.utf8)
      case UInt8(ascii: ">"): out += Array(#"\u003e"#.utf8)
      case UInt8(ascii: "&"): out += Array(#"\u0026"#.utf8)
      default: out.append(byte)
      }
    }
    return out
  }

  /// `text` safe in HTML text and attribute values.
  static func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      switch character {
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "&": out += "&amp;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      default: out.append(character)
      }
    }
    return out
  }

  /// What the page may load: nothing from anywhere. Its own inline style and script
  /// run; a fetch, an image or a font from any address is refused by the browser.
  static let contentPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    + "img-src data:; base-uri 'none'; form-action 'none'"

  /// The page up to the embedded documents: the style, and the empty frame the script fills.
  static func head(_ trace: Trace) -> String {
    let prompt = RunRenderer.flatten(trace.escapedForTerminal.header.prompt)
    let body = HTMLPageBody.markup(
      sequences: trace.header.sequenceCount,
      layerWindow: HTMLPageBody.drawsLayerWindow(trace.header.model))
    return """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="kvtrace">
      <meta http-equiv="Content-Security-Policy" content="\(contentPolicy)">
      <title>kvtrace: \(escaped(prompt))</title>
      <style>
      \(HTMLPageStyle.source)\(HTMLPageStyle.print)</style>
      </head>
      <body>
      \(body)
      """
  }
}
