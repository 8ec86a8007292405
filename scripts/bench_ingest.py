"""Benchmark ingest without embedding: kb's process() against plain text extraction.

python scripts/bench_ingest.py [--repeat 3] [--only sample|real] [--json FILE]

Sets: corpus/*.pdf (rendered if missing) and ../shared/corpus/real/*.pdf. Per set and overall: median
total seconds of R runs interleaved per file (kb, get_text, pdftotext), pages/s, the kb/get_text ratio,
peak RSS of each method alone in a fresh spawned process, and the tracemalloc peak of kb.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL = (REPO / ".." / "shared" / "corpus" / "real").resolve()
TARGET = 3.0
MIB = 1024.0
PDFTOTEXT = shutil.which("pdftotext")
MEMORY = {"kb_imports": "kb imports only", "kb": "kb process()", "get_text": "get_text"}


def kb_one(path: Path) -> tuple[int, int] | str:
    """kb extract + segment + chunk of one file: (papers, passages), or the IngestError text."""
    from kb.errors import IngestError
    from kb.ingest.pipeline import process
    try:
        result = process(path, use_ocr=False)
    except IngestError as exc:
        return str(exc)
    return len(result.papers), sum(len(passages) for _, passages in result.papers)


def gettext_one(path: Path) -> None:
    """Baseline: PyMuPDF plain text of every page."""
    import pymupdf
    for page in pymupdf.open(path):
        page.get_text()


def pdftotext_one(path: Path) -> None:
    """Baseline: poppler's pdftotext to stdout (read through a pipe)."""
    subprocess.run(["pdftotext", "-q", str(path), "-"], stdout=subprocess.PIPE, check=False)


def kb_imports_one(path: Path) -> None:
    """Memory floor of kb: only import the pipeline."""
    import kb.ingest.pipeline  # noqa: F401


METHODS: dict[str, Callable[[Path], object]] = {
    "kb": kb_one, "get_text": gettext_one, "pdftotext": pdftotext_one, "kb_imports": kb_imports_one}


def peak_child(method: str, paths: list[str]) -> dict[str, float]:
    """Run one method over the files in this fresh process; its peak RSS (ru_maxrss, VmHWM) in MiB."""
    for p in paths:
        METHODS[method](Path(p))
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next((int(ln.split()[1]) for ln in status if ln.startswith("VmHWM")), 0)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"ru_maxrss_mib": rss / MIB, "vmhwm_mib": hwm / MIB}


def peak_rss(method: str, paths: list[Path]) -> dict[str, float]:
    with ProcessPoolExecutor(1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(peak_child, method, [str(p) for p in paths]).result()


def machine_info() -> dict[str, object]:
    import pymupdf
    cpu = Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []
    model = next((ln.split(":", 1)[1].strip() for ln in cpu if ln.startswith("model name")), "")
    out = PDFTOTEXT and subprocess.run([PDFTOTEXT, "-v"], capture_output=True, text=True)
    return {"cpu_model": model or platform.processor(), "cpu_count": os.cpu_count(),
            "cpus_usable": len(os.sched_getaffinity(0)), "platform": platform.platform(),
            "python": sys.version.replace("\n", " "), "pymupdf": pymupdf.VersionBind,
            "mupdf": pymupdf.VersionFitz,
            "pdftotext": (out.stderr or out.stdout).strip().splitlines()[0] if out else None}


def collect(name: str) -> tuple[list[Path], int, dict[str, str]]:
    """PDFs of a set that open, their total pages, and the files that cannot be opened (with why)."""
    import pymupdf
    pymupdf.TOOLS.mupdf_display_errors(False)
    if name == "real" and not REAL.is_dir():
        raise FileNotFoundError(f"{REAL} does not exist")
    folder = REPO / "corpus" if name == "sample" else REAL
    if name == "sample" and not list(folder.glob("*.pdf")):
        from kb.samples import build_sample_corpus
        print(f"rendering the sample corpus into {folder}")
        build_sample_corpus(folder)
    files, pages, skipped = [], 0, {}
    for path in sorted(folder.glob("*.pdf")):
        try:
            with pymupdf.open(path) as doc:
                if doc.needs_pass and not doc.authenticate(""):
                    raise ValueError("encrypted, needs a password")
                pages += doc.page_count
            files.append(path)
        except Exception as exc:  # what MuPDF cannot open is left out of every method
            skipped[path.name] = f"{type(exc).__name__}: {exc}"
    if not files:
        raise FileNotFoundError(f"no PDF that opens in {folder}")
    return files, pages, skipped


def bench_set(files: list[Path], methods: list[str], repeat: int) -> dict:
    """Warm-up, interleaved timing (R totals), kb counts and failures, then the tracemalloc peak of kb."""
    t0 = time.perf_counter()
    for f in files:  # untimed warm-up pass: imports, lazily loaded language profiles, caches
        kb_one(f)
    warm_s = time.perf_counter() - t0
    for m in methods[1:]:
        METHODS[m](files[0])
    per_file: dict[str, dict[str, list[float]]] = {f.name: {m: [] for m in methods} for f in files}
    outcome: dict[str, object] = {}
    for _ in range(repeat):
        for f in files:
            for m in methods:
                t0 = time.perf_counter()
                res = METHODS[m](f)
                per_file[f.name][m].append(time.perf_counter() - t0)
                outcome.update({f.name: res} if m == "kb" else {})
    tracemalloc.start()
    t0, peak, peak_file = time.perf_counter(), 0, ""
    for f in files:
        tracemalloc.reset_peak()
        kb_one(f)
        if tracemalloc.get_traced_memory()[1] > peak:
            peak, peak_file = tracemalloc.get_traced_memory()[1], f.name
    tracemalloc.stop()
    ok = [v for v in outcome.values() if isinstance(v, tuple)]
    return {"runs_s": {m: [sum(d[m][i] for d in per_file.values()) for i in range(repeat)] for m in methods},
            "per_file_median_s": {n: {m: statistics.median(v) for m, v in d.items()}
                                  for n, d in per_file.items()},
            "papers": sum(p for p, _ in ok), "passages": sum(n for _, n in ok),
            "failed": {n: v for n, v in outcome.items() if isinstance(v, str)}, "kb_warmup_pass_s": warm_s,
            "tracemalloc_peak_mib": peak / MIB / MIB, "tracemalloc_peak_file": peak_file,
            "tracemalloc_pass_s": time.perf_counter() - t0}


def summarize(runs: dict[str, list[float]], pages: int) -> dict[str, dict[str, float]]:
    med = {m: statistics.median(v) for m, v in runs.items()}
    return {m: {"median_s": med[m], "min_s": min(v), "max_s": max(v), "pages_per_s": pages / med[m],
                "ratio_to_get_text": med[m] / med["get_text"]} for m, v in runs.items()}


def print_report(rep: dict) -> None:
    """Counts, timing and memory tables, then the files left out or failed."""
    rows = [*rep["sets"].items(), ("all", rep["overall"])]
    print(f"\n{'set':<7}{'files':>6}{'pages':>7}{'papers':>8}{'passages':>10}{'failed':>8}{'skipped':>9}")
    for name, s in rows:
        print(f"{name:<7}{len(s['files']):>6}{s['pages']:>7}{s['papers']:>8}{s['passages']:>10}"
              f"{len(s['failed']):>8}{len(s['skipped']):>9}")
    print(f"\n{'set':<7}{'method':<11}{'median s':>10}{'min s':>9}{'max s':>9}{'pages/s':>10}  ratio")
    for name, s in rows:
        for m, v in s["summary"].items():
            r, verdict = v["ratio_to_get_text"], "ok" if v["ratio_to_get_text"] <= TARGET else "OVER"
            ratio = {"kb": f"kb/get_text {r:.2f}×  (target ≤ {TARGET:.1f}×) {verdict}",
                     "pdftotext": f"pdftotext/get_text {r:.2f}×"}.get(m, "")
            print(f"{name:<7}{m:<11}{v['median_s']:>10.3f}{v['min_s']:>9.3f}{v['max_s']:>9.3f}"
                  f"{v['pages_per_s']:>10.1f}  {ratio}")
    print(f"\n{'set':<7}{'fresh spawned process':<24}{'ru_maxrss MiB':>15}{'VmHWM MiB':>11}"
          "  tracemalloc peak of kb, in-process")
    for name, s in rows:
        for m, v in s["memory"].items():
            tm = f"{s['tracemalloc_peak_mib']:.1f} MiB ({s['tracemalloc_peak_file']})" if m == "kb" else ""
            print(f"{name:<7}{MEMORY[m]:<24}{v['ru_maxrss_mib']:>15.1f}{v['vmhwm_mib']:>11.1f}  {tm}")
    for name, s in rep["sets"].items():
        print(f"[{name}] untimed kb warm-up pass (cold start, lazy loads) {s['kb_warmup_pass_s']:.2f} s; "
              f"tracemalloc pass (peak = largest single file) {s['tracemalloc_pass_s']:.1f} s")
        for fname, why in s["skipped"].items():
            print(f"[{name}] skipped {fname}: cannot open ({why})")
        for fname, why in s["failed"].items():
            print(f"[{name}] failed  {fname}: IngestError: {why}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per method (default 3)")
    ap.add_argument("--only", choices=["sample", "real"], help="benchmark one set only")
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    args = ap.parse_args(argv)
    methods = ["kb", "get_text"] + (["pdftotext"] if PDFTOTEXT else [])
    info = machine_info()
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()))
    print(f"measured: kb = kb.ingest.pipeline.process(path, use_ocr=False) (extract + segment + chunk, "
          "no embedding); get_text = PyMuPDF page.get_text() of every page; pdftotext = `pdftotext -q "
          f"file -`; median of {args.repeat} runs interleaved per file, after an untimed kb pass over all "
          "files and one untimed baseline call; peak RSS of each method alone in a fresh spawned process")
    if "pdftotext" not in methods:
        print("pdftotext: not found on PATH, baseline skipped")
    found = {}
    for name in [args.only] if args.only else ["sample", "real"]:
        try:
            found[name] = collect(name)
        except FileNotFoundError as exc:
            print(f"{name} set skipped: {exc}")
    if not found:
        print("nothing measured")
        return 1
    # memory first, while this process is small: a spawned child's ru_maxrss starts at its parent's peak
    mem = {n: {m: peak_rss(m, files) for m in MEMORY} for n, (files, _, _) in found.items()}
    sets: dict[str, dict] = {}
    for name, (files, pages, skipped) in found.items():
        print(f"[{name}] {len(files)} files, {pages} pages: timing")
        sets[name] = bench_set(files, methods, args.repeat)
        sets[name].update(files=[f.name for f in files], pages=pages, skipped=skipped, memory=mem[name],
                          summary=summarize(sets[name]["runs_s"], pages))
    done = list(sets.values())
    overall = {k: [x for s in done for x in s[k]] for k in ("files", "failed", "skipped")}
    overall.update({k: sum(s[k] for s in done) for k in ("pages", "papers", "passages")})
    runs = {m: [sum(s["runs_s"][m][i] for s in done) for i in range(args.repeat)] for m in methods}
    top = max(done, key=lambda s: s["tracemalloc_peak_mib"])
    overall.update(summary=summarize(runs, overall["pages"]),
                   memory={m: {k: max(s["memory"][m][k] for s in done) for k in done[0]["memory"][m]}
                           for m in MEMORY},
                   tracemalloc_peak_mib=top["tracemalloc_peak_mib"],
                   tracemalloc_peak_file=top["tracemalloc_peak_file"])
    report = {"machine": info, "repeat": args.repeat, "methods": methods, "sets": sets, "overall": overall}
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
