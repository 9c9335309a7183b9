extension HTMLPageScript {
  /// The walk-through: drawing the state, the keys of `kvtrace step`, the buttons, the
  /// `#step=N` address, and the print pages (every step, one to a page).
  static let control = #"""
    const $ = (id) => document.getElementById(id);

    // Draws the state: the frame (or the closing summary), the controls, the address.
    function render() {
      const last = steps().length - 1;
      state.step = Math.min(Math.max(0, state.step), last);
      $("frame").replaceChildren(frame(state.step));
      $("frame").hidden = state.closing;
      $("closing").hidden = !state.closing;
      $("help").hidden = !state.help;
      $("slider").max = String(last);
      $("slider").value = String(state.step);
      $("layer").value = String(state.layer);
      $("head").value = String(state.head);
      $("values").textContent = state.values === "weights" ? "w: scores" : "w: weights";
      $("view").textContent = "c: " + VIEWS[(state.view + 1) % 3];
      const address = "#step=" + state.step + (state.sequence ? "&seq=" + state.sequence : "") +
        (state.layer !== view.focus[0] || state.head !== view.focus[1] ?
          "&layer=" + state.layer + "&head=" + state.head : "");
      try {
        history.replaceState(null, "", address);
      } catch (error) {
        // a page that may not change its address: the frame is drawn all the same
      }
      document.documentElement.dataset.shown =
        state.sequence + ":" + state.step + (state.closing ? ":closing" : "");
    }

    // The walk-through's commands, as `kvtrace step` carries them out.
    const commands = {
      nextStep() {
        if (state.step === steps().length - 1) state.closing = true;
        else state.step += 1;
      },
      previousStep() {
        if (state.closing) state.closing = false;
        else state.step = Math.max(0, state.step - 1);
      },
      firstStep() { state.step = 0; state.closing = false; },
      lastStep() { state.step = steps().length - 1; state.closing = false; },
      nextLayer() { state.layer = (state.layer + 1) % view.layers; },
      previousLayer() { state.layer = (state.layer + view.layers - 1) % view.layers; },
      // `<` `>`: the first layer of the window before or after the one drawn, wrapping.
      nextLayers() {
        const shown = shownLayers();
        if (shown.size < view.layers) state.layer = shown.end < view.layers ? shown.end : 0;
      },
      previousLayers() {
        const shown = shownLayers();
        if (shown.size === view.layers) return;
        const previous = shown.first > 0 ? shown.first - 1 : view.layers - 1;
        state.layer = layerPage(previous, shown.size);
      },
      nextHead() { state.head = (state.head + 1) % view.heads; },
      previousHead() { state.head = (state.head + view.heads - 1) % view.heads; },
      nextSequence() {
        state.sequence = (state.sequence + 1) % view.sequences.length;
        state.step = Math.min(state.step, steps().length - 1);
      },
      cycleView() { state.view = (state.view + 1) % 3; },
      toggleValues() { state.values = state.values === "weights" ? "scores" : "weights"; },
      toggleHelp() { state.help = !state.help; },
      back() { state.help = false; state.closing = false; },
      scrollDown() { window.scrollBy(0, 24); },
      scrollUp() { window.scrollBy(0, -24); },
      pageDown() { window.scrollBy(0, window.innerHeight * 0.9); },
      pageUp() { window.scrollBy(0, -window.innerHeight * 0.9); },
      largeType() {
        const large = document.documentElement.classList.toggle("large");
        $("large").setAttribute("aria-pressed", String(large));
      },
      theme() {
        const root = document.documentElement;
        const dark = root.classList.contains("dark") ||
          (!root.classList.contains("light") &&
            matchMedia("(prefers-color-scheme: dark)").matches);
        root.classList.toggle("dark", !dark);
        root.classList.toggle("light", dark);
      },
    };

    // The keys of `kvtrace step` (KeyBindings), and t and d for the page's own type and theme.
    const keys = {
      ArrowRight: "nextStep", " ": "nextStep", l: "nextStep", ArrowLeft: "previousStep",
      h: "previousStep", s: "nextSequence", ArrowUp: "previousLayer", ArrowDown: "nextLayer",
      Tab: "nextHead", "]": "nextHead", "[": "previousHead", j: "scrollDown", k: "scrollUp",
      PageDown: "pageDown", PageUp: "pageUp", c: "cycleView", w: "toggleValues", g: "firstStep",
      G: "lastStep", Home: "firstStep", End: "lastStep", "?": "toggleHelp", q: "back",
      Escape: "back", t: "largeType", d: "theme", "<": "previousLayers", ">": "nextLayers",
      ",": "previousLayers", ".": "nextLayers",
    };

    function onKey(event) {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const target = event.target;
      if (target && (target.tagName === "SELECT" || target.tagName === "INPUT")) return;
      let name = keys[event.key];
      if (event.key === "Tab" && event.shiftKey) name = "previousHead";
      if (!name || (name === "nextSequence" && view.sequences.length < 2)) return;
      event.preventDefault();
      commands[name]();
      if (!name.startsWith("scroll") && !name.startsWith("page")) render();
    }

    // `#step=N&seq=S&layer=L&head=H`; `press=ArrowRight,ArrowRight` sends those keys once drawn.
    function fromAddress() {
      const fields = new URLSearchParams(location.hash.slice(1));
      const number = (name) => {
        const value = Number.parseInt(fields.get(name) || "", 10);
        return Number.isFinite(value) && value >= 0 ? value : 0;
      };
      state.sequence = Math.min(number("seq"), view.sequences.length - 1);
      state.step = number("step");
      // The head `kvtrace run` draws, unless the address names one.
      const [layer, head] = view.focus;
      state.layer = fields.has("layer") ? Math.min(number("layer"), view.layers - 1) : layer;
      state.head = fields.has("head") ? Math.min(number("head"), view.heads - 1) : head;
      return (fields.get("press") || "").split(",").filter((key) => key.length > 0);
    }

    // Every step of the sequence shown, one to a printed page.
    function printSteps() {
      const box = $("print-steps");
      box.replaceChildren();
      for (let step = 0; step < steps().length; step++) {
        const page = element("section", "print-step");
        page.append(frame(step));
        box.append(page);
      }
    }

    function start() {
      $("run-header").textContent = view.header.join("\n");
      $("closing-text").textContent = view.closing.join("\n");
      for (const [glyph, name, meaning] of view.legend) {
        const text = glyph + " " + name + (meaning ? ": " + meaning : "");
        $("legend").append(element("li", "", text));
      }
      for (let layer = 0; layer < view.layers; layer++) {
        $("layer").append(new Option("" + layer, "" + layer));
      }
      for (let head = 0; head < view.heads; head++) {
        $("head").append(new Option("" + head, "" + head));
      }
      const act = (name) => () => { commands[name](); render(); };
      $("prev").addEventListener("click", act("previousStep"));
      $("next").addEventListener("click", act("nextStep"));
      $("values").addEventListener("click", act("toggleValues"));
      $("view").addEventListener("click", act("cycleView"));
      $("large").addEventListener("click", act("largeType"));
      $("theme").addEventListener("click", act("theme"));
      $("keys").addEventListener("click", act("toggleHelp"));
      if ($("sequence")) $("sequence").addEventListener("click", act("nextSequence"));
      $("slider").addEventListener("input", () => {
        state.step = Number($("slider").value);
        state.closing = false;
        render();
      });
      $("layer").addEventListener("change", () => {
        state.layer = Number($("layer").value);
        render();
      });
      $("head").addEventListener("change", () => {
        state.head = Number($("head").value);
        render();
      });
      document.addEventListener("keydown", onKey);
      window.addEventListener("beforeprint", printSteps);
      window.addEventListener("hashchange", () => { fromAddress(); render(); });
      const pressed = fromAddress();
      render();
      for (const key of pressed) {
        document.body.dispatchEvent(new KeyboardEvent("keydown", { key: key, bubbles: true }));
      }
      document.documentElement.dataset.ready = "true";
    }

    start();
    """#
}
