import KVTrace

/// The markup of a page's frame before its script fills it: the controls, the
/// places for the status, counters, grids and words, and the list of keys.
enum HTMLPageBody {
  /// How many marks a grid row of the page holds before it draws a window of the layers
  /// (SmolLM2's 30 layers × 3 KV heads are 90): beyond it the attention bars would leave
  /// a laptop's screen.
  static let markColumns = 42

  /// Whether a model of `config` is drawn a window of layers at a time.
  static func drawsLayerWindow(_ config: ModelConfig) -> Bool {
    config.layers * config.kvHeads > markColumns
  }

  /// The page's body up to the embedded documents, for a trace of `sequences` prompts;
  /// `layerWindow`: the grid shows some of the layers at a time, so the keys list `<` `>`.
  static func markup(sequences: Int, layerWindow: Bool = false) -> String {
    """
    <header class="controls" role="toolbar" aria-label="walk-through">
    <button id="prev" type="button" title="previous step (\u{2190} or h)">\u{2190} Prev</button>
    <input id="slider" type="range" min="0" max="0" value="0" aria-label="step">
    <button id="next" type="button" title="next step (\u{2192}, space or l)">Next \u{2192}</button>
    <label>layer <select id="layer"></select></label>
    <label>head <select id="head"></select></label>
    \(sequences > 1 ? #"<button id="sequence" type="button" title="s">s: other sequence</button>"# : "")
    <button id="values" type="button" title="w">w: scores</button>
    <button id="view" type="button" title="c">c: view</button>
    <button id="large" type="button" aria-pressed="false" title="t">Large type</button>
    <button id="theme" type="button" title="d">Light / dark</button>
    <button id="keys" type="button" title="?">? keys</button>
    </header>
    <main>
    <pre id="run-header" class="run-header"></pre>
    <section id="frame" aria-live="polite">
    <p id="status" class="status"></p>
    <p id="sequence-name" class="sequence-name"></p>
    <p id="counters" class="counters"></p>
    <div id="grids"></div>
    <div id="triangle"></div>
    <div id="summary" class="summary"></div>
    </section>
    <section id="closing" hidden><h2>The run</h2><pre id="closing-text"></pre></section>
    <section id="help" hidden><h2>Keys</h2>
    \(keys(sequences: sequences, layerWindow: layerWindow))
    <p>The address keeps the step: add <code>#step=N</code> to open a page at step N.</p>
    </section>
    <section id="legend-box"><h2>Legend</h2><ul id="legend"></ul></section>
    </main>
    <div id="print-steps"></div>
    <noscript><p>This page draws the trace with JavaScript, which is off. The trace is in the
    page's source, in the element <code>kvtrace-trace</code>.</p></noscript>

    """
  }

  /// The keys of `kvtrace step`, from ``KeyBindings``, as a list: what the help shows.
  static func keys(sequences: Int, layerWindow: Bool = false) -> String {
    var items = ""
    // A page cannot quit: Esc and q hide the help and the closing summary instead.
    let rows = KeyBindings.rows(sequences: sequences, layerWindow: layerWindow).filter { row in
      !row.listed.contains { $0.1 == .quit }
    }
    for row in rows {
      let names = row.listed.map {
        "<kbd>" + HTMLPage.escaped(KeyBindings.label($0.0, Glyphs.unicode.keys)) + "</kbd>"
      }
      items +=
        "<li>" + names.joined(separator: " ") + " "
        + HTMLPage.escaped(row.meaning(.unicode)) + "</li>\n"
    }
    items += "<li><kbd>Esc</kbd> <kbd>q</kbd> hide this list, or the closing summary</li>\n"
    items += "<li><kbd>t</kbd> large type, for a projector; <kbd>d</kbd> light or dark</li>\n"
    return "<ul class=\"keys\">\n" + items + "</ul>"
  }
}
