#!/usr/bin/env python3
"""The web page of `kvtrace run --export FILE --format html`, opened in a real browser.

Usage: page-in-browser.py KVTRACE_BINARY WORK_FOLDER (chromium on the PATH).

Loads exported pages in headless chromium, reads the page as it stands after its
script ran (--dump-dom), and checks that:
  - the default demo's step 1 shows the rows, marks, attention numbers, counters and
    words of the terminal's step 1 (kvtrace run prints the same frame);
  - a key event (ArrowRight, through the page's own key handler) moves it to step 2;
  - a two-prompt trace (its second sequence, shared rows) and an encoder-decoder
    trace (two caches) render;
  - a paged cache's block table column holds the terminal's cells;
  - the `c` views draw the run without a cache as `kvtrace step` on a pseudo-terminal
    does: the status, counters and marks of the view without a cache and of the split view;
  - a page exported with --layer/--head opens on that head;
  - loading the page makes no network request: chromium's net log of the load holds
    no request to any address, while a control page with one remote image does.
Python's standard library only. Exits 1 with a line naming the difference.
"""
import html.parser, json, os, re, subprocess, sys

binary, work = sys.argv[1], sys.argv[2]
GLYPHS = "■□·×▣◆"


def fail(message):
    print("page-in-browser: FAIL: " + message, file=sys.stderr)
    sys.exit(1)


def kvtrace(*arguments):
    return subprocess.run([binary, *arguments], check=True, capture_output=True, text=True).stdout


def chromium(url, *extra):
    command = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-default-apps", *extra, "--dump-dom", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode != 0 or "<html" not in done.stdout:
        fail(f"chromium could not load {url}: {done.stderr[-2000:]}")
    return done.stdout


class Node:
    def __init__(self, tag, attrs):
        self.tag, self.attrs, self.children = tag, dict(attrs), []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def find(self, tag=None, cls=None, id=None):
        found = []
        for child in self.children:
            if isinstance(child, str):
                continue
            if ((tag is None or child.tag == tag) and (cls is None or cls in child.classes())
                    and (id is None or child.attrs.get("id") == id)):
                found.append(child)
            found += child.find(tag, cls, id)
        return found


class Tree(html.parser.HTMLParser):
    VOID = {"meta", "input", "br", "img", "link", "hr"}

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.root = Node("root", [])
        self.stack = [self.root]
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs)
        self.stack[-1].children.append(node)
        if tag not in self.VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def page(path, address=""):
    dom = chromium("file://" + path + address)
    root = Tree(dom).root
    html_node = root.find("html")[0]
    if html_node.attrs.get("data-ready") != "true":
        fail(f"{path}{address}: the page's script did not finish")
    frame = root.find(id="frame")[0]
    return html_node, frame


def words(text):
    return " ".join(text.split())


def one(frame, cls, tag="p"):
    found = frame.find(tag, cls)
    return words(found[0].text()) if found else ""


def page_rows(frame):
    rows = []
    for row in frame.find("tr", "row"):
        cells = [c for c in row.children if not isinstance(c, str)]
        weight = row.find("span", "weight")
        rows.append((cells[0].text(), cells[1].text(),
                     "".join(c.text() for c in cells if "mark" in c.classes()),
                     weight[0].text().strip() if weight else ""))
    return rows


def terminal_step(text, step):
    """A step of `kvtrace run`'s output: its grid rows, headings and words."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(f"━━ step {step} ·"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] == "")
    block = lines[start + 1:end]
    rows, words_lines = [], []
    for line in block[2:]:
        if re.match(r"^\s{0,3}\d+  ", line) and any(g in line[16:] for g in GLYPHS):
            weight = re.search(r"(\d+\.\d\d)\s*$", line)
            marks = "".join(c for c in line[16:60] if c in GLYPHS)
            rows.append((line[:4].strip(), line[6:16].strip(), marks,
                         weight.group(1) if weight else ""))
        else:
            words_lines.append(line)
    return block[0], block[1], rows, words(" ".join(words_lines))


# 1. The default demo's step 1: the terminal's rows, marks, numbers and words.
demo = os.path.join(work, "demo.html")
kvtrace("run", "--export", demo, "--format", "html")
terminal = kvtrace("run")
title, subtitle, want_rows, want_words = terminal_step(terminal, 1)
root, frame = page(demo, "#step=1")
got_rows = page_rows(frame)
if got_rows != want_rows:
    fail(f"step 1's rows differ:\n page     {got_rows}\n terminal {want_rows}")
attention = words(title[title.index("attention"):])
if one(frame, "att-title", "th") != attention:
    fail(f"the attention title is '{one(frame, 'att-title', 'th')}', the terminal's '{attention}'")
query = words(subtitle[subtitle.index("query"):])
if one(frame, "att-query", "th") != query:
    fail(f"the query is '{one(frame, 'att-query', 'th')}', the terminal's '{query}'")
summary = words(" ".join(p.text() for p in frame.find("p") if
                         set(p.classes()) & {"sentence", "role", "work", "next"}))
if summary != want_words:
    fail(f"step 1's words differ:\n page     {summary}\n terminal {want_words}")
status = one(frame, "status")
if not status.startswith("step 1 of 6 · decode · cache full"):
    fail(f"the status line reads '{status}'")
work_line = re.search(r"work: (\S+ \S?) ?FLOPs.*\((\S+ \S)\); cache (\S+ \S+)", want_words)
counters = one(frame, "counters")
for number in work_line.groups():
    if number.strip() not in counters:
        fail(f"the counters '{counters}' lack the terminal's {number.strip()}")
print(f"step 1: {len(got_rows)} rows, marks, weights, counters and words as the terminal's")
print(f"  {status}\n  {counters}")
for row in got_rows[-2:]:
    print("  " + "  ".join(row))

# 2. Next, as a key event through the page's own handler, moves to step 2.
root, frame = page(demo, "#step=1&press=ArrowRight")
if root.attrs.get("data-shown") != "0:2" or not one(frame, "status").startswith("step 2 of 6"):
    fail(f"ArrowRight at step 1 shows '{one(frame, 'status')}' ({root.attrs.get('data-shown')})")
_, _, want_rows_2, _ = terminal_step(terminal, 2)
if page_rows(frame) != want_rows_2:
    fail("after ArrowRight the rows are not the terminal's step 2")
print("ArrowRight at step 1: " + one(frame, "status"))

# 3. Two prompts: the second sequence, its shared rows marked.
two = os.path.join(work, "two.html")
kvtrace("run", "--prompt", "The quick brown fox jumps over the lazy dog.",
        "--prompt", "The quick brown fox jumps over a cat.", "--cache", "paged:4",
        "--export", two)
root, frame = page(two, "#step=1&press=s")
name = one(frame, "sequence-name")
marks = "".join(r[2] for r in page_rows(frame))
if root.attrs.get("data-shown") != "1:1" or not name.startswith("sequence 1:") or "▣" not in marks:
    fail(f"two prompts: shown {root.attrs.get('data-shown')}, '{name}', marks {marks[:40]}")
print(f"two prompts, s at step 1: {name}; {marks.count('▣')} shared cells")

# 4. The encoder-decoder: the encoder's rows at step 0, then two caches.
encdec = os.path.join(work, "encoder-decoder.html")
kvtrace("run", "--arch", "encoder-decoder", "--steps", "3", "--export", encdec)
titles = [one(f, "grid-title") for f in [page(encdec, "#step=0")[1]]]
root, frame = page(encdec, "#step=2")
grids = [words(p.text()) for p in frame.find("p", "grid-title")]
if not titles[0].startswith("encoder self-attention K/V") or grids != [
        "decoder self-attention K/V", "cross-attention K/V from the encoder output"]:
    fail(f"encoder-decoder: step 0 '{titles[0]}', step 2 {grids}")
print(f"encoder-decoder: step 0 '{titles[0]}'; step 2: {' | '.join(grids)}")

# 5. A paged cache: the block table column beside the grid, cell for cell the terminal's.
paged = os.path.join(work, "paged.html")
kvtrace("run", "--cache", "paged:4", "--export", paged)
paged_terminal = kvtrace("run", "--cache", "paged:4")
block_lines = paged_terminal.split("\n")
start = next(i for i, line in enumerate(block_lines) if line.startswith("━━ step 3 ·"))
want_blocks = []
for line in block_lines[start + 3:]:
    if not re.match(r"^\s{0,3}\d+  ", line):
        break
    cell = re.search(r"(\d+ → #\d+(?: new)?|│)", line[16:])
    want_blocks.append(cell.group(1) if cell else "")
root, frame = page(paged, "#step=3")
got_blocks = [words(td.text()) for td in frame.find("td", "block")]
heading = [words(th.text()) for th in frame.find("th", "block")]
if got_blocks != want_blocks or heading != ["block table", "i → #id"]:
    fail(f"paged:4 step 3's block table:\n page     {heading} {got_blocks}\n terminal {want_blocks}")
print(f"paged:4 step 3: block table {' '.join(c for c in got_blocks if c != '│')}")


# 6. The c views: the run decoded again without a cache, as `kvtrace step` draws it.
def terminal_screen(arguments, keys, until, columns=120, rows=40):
    """The screen `kvtrace step` shows on a pseudo-terminal after `keys`, once `until` shows."""
    import fcntl, pty, select, struct, termios, time
    pid, fd = pty.fork()
    if pid == 0:  # the child: its terminal sized before kvtrace starts
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.environ.update({"NO_COLOR": "1", "TERM": "xterm"})
        os.environ.pop("COLUMNS", None)
        os.environ.pop("LINES", None)
        os.execv(binary, [binary, "step", *arguments])
    output = b""

    def read_until(done):
        nonlocal output
        deadline = time.time() + 60
        while not done() and time.time() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                output += os.read(fd, 65536)
        if not done():
            fail(f"kvtrace step {' '.join(arguments)} stopped drawing ({output[-200:]!r})")
        while select.select([fd], [], [], 0.3)[0]:  # the rest of the frame's paint
            output += os.read(fd, 65536)

    read_until(lambda: b"q quit" in output)
    for key in keys:
        mark = len(output)
        os.write(fd, key.encode())
        read_until(lambda: until.encode() in output[mark:])
    os.write(fd, b"q")
    try:
        while select.select([fd], [], [], 1)[0] and os.read(fd, 65536):
            pass
    except OSError:
        pass
    os.waitpid(pid, 0)
    screen = [""] * rows
    for row, line in re.findall(r"\x1b\[(\d+);1H\x1b\[0m\x1b\[2K([^\x1b]*)",
                                output.decode("utf-8", "replace")):
        if 1 <= int(row) <= rows:
            screen[int(row) - 1] = line
    return screen


for keys, name in [("c", "without a cache"), ("cc", "split")]:
    screen = terminal_screen(["--start", "3"], list(keys), "no cache")
    root, frame = page(demo, "#step=3&press=" + ",".join(keys))
    status = one(frame, "status")
    if words(screen[0]) != status:
        fail(f"c view '{name}': the page's status '{status}', the terminal's '{words(screen[0])}'")
    if words(screen[1]) != one(frame, "counters"):
        fail(f"c view '{name}': counters '{one(frame, 'counters')}', terminal '{words(screen[1])}'")
    want = ["".join(c for c in line[16:] if c in GLYPHS) for line in screen
            if re.match(r"^\s{0,3}\d+  \S", line)]
    got = [r[2] for r in page_rows(frame)]
    if name == "split":  # the page draws the two grids side by side as two tables
        half = len(got) // 2
        got = [a + b for a, b in zip(got[:half], got[half:])]
    if got != want:
        fail(f"c view '{name}': marks\n page     {got}\n terminal {want}")
    print(f"c view '{name}' at step 3: {status}\n  {one(frame, 'counters')}")
    if name == "without a cache":
        sentence = one(frame, "sentence")
        if "because nothing was cached" not in sentence or sentence[:40] not in words(
                " ".join(screen)):
            fail(f"c view: the sentence '{sentence}' is not the terminal's")
        print(f"  {sentence[:96]}…")

# 7. --layer and --head at export: the page opens on that head.
focused = os.path.join(work, "focused.html")
kvtrace("run", "--layer", "1", "--head", "2", "--export", focused)
root, frame = page(focused)
if "layer 1 · head 2" not in one(frame, "status"):
    fail(f"exported with --layer 1 --head 2, the page opens on '{one(frame, 'status')}'")
print("exported with --layer 1 --head 2: " + one(frame, "status"))

# 7b. A model too wide for the page (30 layers × 3 KV heads, as SmolLM2): a window of 14
# layers holding the chosen one, with the attention bars beside it; > shows the next layers.
wide = os.path.join(work, "wide.html")
kvtrace("run", "--weights", "random", "--layers", "30", "--heads", "9", "--kv-heads", "3",
        "--dim", "72", "--steps", "2", "--layer", "0", "--head", "0", "--export", wide)
for press, want_note, first in [("", "layers 0–13 of 30 shown; < > other layers", 0),
                                (">", "layers 14–27 of 30 shown; < > other layers", 14),
                                (">,>", "layers 16–29 of 30 shown; < > other layers", 16)]:
    root, frame = page(wide, "#step=1" + (f"&press={press}" if press else ""))
    note = one(frame, "grid-note")
    layers = [words(th.text()) for th in frame.find("th", "layer")]
    rows = page_rows(frame)
    if note != want_note or layers[0] != f"layer {first}" or len(layers) != 14 or \
            any(len(r[2]) != 42 or not r[3] for r in rows):
        fail(f"wide model, keys '{press}': note '{note}', layers {layers[:2]}…, "
             f"{len(rows[0][2])} marks a row, weights {[r[3] for r in rows]}")
    print(f"30 layers × 3 KV heads, keys '{press or 'none'}': {note}; 42 marks and a weight a row")

# 8. No network: the page's load in chromium's net log holds no request to any address.
def requests(path):
    """The addresses the page at `path` asked for while it loaded.

    Chromium fetches things of its own too (updates, accounts), with no page as their
    initiator ("not an origin"); a request a page makes carries the page's origin
    ("null" for a file) and a network isolation key naming file://.
    """
    log = os.path.join(work, "netlog.json")
    chromium("file://" + path, f"--log-net-log={log}", "--net-log-capture-mode=Everything")
    made = set()
    for event in json.load(open(log))["events"]:
        params = event.get("params") or {}
        if "url" not in params:
            continue
        by_page = params.get("initiator", "not an origin") != "not an origin"
        if by_page or "file://" in str(params.get("network_isolation_key", "")):
            made.add(params["url"])
    return sorted(made)


control = os.path.join(work, "control.html")
with open(control, "w") as file:
    file.write('<!DOCTYPE html><img src="http://kvtrace-control.invalid/x.png">')
if not requests(control):
    fail("the net log check sees no request even from a page that makes one")
for path in [demo, two, encdec, paged]:
    made = requests(path)
    if made:
        fail(f"{os.path.basename(path)} requested {made}")
print(f"no network request from the four pages (the control page's: {requests(control)[0]})")
print("page-in-browser: ok")
