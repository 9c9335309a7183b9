extension HTMLPageScript {
  /// The frame of one step: status, counters, grids with the attention bars, the prefill's
  /// triangle, and the step told in words.
  static let frame = #"""
    // The frame of one step, built as nodes: status, counters, grids, triangle, words. The
    // `c` views draw the step as the run without a cache did it, as `kvtrace step` does.
    function frame(step) {
      const record = steps()[step];
      const without = record.without;
      const drawn = without ? state.view : 0;
      const box = document.createDocumentFragment();
      const last = steps().length - 1;
      const head = focusName().replace(/^layer \d+ /, "");
      const parts = ["step " + record.step + " of " + last, record.phase, viewName(without)];
      parts.push("layer " + state.layer, head);
      box.append(element("p", "status", parts.join(" \u00B7 ")));
      box.append(element("p", "sequence-name", view.sequences[state.sequence].name));
      const counters = [record.counters, record.countersWithout, record.countersSplit];
      box.append(element("p", "counters", counters[state.view]));
      if (state.view !== 0 && record.note) box.append(element("p", "note", record.note));
      if (drawn === 0) {
        record.grids.forEach((grid, index) =>
          box.append(gridNode(record, grid, { bars: true, blocks: index === 0 })));
      } else if (drawn === 1) {
        for (const grid of without.grids) {
          box.append(gridNode(record, grid, { bars: true, without: true }));
        }
      } else {
        const split = element("div", "split");
        const cached = element("div", "split-side");
        cached.append(element("p", "split-label", "cache " + view.policyName));
        record.grids.forEach((grid, index) =>
          cached.append(gridNode(record, grid, { bars: false, blocks: index === 0 })));
        const plain = element("div", "split-side");
        plain.append(element("p", "split-label", "cache none"));
        for (const grid of without.grids) {
          plain.append(gridNode(record, grid, { bars: true, without: true, named: true }));
        }
        split.append(cached, plain);
        box.append(split);
      }
      const prefill = record.phase === "prefill" || record.phase === "encode";
      if (drawn === 1) box.append(triangle(record, true));
      else if (prefill) box.append(triangle(record, false));
      const told = drawn === 1 ? without : record;
      const summary = element("div", "summary");
      summary.append(element("p", "sentence", told.sentence));
      const role = drawn !== 1 && record.roles && record.roles[state.layer + "." + state.head];
      if (role) summary.append(element("p", "role", role));
      if (told.work) summary.append(element("p", "work", told.work));
      if (told.next) summary.append(element("p", "next", told.next));
      box.append(summary);
      return box;
    }

    // The status line's view, in the terminal's words.
    function viewName(without) {
      const missing = without ? "" : ": not in this trace";
      if (state.view === 0) return "cache " + view.policy;
      if (state.view === 1) return without ? "no cache (the run: " + view.policyName + ")" :
        "no cache" + missing;
      return view.policyName + " | no cache" + missing;
    }

    // A grid: a row per position, a mark per layer and KV head, then (a paged cache's) block
    // table and the newest query's attention. `without`: the run without a cache's grid.
    function gridNode(record, grid, options) {
      const box = element("div", "grid-box");
      if (grid.title) box.append(element("p", "grid-title", grid.title));
      const shown = shownLayers();
      if (shown.note) box.append(element("p", "grid-note", shown.note));
      const table = element("table", "grid");
      const sequence = view.sequences[state.sequence];
      const labels = grid.rows === "source" ? view.source :
        options.without && sequence.uncachedTokens ? sequence.uncachedTokens : sequence.tokens;
      const withBars = options.bars && grid.query !== "none";
      const event = withBars ?
        attentionOf(record.step, grid.kind, grid.query, options.without) : null;
      const focus = state.layer * view.kvHeads + kvHeadOf(state.head);
      const blocks = options.blocks && record.blocks ? record.blocks : null;
      table.append(gridHead(grid, event, focus, withBars, blocks, options, shown));
      const body = element("tbody");
      for (let position = 0; position < grid.length; position++) {
        const row = element("tr", "row" + (position === grid.length - 1 ? " newest" : ""));
        row.append(element("td", "pos", String(position)));
        row.append(element("td", "tok", position < labels.length ? labels[position] : ""));
        for (let column = shown.first * view.kvHeads; column < shown.end * view.kvHeads; column++) {
          const letter = grid.columns[grid.map[column]][position];
          const cell = element("td", "mark m-" + letter, GLYPH[letter]);
          if (column % view.kvHeads === 0) cell.classList.add("layer-start");
          if (column === focus) cell.classList.add("focus");
          cell.title = NAME[letter];
          row.append(cell);
        }
        if (blocks) {
          const text = blocks.cells[position] || "";
          row.append(element("td", "block" + (text.endsWith(" new") ? " new" : ""), text));
        }
        if (withBars) row.append(barCell(event, position));
        body.append(row);
      }
      table.append(body);
      box.append(table);
      return box;
    }

    // A model too wide for the page (more marks in a row than view.markColumns) is drawn a
    // window of its layers at a time, the window holding the chosen layer, in the same
    // pages as `kvtrace step` (Layout.page): the attention bars stay on the screen.
    function shownLayers() {
      const size = Math.max(1, Math.min(view.layers, Math.floor(view.markColumns / view.kvHeads)));
      const first = layerPage(state.layer, size);
      if (size === view.layers) return { first: 0, end: view.layers, size: size, note: "" };
      const last = first + size - 1;
      const range = size === 1 ? "layer " + first : "layers " + first + "\u2013" + last;
      const note = range + " of " + view.layers + " shown; < > other layers";
      return { first: first, end: first + size, size: size, note: note };
    }

    // The first layer of the page of `size` layers holding `layer`; the last page ends at
    // the last layer.
    function layerPage(layer, size) {
      return Math.min(Math.floor(layer / size) * size, view.layers - size);
    }

    function gridHead(grid, event, focus, withBars, blocks, options, shown) {
      const head = element("thead");
      const top = element("tr");
      const bottom = element("tr");
      top.append(element("th", "", ""), element("th", "", ""));
      bottom.append(element("th", "", "pos"), element("th", "", "token"));
      for (let layer = shown.first; layer < shown.end; layer++) {
        const title = element("th", "layer", "layer " + layer);
        title.colSpan = view.kvHeads;
        top.append(title);
        for (let kv = 0; kv < view.kvHeads; kv++) {
          const focused = layer * view.kvHeads + kv === focus;
          // The focused column's number in brackets, as the terminal marks it: not color alone.
          const number = element("th", "kv", focused ? "[" + (kv % 10) + "]" : String(kv % 10));
          if (focused) number.classList.add("focus");
          if (kv === 0) number.classList.add("layer-start");
          bottom.append(number);
        }
      }
      if (blocks) {
        top.append(element("th", "block", blocks.title));
        bottom.append(element("th", "block", blocks.subtitle));
      }
      if (withBars) {
        const kind = (options.named ? "none's " : "") +
          (grid.kind === "cross" ? "cross-attention" : "attention");
        const values = state.values === "scores" ? " (scores q\u00B7k/\u221Ad)" : "";
        top.append(element("th", "att-title", kind + ", " + focusName() + values));
        bottom.append(element("th", "att-query", queryName(grid, event, options.without)));
      }
      head.append(top, bottom);
      return head;
    }

    function queryName(grid, event, without) {
      if (!event) return "no attention recorded";
      const sequence = view.sequences[state.sequence];
      const quoted = grid.rows === "source" && grid.kind === "self" ? view.sourceQuoted :
        without && sequence.uncachedTokensQuoted ? sequence.uncachedTokensQuoted :
          sequence.tokensQuoted;
      const text = event.query < quoted.length ? quoted[event.query] : "''";
      return "query " + event.query + " " + text;
    }

    // The bar and number of one key row: the newest query's weight (or raw score) on it.
    function barCell(event, position) {
      const cell = element("td", "att");
      if (!event) return cell;
      const index = indexIn(event.keys, position);
      if (index < 0) return cell;
      if (!event.weights) {
        cell.append(element("span", "read", "read"));
        return cell;
      }
      const weight = index < event.weights.length ? Math.fround(event.weights[index]) : 0;
      const shown = state.values === "scores" && event.scores ?
        Math.fround(event.scores[index]) : weight;
      cell.append(element("span", "bar-text", bar(weight).padEnd(16, " ")));
      cell.append(element("span", "weight", " " + fixed(shown, 2)));
      return cell;
    }

    // At the prefill (or the encode step), and at every step of the run without a cache:
    // every query's weights, the causal triangle.
    function triangle(record, without) {
      const box = element("div", "triangle-box");
      const events = attentionOf(record.step, "self", "all", without);
      if (events.length === 0 || !events[0].weights || record.length > 128) return box;
      const causal = record.phase !== "encode";
      const which = without ? "every query of this step without a cache (each computed again), " :
        "every query of the prefill, ";
      box.append(element("p", "grid-title", causal ?
        which + focusName() + ": each reads only the keys before it " +
        "(the causal triangle); shade = a key's share of the largest weight in its row" :
        "every query of the encoder, " + focusName() + ": each reads every key (bidirectional)"));
      const table = element("table", "triangle");
      const head = element("tr");
      head.append(element("th", "", "q\\k"));
      for (let key = 0; key < record.length; key++) {
        head.append(element("th", "", String(key % 10)));
      }
      table.append(head);
      for (const e of events) {
        const row = element("tr");
        row.append(element("th", "", String(e.query)));
        const high = Math.max(...e.weights.map(Math.fround));
        for (let key = 0; key < record.length; key++) {
          const index = indexIn(e.keys, key);
          if (index < 0) { row.append(element("td", "", "\u00B7")); continue; }
          const weight = Math.fround(e.weights[index]);
          const level = high > 0 ? weight / high : 1;
          const cell = element("td", "heat", SHADES[Math.min(3, Math.floor(level * 4))]);
          cell.style.setProperty("--level", String(Math.min(1, level)));
          cell.title = "query " + e.query + ", key " + key + ": " + fixed(weight, 2);
          row.append(cell);
        }
        table.append(row);
      }
      box.append(table);
      return box;
    }
    """#
}
