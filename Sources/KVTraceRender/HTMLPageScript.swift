/// The script of a page of ``HTMLPage``: it reads the embedded trace and view and
/// draws one step at a time, as `kvtrace step` does. Plain JavaScript, no library,
/// nothing fetched; every text goes onto the page as text (`textContent`).
///
/// It is kept in three parts, each a file: the data and the terminal's number
/// formats (``data``), the frame of a step (``frame``), and the keys, buttons,
/// address and print pages (``control``).
enum HTMLPageScript {
  /// The whole script.
  static var source: String { data + "\n" + frame + "\n" + control + "\n" }

  /// The embedded documents, the attention events by step and head, and the terminal's
  /// rounding (`TextLayout.fixed`, `metric`) and bars (`AttentionBar.bar`).
  static let data = #"""
    "use strict";
    const trace = JSON.parse(document.getElementById("kvtrace-trace").textContent);
    const view = JSON.parse(document.getElementById("kvtrace-view").textContent);
    const GLYPH = {
      f: "\u25A0", r: "\u25A1", n: "\u00B7", e: "\u00D7", s: "\u25A3", p: "\u25C6",
    };
    const NAME = { f: "fresh", r: "reused", n: "not cached", e: "evicted at this step",
      s: "shared", p: "pinned sink" };
    const SHADES = ["\u2591", "\u2592", "\u2593", "\u2588"];
    const EIGHTHS = [
      "\u258F", "\u258E", "\u258D", "\u258C", "\u258B", "\u258A", "\u2589", "\u2588",
    ];
    const VIEWS = ["cache", "without a cache", "cache and without"];
    const state = { sequence: 0, step: 0, layer: 0, head: 0, values: "weights", view: 0,
      help: false, closing: false };

    // The runs without a cache the `c` views draw (the prompt decoded again with `none`).
    const uncachedRuns = JSON.parse(document.getElementById("kvtrace-uncached").textContent);

    // A run's attention events, by sequence, step, kind, layer and query head, in order.
    function attentionMap(events) {
      const map = new Map();
      for (const e of events) {
        if (e.type !== "attention") continue;
        const key = [e.sequence || 0, e.step, e.kind, e.layer, e.head].join("|");
        if (!map.has(key)) map.set(key, []);
        map.get(key).push(e);
      }
      return map;
    }
    const attention = attentionMap(trace.events);
    const uncachedAttention = uncachedRuns.map((run) => attentionMap(run.events));

    // The newest (or first, or every) query's attention at `step` for the drawn head: the
    // run's own, or (`without`) the run without a cache's.
    function attentionOf(step, kind, which, without) {
      let map = attention;
      let sequence = state.sequence;
      if (without) {
        const source = view.sequences[state.sequence].uncachedRun;
        if (!source) return which === "all" ? [] : null;
        if (source[0] >= 0) map = uncachedAttention[source[0]] || new Map();
        sequence = source[1];
      }
      const key = [sequence, step, kind, state.layer, state.head].join("|");
      const list = map.get(key) || [];
      if (which === "all") return list;
      if (list.length === 0) return null;
      return which === "first" ? list[0] : list[list.length - 1];
    }

    // Where `position` sits among a PositionSet's ranges ([[start, end), ...]), or -1.
    function indexIn(ranges, position) {
      let offset = 0;
      for (const [start, end] of ranges) {
        if (position >= start && position < end) return offset + position - start;
        offset += end - start;
      }
      return -1;
    }

    // `value` with `digits` decimals, rounded half away from zero (TextLayout.fixed).
    function fixed(value, digits) {
      if (!isFinite(value)) return isNaN(value) ? "nan" : (value > 0 ? "inf" : "-inf");
      let scale = 1;
      for (let i = 0; i < digits; i++) scale *= 10;
      const y = Math.abs(value) * scale;
      if (y >= 2 ** 62) return "out of range";
      const scaled = roundAway(y);
      const sign = value < 0 && scaled !== 0 ? "-" : "";
      const whole = Math.floor(scaled / scale);
      if (digits === 0) return sign + whole;
      const fraction = String(scaled % scale);
      return sign + whole + "." + "0".repeat(digits - fraction.length) + fraction;
    }

    // `y` (not negative) rounded to a whole number, half away from zero, as Swift's rounded().
    function roundAway(y) {
      const floor = Math.floor(y);
      return y - floor >= 0.5 ? floor + 1 : floor;
    }

    // A count with a metric suffix, as the terminal writes it: 950, 298.8 k, 1.97 M.
    function metric(value) {
      if (value < 1000) return String(value);
      if (value < 1e6) return fixed(value / 1000, 1) + " k";
      if (value < 1e9) return fixed(value / 1e6, 2) + " M";
      return fixed(value / 1e9, 2) + " G";
    }

    // The terminal's attention bar: 16 cells filled in eighths.
    function bar(fraction) {
      const eighths = roundAway(Math.min(1, Math.max(0, fraction)) * 128);
      let text = EIGHTHS[7].repeat(Math.floor(eighths / 8));
      if (eighths % 8 > 0) text += EIGHTHS[eighths % 8 - 1];
      return text;
    }

    function element(tag, className, text) {
      const node = document.createElement(tag);
      if (className) node.className = className;
      if (text !== undefined) node.textContent = text;
      return node;
    }

    function kvHeadOf(head) {
      const group = Math.floor(view.heads / view.kvHeads);
      return group > 0 ? Math.floor(head / group) : 0;
    }

    function focusName() {
      let name = "layer " + state.layer + " head " + state.head;
      if (view.kvHeads < view.heads) name += " (KV " + kvHeadOf(state.head) + ")";
      return name;
    }

    function steps() { return view.sequences[state.sequence].steps; }
    """#
}
