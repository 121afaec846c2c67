"""The benchmark behind ``nox -s bench``: the runner at 1k, 10k and 100k vectors, each figure next to its floor.

For each corpus size N (synthetic, deterministic: tools/bench/corpus.py) it measures, each in a fresh process
whose peak RSS the kernel reports:

- ``validate`` and ``run --impl reference`` end to end (with a JSON report, whose size is recorded), each
  **cold** (an empty cache: every file parsed, checked and cross-checked, and the cache filled) and **warm**
  (the content-hash cache filled by the cold run: unchanged files are not parsed again);
- the load alone (cold) (strict YAML, schema check, vectors built), against the floor of reading the same vectors as
  JSON with the standard library plus one HMAC per vector;
- persistent (``jsonl:``) runs of the Python and Rust examples, against the adapter alone fed the same case
  lines from a file: the difference per case is the runner's overhead;
- one-shot (``cmd:``) time per case on a sample, and its ratio to the persistent time per case.

It writes docs/performance.md (a Markdown table and a log-log plot, docs/performance.svg) and exits 1 when a
target is missed. Machine load makes single timings noisy, so each timing is the best of ``--repeat`` runs and
is read as a ratio to a floor measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools" / "bench"))

import corpus  # noqa: E402 - a sibling module, found through the line above
import svgplot  # noqa: E402

PROBE = str(ROOT / "tools" / "bench" / "probe.py")
CLI = [sys.executable, "-m", "hmac_conformance"]
EXAMPLES = {
    "python": ([sys.executable, "examples/python/adapter.py"], None),
    "rust": (["examples/rust/target/release/hmac-conformance-adapter"], ["cargo", "build", "--quiet", "--release",
             "--locked", "--manifest-path", "examples/rust/Cargo.toml"]),
}  # fmt: skip
EXAMPLE_SCHEMES = "hmac,firstvision"

#: The targets (docs/performance.md states them with the figures).
TARGET_SECONDS_100K = 5.0
TARGET_OVERHEAD_US = 30.0
TARGET_RSS_MB_100K = 300.0
TARGET_REPORT_BYTES_PER_VECTOR = 300.0
#: The measurements whose peak memory is judged.
MEMORY = ("validate", "validate-warm", "run", "run-warm")


@dataclass(frozen=True)
class Timing:
    seconds: float
    rss_mb: float
    data: dict[str, Any] = field(default_factory=dict)


#: Every child uses the benchmark's own cache folder (HMAC_CONFORMANCE_CACHE), never the user's.
CACHE_ENV = "HMAC_CONFORMANCE_CACHE"
_env: dict[str, str] = dict(os.environ)


_caches = itertools.count()


def empty_cache() -> None:
    """Before a cold measurement: a cache folder never used, as on a first run. The folders used are removed only
    when the benchmark ends, as are the corpora: ext4 passes over inodes freed in the last minute when it makes
    files, so making thousands of cache entries right after deleting thousands of files is slower, and a cold
    run timed after the benchmark's own deletions would measure them."""
    _env[CACHE_ENV] = str(Path(_env[CACHE_ENV]).parent / f"cache-{next(_caches)}")


def run_child(argv: list[str], stdin: Path | None = None) -> tuple[float, float, bytes]:
    """(wall seconds, peak RSS in MB, stdout) of one child process; os.wait4 gives the child's own peak RSS."""
    with (
        stdin.open("rb") if stdin else open(os.devnull, "rb") as source,
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
    ):
        started = time.perf_counter()
        child = subprocess.Popen(argv, cwd=ROOT, stdin=source, stdout=out, stderr=err, env=_env)  # noqa: S603
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"bench: {' '.join(argv)} failed ({child.returncode}):\n{err.read().decode()[-3000:]}")
        return wall, usage.ru_maxrss / 1024, out.read()


def measure(
    argv: list[str],
    repeat: int,
    stdin: Path | None = None,
    probe: bool = False,
    cold: bool = False,
    prepare: list[str] | None = None,
) -> Timing:
    """The best time of ``repeat`` runs (a probe's own printed seconds, else the wall time), the largest RSS;
    ``cold``: each run starts with an empty cache, and then runs ``prepare`` (untimed) if given."""
    best: Timing | None = None
    for _ in range(repeat):
        if cold:
            empty_cache()
            if prepare:
                run_child(prepare)
        wall, rss, out = run_child(argv, stdin)
        data = json.loads(out) if probe else {}
        seconds = float(data["seconds"]) if probe else wall
        if best is None or seconds < best.seconds:
            best = Timing(seconds, max(rss, best.rss_mb if best else 0.0), data)
        else:
            best = Timing(best.seconds, max(rss, best.rss_mb), best.data)
    assert best is not None
    return best


def as_json(source: Path, dest: Path) -> None:
    """The same corpus as JSON files (for the floor): parsed once here, untimed."""
    from hmac_conformance import _yamlsafe as yamlsafe  # noqa: PLC0415

    for path in sorted(source.rglob("*.yaml")):
        target = dest / path.relative_to(source).with_suffix(".json")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(yamlsafe.load(path).value), encoding="utf-8")


@dataclass
class Row:
    """Every figure for one corpus size."""

    n: int
    files: int
    corpus_mb: float
    figures: dict[str, Timing] = field(default_factory=dict)
    report_bytes: int = 0
    cases: dict[str, int] = field(default_factory=dict)


def bench_size(n: int, work: Path, repeat: int, examples: list[str], sample: int) -> Row:
    folder, json_folder, report = work / f"yaml-{n}", work / f"json-{n}", work / f"report-{n}.json"
    made = corpus.write(ROOT / "vectors", folder, n)
    as_json(folder, json_folder)
    row = Row(n, made.files, made.bytes / 2**20)
    log = lambda what: print(f"  N={n:>6}: {what}", flush=True)  # noqa: E731
    log(f"corpus of {made.files} files, {row.corpus_mb:.1f} MB")
    py = sys.executable
    row.figures["floor"] = measure([py, PROBE, "floor-json", str(json_folder)], repeat, probe=True)
    log(f"floor {row.figures['floor'].seconds:.2f} s")
    row.figures["load"] = measure([py, PROBE, "load", str(folder)], repeat, probe=True, cold=True)
    log(f"load {row.figures['load'].seconds:.2f} s")
    validate = [*CLI, "validate", "-q", str(folder)]
    row.figures["validate"] = measure(validate, repeat, cold=True)
    row.figures["validate-warm"] = measure(validate, repeat)
    log(f"validate {row.figures['validate'].seconds:.2f} s cold, {row.figures['validate-warm'].seconds:.2f} s warm")
    run = [*CLI, "run", "-q", "--impl", "reference", "--vectors", str(folder), "--report", f"json:{report}"]
    row.figures["run"] = measure(run, repeat, cold=True)
    row.figures["run-warm"] = measure(run, repeat)
    row.report_bytes = report.stat().st_size
    log(f"run reference {row.figures['run'].seconds:.2f} s cold, {row.figures['run-warm'].seconds:.2f} s warm, "
        f"report {row.report_bytes} bytes")  # fmt: skip
    # After a cold `run`, every file's cache entry holds its vectors but says they were not cross-checked: a
    # `validate` then does everything a cold one does except reading YAML and building (the part a faster
    # parser could remove), so what remains is a floor for a cold `validate` under these cross-checks.
    row.figures["validate-loaded"] = measure(validate, repeat, cold=True, prepare=run)
    log(f"validate {row.figures['validate-loaded'].seconds:.2f} s with every file loaded, none cross-checked")
    lines = work / f"cases-{n}.jsonl"
    commands = {name: " ".join(EXAMPLES[name][0]) for name in examples}
    probe = [py, PROBE, "examples", str(folder), EXAMPLE_SCHEMES, str(lines), str(sample), str(repeat)]
    found = json.loads(run_child([*probe, *commands.values()])[2])
    row.cases["lines"] = found["lines"]
    for name, command in commands.items():
        got = found[command]
        row.figures[f"{name}-alone"] = measure(EXAMPLES[name][0], repeat, stdin=lines)
        row.figures[f"{name}-persistent"] = Timing(got["persistent"], 0.0)
        row.figures[f"{name}-oneshot"] = Timing(got["oneshot"], 0.0)
        row.cases[name], row.cases[f"{name}-oneshot"] = got["cases"], got["oneshot_cases"]
        alone = row.figures[f"{name}-alone"].seconds
        log(f"{name}: alone {alone:.2f} s, persistent {got['persistent']:.2f} s ({got['cases']} cases)")
    return row  # its corpora are removed with the benchmark's folder, at the end (empty_cache says why)


# -- the verdict and the page --------------------------------------------------------------------------------------


def per_case_us(row: Row, name: str, kind: str) -> float:
    cases = row.cases[f"{name}-oneshot"] if kind == "oneshot" else row.cases[name]
    return row.figures[f"{name}-{kind}"].seconds / max(1, cases) * 1e6


def overhead_us(row: Row, name: str) -> float:
    """Runner time per case around the adapter: persistent run minus the adapter alone on the same lines."""
    alone = row.figures[f"{name}-alone"].seconds / max(1, row.cases["lines"])
    return per_case_us(row, name, "persistent") - alone * 1e6


def verdicts(rows: list[Row], examples: list[str]) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for every target that the measured sizes can judge."""
    out: list[tuple[str, str, bool]] = []
    big = max(rows, key=lambda r: r.n)
    at = f"at {big.n:,} vectors"
    for key, label in (("validate", "`validate`"), ("run", "`run --impl reference`")):
        for suffix, state in (("", "cold"), ("-warm", "warm")):
            seconds = big.figures[key + suffix].seconds
            out.append((f"{label} < {TARGET_SECONDS_100K:g} s {at}, {state}", f"{seconds:.2f} s",
                        seconds < TARGET_SECONDS_100K))  # fmt: skip
    rss = max(big.figures[k].rss_mb for k in MEMORY)
    out.append((f"peak RSS < {TARGET_RSS_MB_100K:g} MB {at}", f"{rss:.0f} MB", rss < TARGET_RSS_MB_100K))
    if len(rows) > 1:
        small = sorted(rows, key=lambda r: r.n)[-2]  # the growth between the two largest sizes
        grow = math.log(rss / max(small.figures[k].rss_mb for k in MEMORY)) / math.log(big.n / small.n)
        out.append(("peak RSS grows sub-linearly (log-log slope < 1)", f"slope {grow:.2f}", grow < 1))
    per_vector = big.report_bytes / big.n
    out.append((f"report ≤ {TARGET_REPORT_BYTES_PER_VECTOR:g} bytes per passing vector", f"{per_vector:.0f} B",
                per_vector <= TARGET_REPORT_BYTES_PER_VECTOR))  # fmt: skip
    if "rust" in examples:
        overhead = overhead_us(big, "rust")
        out.append((f"persistent runner overhead < {TARGET_OVERHEAD_US:g} µs per case (Rust example)",
                    f"{overhead:.0f} µs", overhead < TARGET_OVERHEAD_US))  # fmt: skip
    return out


def table(rows: list[Row], examples: list[str]) -> str:
    head = ["N", "files / MB", "floor: JSON + HMAC", "load, cold (×floor)", "validate cold / warm (×floor)",
            "validate, files loaded (×floor)", "run reference cold / warm (×floor)", "peak RSS validate / run (cold)", "report (B/vector)"]  # fmt: skip
    for name in examples:
        head += [
            f"{name}: alone / persistent per case",
            f"{name}: overhead per case",
            f"{name}: one-shot (×persistent)",
        ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        floor = row.figures["floor"].seconds
        f = row.figures

        def vs(key: str, f: dict[str, Timing] = f, floor: float = floor) -> str:
            return f"{f[key].seconds:.2f} s ({f[key].seconds / floor:.0f}×)"

        def both(key: str, f: dict[str, Timing] = f, floor: float = floor) -> str:
            cold, warm = f[key].seconds, f[key + "-warm"].seconds
            return f"{cold:.2f} / {warm:.2f} s ({cold / floor:.0f}× / {warm / floor:.0f}×)"

        cells = [f"{row.n:,}", f"{row.files} / {row.corpus_mb:.0f}", f"{floor:.2f} s", vs("load"), both("validate"),
                 vs("validate-loaded"), both("run"), f"{f['validate'].rss_mb:.0f} / {f['run'].rss_mb:.0f} MB",
                 f"{row.report_bytes / 2**20:.1f} MB ({row.report_bytes / row.n:.0f})"]  # fmt: skip
        for name in examples:
            alone = f[f"{name}-alone"].seconds / max(1, row.cases["lines"]) * 1e6
            persistent = per_case_us(row, name, "persistent")
            oneshot = per_case_us(row, name, "oneshot")
            cells += [f"{alone:.0f} / {persistent:.0f} µs", f"{overhead_us(row, name):.0f} µs",
                      f"{oneshot / 1000:.1f} ms ({oneshot / persistent:.0f}×)"]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def page(rows: list[Row], examples: list[str], results: list[tuple[str, str, bool]], repeat: int) -> str:
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    machine += f", load average {os.getloadavg()[1]:.1f} at the end"
    native = importlib.util.find_spec("_hmac_conformance_native") is not None
    machine += ", YAML composed in C (runner/native)" if native else ", YAML composed in Python (runner/native absent)"
    nettle = importlib.util.find_spec("_hmac_conformance_nettle") is not None
    machine += ", cross-checks by Nettle" if nettle else ", cross-checks by PyCryptodome (Nettle's glue absent)"
    verdict = "\n".join(f"| {target} | {got} | {'met' if ok else '**missed**'} |" for target, got, ok in results)
    big = max(rows, key=lambda r: r.n)
    loaded = big.figures["validate-loaded"].seconds
    return f"""# Performance

Written by `nox -s bench` (tools/bench/bench.py) on {when}: {machine}; each time is the best of {repeat}.
The corpora are the suite's own vectors copied under new ids ({corpus.PER_FILE} vectors per file, a fixed
shuffle: every scheme, operation and size, 1 MiB messages included; tools/bench/corpus.py).

Each figure stands next to a floor measured in the same run, as a ratio, because a shared machine makes single
timings noisy: **floor** is reading the same vectors as JSON with the standard library plus one HMAC per
vector; **alone** is an example adapter fed the exact case lines of a persistent run from a file, with no
runner. **Overhead per case** is the persistent run's time per case minus the adapter's alone. `validate` and
`run` are the commands end to end (interpreter start included), with a JSON report; **load** is reading,
checking and building the vectors in-process; one-shot is timed on a sample of cases. **Cold** is a first run
(a cache folder never used: every file parsed, schema-checked and cross-checked, and the cache filled; the
bench deletes nothing until it ends, since making files right after deleting thousands is slower on ext4);
**warm** is the
same command again with the content-hash cache of loaded and cross-checked files filled (a changed byte in a
file, or in the runner's or a scheme's source, misses). Each target is judged cold and warm apart. **Files
loaded** is `validate` right after a cold `run`, whose cache entries hold every file's vectors but no
cross-check: all of a cold `validate` except reading the YAML and building the vectors.

| target | measured | |
|---|---|---|
{verdict}

{table(rows, examples)}

![time and peak memory against the number of vectors, log-log](performance.svg)

## Where the time and memory go

- **YAML.** Vector files are read by a strict composer over libyaml's event parser. The optional C composer
  (`runner/native/`, which every nox session builds where a C compiler and libyaml's headers are present)
  builds the values and their positions in C, straight from libyaml's events: on the 10k corpus the strict
  read takes 0.15 s, against 0.61 s for the same composer in Python, which takes every event as a Python
  object with two position marks (the events alone were 0.40 s). A plain scalar is resolved (number, boolean,
  null...) by a call into Python only where the resolver has a type that can begin with its first character;
  any other is text, composed in C without the 31 calls a vector that took it to 0.16 s. Such text up to 64
  bytes is interned, as the resolver's cache shared it: a key or a tag repeated in every vector is one object
  (a copy each took a cold `run` of 100,000 vectors from 260 MB to 344 MB). The C composer hands any
  file it would not compose exactly (an error, an anchor or alias, a tag, a key that is not a plain string, a
  limit reached) back to the Python one, so every error is worded in one place; tests hold the two to each
  other on every file of the suite and of the tests, on every refused sample and on 3,000 edits of the suite's files. Only
  the positions of a file's top two levels are recorded (each vector's line); a deeper line is found by
  parsing the file again when a problem needs one. An ASCII file is cleared of characters YAML forbids by
  deleting its printable bytes (3 ms for the 10k corpus, against 30 ms for the search, which now runs only
  to place what is left). Files that the cache cannot answer are loaded by worker processes, one per core,
  when they hold 8 MiB or more. Parsers from PyPI were measured on the 10k corpus and not taken: libfyaml
  loads it in 0.24 s and yaml-rs in 0.17 s, but neither says where a value is, whether a scalar was quoted,
  or what anchors and tags it met; rapidyaml's tree, walked from Python, took 0.73 s.
- **Cross-checks.** A cold `validate` recomputes every expected value twice: by the reference and by an
  independent implementation. Its hashes and HMAC are GNU Nettle's, through the thin glue of the optional
  native package: 0.5–2 µs a call on a short message. PyCryptodome, which answers where that is not installed,
  costs 17–19 µs a call, most of it ctypes; on the 10k corpus the recomputations took 0.48 s with it and take
  0.28 s with Nettle, most of what is left being the references' own work. A sigv4 signature takes one HMAC
  once its signing key, derived once per credential and scope, is known. With every
  file already loaded, `validate` still took {loaded:.2f} s at {big.n:,} vectors in this run (**files loaded**
  above): the recomputations, the cache entries rewritten as cross-checked, and the lint. A parser that cost
  nothing would therefore leave a cold `validate` at about that time. The cache makes every later run warm.
- **Schemas.** The JSON Schemas are compiled once into Python source that answers "valid?"
  (`_fastschema.py`); jsonschema is consulted only for a file or message that is not valid, to find and word
  its errors. A schema's keywords become one expression, inlined where the schema is used; only a `$ref`'s
  target and a keyword that loops (properties, items, oneOf) is a function of its own, and a keyword is not
  guarded by a type check that the code around it has made. A closure per keyword took 0.18 s on the 10k
  corpus, and this takes 0.10 s. A `oneOf` whose branches no object can satisfy two of (each is closed and
  requires a key the others forbid, as the five forms of a byte string) checks an object against the branch
  its key names, not against every branch. A generative test holds every compiled keyword, nested in the
  others, to jsonschema.
- **Running the reference.** A run of 10,000 cases or more through `--impl reference` runs them on every
  core: workers are forked once the run is planned, inherit the vectors and the started reference (nothing is
  copied to them), and send back each result as the fields its vector does not give (2,000 cases a batch).
  Only the reference is forked: it is the runner's own code, and other in-process code may hold threads,
  locks or connections that a fork breaks. Cases that a dead worker did not answer run in the main process.
- **Persistent mode.** Cases are pipelined (64 in flight). The runner drives the implementation's pipes from
  the thread that judges the answers (poll and non-blocking pipes: no reader or writer threads, no lock or
  thread switch between a case and its answer), and each read hands over every answer it holds. A case line is
  written directly (the same bytes as `json.dumps`). A 1 MiB repeated message goes out as Base64 made from its
  spec, never expanded, in pieces that repeat one 64 KiB buffer, written with `writev`: no megabyte of text
  is ever made (each fresh megabyte cost a millisecond of page faults), and capability checks read the input
  as held. The usual answer (`type`, `seq`, `output`) is recognised by a direct check that implies the
  envelope schema; the output is still checked against its operation's schema, and a pass is recorded once,
  without the evidence no report keeps. What remains per case is Python work of a few microseconds each:
  writing the line, parsing the answer strictly (duplicate keys, numbers, surrogates), checking and decoding
  the output, comparing it and recording the result.
- **Garbage collection.** Python's cycle collector is paused while vectors are built and while an
  implementation's cases run (neither makes cycles), and what a load built is then frozen out of later
  collections: otherwise each full collection scans every vector and every result so far, a fifth of a warm
  load and a tenth of a persistent run.
- **Cache.** A file that loaded without problems is kept in a content-hash cache (`_cache.py`), in one entry
  that also says whether its vectors' cross-checks passed: the key is a SHA-256 of the file's bytes, the tool's
  version, and every source and schema file of the runner and of the registered schemes, so an entry is never
  stale. One entry per file, because creating a file on this kind of disk costs about as much as pickling
  the vectors in it, and directly in the folder of its code's version: making a folder costs more still, and
  the 256 shard folders of the earlier layout were 7–10 % of loading and checking 10,000 vectors cold. A warm run reads one entry per file, in the main process (handing hits to workers would
  cost more than they save); what remains is unpickling the vectors and running the cases. A `validate` reads
  only each vector's outline (below): the entry keeps the vectors pickled apart, so they are never unpickled. A
  first run, whose
  cache folder is missing or empty, does not ask it about each file (which meant reading and hashing every
  file twice). In CI, keep the cache folder between jobs (`HMAC_CONFORMANCE_CACHE` set to a cached directory,
  docs/ci.md): only the files that changed then pay the cold cost. Entries are grouped by the version of the
  code that wrote them, and only the four most recently used versions are kept.
- **Memory.** `validate` holds no vector: each file is loaded and checked on its own (in a worker for a large
  corpus), and what is kept of each vector is its outline (id, scheme, operation, description, rules, tags,
  versions, line, and for the suite's own vectors the manifest digest), which is all the rules across files
  read. A run holds every selected vector and one result per vector. A vector whose byte strings
  expand beyond 64 KiB (the 1 MiB messages) holds them as written and expands them on each access, and the
  JSON report is written record by record, so what grows with N is the vectors' small values and the results.
- **Reports.** A passing result is its id and status (report format 2); what each vector is (scheme,
  operation, tags) is said once per report; failures carry their input, expected value, answer and diagnosis.
"""


def plot(rows: list[Row]) -> str:
    ns = [r.n for r in rows]
    times = {label: [r.figures[key].seconds for r in rows] for key, label in
             (("validate", "validate, cold"), ("validate-warm", "validate, warm"), ("run", "run reference, cold"),
              ("run-warm", "run reference, warm"), ("floor", "floor (JSON + HMAC)"))}  # fmt: skip
    memory = {label: [r.figures[key].rss_mb for r in rows] for key, label in
              (("validate", "validate, cold"), ("run", "run reference, cold"), ("run-warm", "run reference, warm"))}  # fmt: skip
    return svgplot.loglog(
        [("time (s)", times, TARGET_SECONDS_100K), ("peak RSS (MB)", memory, TARGET_RSS_MB_100K)], ns, "vectors"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="corpus sizes, comma-separated")
    parser.add_argument("--repeat", type=int, default=2, help="runs per timing (the best counts)")
    parser.add_argument("--sample", type=int, default=30, help="one-shot cases per example")
    parser.add_argument("--examples", default="python,rust", help="examples to run (python, rust)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "performance.md")
    args = parser.parse_args(argv)
    examples = [e for e in args.examples.split(",") if e]
    for name in examples:
        if EXAMPLES[name][1]:
            subprocess.run(EXAMPLES[name][1], cwd=ROOT, check=True)  # noqa: S603
    rows = []
    with tempfile.TemporaryDirectory(prefix="hmac-bench-") as work:
        _env[CACHE_ENV] = str(Path(work) / "cache")  # empty_cache() takes a new folder beside it for each cold run
        for n in sorted(int(x) for x in args.sizes.split(",")):
            rows.append(bench_size(n, Path(work), args.repeat, examples, args.sample))
    results = verdicts(rows, examples)
    args.out.write_text(page(rows, examples, results, args.repeat), encoding="utf-8")
    args.out.with_suffix(".svg").write_text(plot(rows), encoding="utf-8")
    print(table(rows, examples))
    for target, got, ok in results:
        print(f"{'met   ' if ok else 'MISSED'}  {target}: {got}")
    print(f"written: {args.out} and {args.out.with_suffix('.svg').name}")
    return 0 if all(ok for _, _, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
