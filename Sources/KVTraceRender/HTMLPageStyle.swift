/// The style sheet of a page of ``HTMLPage``: light and dark, a large type for
/// projectors, and a print layout of one step per page. Every mark keeps its
/// glyph (■ □ · × ▣ ◆), so color is never the only thing that tells them apart.
enum HTMLPageStyle {
  /// The screen style.
  static let source = """
    :root { --bg: #ffffff; --fg: #1b1b1b; --dim: #5f5f5f; --line: #c8c8c8; --panel: #f3f3f3;
      --fresh: #1a7f37; --reused: #0b6e8a; --evicted: #b42318; --pinned: #8e2a9c;
      --bar: #b07800; --focus: #ffe08a; --heat: 30, 80, 200; color-scheme: light dark; }
    :root.dark { --bg: #14161a; --fg: #e8e8e8; --dim: #a0a0a0; --line: #3b3f46; --panel: #1f2228;
      --fresh: #5ad17a; --reused: #5cc8e6; --evicted: #ff7a6b; --pinned: #e19af0;
      --bar: #f0c040; --focus: #5a4a10; --heat: 120, 190, 255; }
    @media (prefers-color-scheme: dark) {
      :root:not(.light) { --bg: #14161a; --fg: #e8e8e8; --dim: #a0a0a0; --line: #3b3f46;
        --panel: #1f2228; --fresh: #5ad17a; --reused: #5cc8e6; --evicted: #ff7a6b;
        --pinned: #e19af0; --bar: #f0c040; --focus: #5a4a10; --heat: 120, 190, 255; }
    }
    html { background: var(--bg); color: var(--fg); }
    body { margin: 0; font: 15px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, Consolas,
      monospace; }
    .large body, body.large { font-size: 26px; }
    .controls { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; gap: .4em;
      align-items: center; padding: .5em .8em; background: var(--panel);
      border-bottom: 1px solid var(--line); }
    .controls button, .controls select { font: inherit; color: var(--fg); background: var(--bg);
      border: 1px solid var(--line); border-radius: 4px; padding: .15em .6em; }
    .controls button[aria-pressed="true"] { outline: 2px solid var(--fg); }
    #slider { flex: 1 1 12em; min-width: 8em; }
    main { padding: .6em .9em 2em; }
    .run-header { color: var(--dim); white-space: pre-wrap; margin: 0 0 .8em; }
    .status { font-weight: bold; background: var(--fg); color: var(--bg); padding: .1em .5em;
      margin: .2em 0; }
    .sequence-name:empty { display: none; }
    .counters { margin: .3em 0 .6em; }
    .grid-title { font-weight: bold; margin: .6em 0 .2em; }
    .grid-note { margin: .6em 0 .2em; }
    table.grid { border-collapse: collapse; }
    table.grid th { font-weight: normal; color: var(--dim); text-align: left; padding: 0 .3em; }
    table.grid td { padding: 0 .3em; white-space: pre; }
    td.pos { text-align: right; color: var(--dim); }
    td.mark, th.kv { text-align: center; padding: 0 .12em; }
    td.mark.layer-start, th.kv.layer-start { padding-left: .8em; }
    th.layer { padding-left: .8em; }
    td.mark.focus, th.focus { background: var(--focus); }
    .m-f { color: var(--fresh); } .m-r, .m-s { color: var(--reused); }
    .m-n { color: var(--dim); } .m-e { color: var(--evicted); } .m-p { color: var(--pinned); }
    td.att { padding-left: 1em; }
    .bar-text { color: var(--bar); }
    .weight { display: inline-block; min-width: 3.5em; text-align: right; }
    .grid-box + .grid-box { margin-top: .8em; }
    td.block, th.block { padding-left: 1em; color: var(--dim); }
    td.block.new { color: var(--fresh); font-weight: bold; }
    .note { font-weight: bold; }
    .split { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
    .split-label { font-weight: bold; margin: .2em 0; }
    .summary { margin-top: .8em; }
    tr.newest td.tok { font-weight: bold; }
    .triangle { border-collapse: collapse; margin-top: .6em; }
    .triangle td, .triangle th { width: 1.3em; height: 1.3em; text-align: center; padding: 0;
      font-weight: normal; color: var(--dim); }
    .triangle td.heat { color: var(--fg); background: rgba(var(--heat), var(--level)); }
    .summary p { margin: .25em 0; max-width: 60em; }
    .summary .role, .summary .work, .summary .next, .summary .nocache { padding-left: 1.2em; }
    #help, #closing, #legend-box { border-top: 1px solid var(--line); margin-top: 1em; }
    #legend { list-style: none; padding: 0; }
    kbd { border: 1px solid var(--line); border-radius: 3px; padding: 0 .3em; }
    #print-steps { display: none; }

    """

  /// The print style: no controls, and every step on a page of its own.
  static let print = """
    @media print {
      :root, :root.dark { --bg: #fff; --fg: #000; --dim: #444; --line: #999; --focus: #ddd;
        --panel: #fff; --heat: 0, 0, 0; }
      .controls, #frame, #help, #closing { display: none !important; }
      #legend-box { break-after: page; page-break-after: always; }
      #print-steps { display: block; }
      .print-step { break-after: page; page-break-after: always; }
      .print-step:last-child { break-after: auto; page-break-after: auto; }
      body { font-size: 10pt; }
    }

    """
}
