"""Mutation fuzzing of the PDF reader path: real PDFs, damaged at random, read as ingest reads them.

Each case takes a seed PDF (the real PDFs in ../shared/corpus/real, else the rendered sample
corpus), applies 1-4 random mutations (bit flips, random bytes over a range, truncation,
duplicated or deleted chunks, numbers in the object syntax changed, nesting brackets inserted)
and runs `kb.ingest.pipeline.process` in the guarded child process, exactly as `kb ingest` does.

An outcome is one of:
  ok          the damaged file was read (MuPDF repaired it) and gave passages
  refused     a clean one-line IngestError naming the reason
  limit       the time or memory limit stopped the reader (bounded, reported)
  crash       the reader process died on a signal (reported as an error line by ingest)
  unexpected  an exception other than IngestError escaped the reader: a bug to fix

Inputs behind `crash` and `unexpected` outcomes are saved with --out for reproduction.

    python scripts/fuzz_pdf.py [--seconds 120] [--seed 1] [--out DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.errors import IngestError  # noqa: E402
from kb.ingest import pipeline  # noqa: E402
from kb.ingest.guard import Limits, run  # noqa: E402

REAL = REPO.parent / "shared" / "corpus" / "real"
MAX_SEED_BYTES = 2_000_000  # keep cases quick: the largest volumes are skipped


def seeds() -> list[Path]:
    found = sorted(p for p in REAL.glob("*.pdf") if p.stat().st_size <= MAX_SEED_BYTES) if REAL.is_dir() else []
    return found or sorted((REPO / "corpus").glob("*.pdf"))


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    buf = bytearray(data)
    done = []
    for _ in range(rng.randint(1, 4)):
        kind = rng.choice(["flip", "random", "truncate", "duplicate", "delete", "numbers", "nesting"])
        n = len(buf)
        if n < 64:
            break
        at = rng.randrange(n)
        if kind == "flip":
            for _ in range(rng.randint(1, 32)):
                i = rng.randrange(n)
                buf[i] ^= 1 << rng.randrange(8)
        elif kind == "random":
            size = rng.randint(1, 4096)
            buf[at:at + size] = rng.randbytes(min(size, n - at))
        elif kind == "truncate":
            del buf[rng.randint(n // 10, n - 1):]
        elif kind == "duplicate":
            size = rng.randint(16, 65536)
            buf[at:at] = buf[at:at + size]
        elif kind == "delete":
            del buf[at:at + rng.randint(1, 65536)]
        elif kind == "numbers":
            text = bytes(buf)
            spans = [m.span() for m in re.finditer(rb"\d+", text[at:at + 200_000])][:200]
            for s, e in rng.sample(spans, min(len(spans), rng.randint(1, 20))):
                value = str(rng.choice([0, -1, 1, 2 ** 31, 2 ** 63, rng.randrange(10 ** 9)])).encode()
                buf[at + s:at + e] = value.ljust(e - s)[:max(e - s, len(value))]
                break  # offsets shift after a replacement: one per pass keeps them valid
        elif kind == "nesting":
            depth = rng.choice([100, 10_000, 100_000])
            buf[at:at] = b"[" * depth + b"<<" * (depth // 10)
        done.append(kind)
    return bytes(buf), done


def run_case(path: Path, limits: Limits) -> tuple[str, str]:
    try:
        result = run(lambda: pipeline.process(path, use_ocr=False, max_pages=limits.max_pages), limits)
    except IngestError as exc:
        text = str(exc)
        if text.startswith("took longer") or text.startswith("needs more than"):
            return "limit", text
        if text.startswith("the PDF reader crashed") or text.startswith("the PDF reader stopped"):
            return "crash", text
        if text.startswith("unexpected error"):
            return "unexpected", text
        return "refused", text
    n = sum(len(ps) for _, ps in result.papers)
    return "ok", f"{len(result.papers)} papers, {n} passages"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=120.0, help="Total fuzzing time.")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--case-seconds", type=float, default=20.0, help="Time limit per case.")
    ap.add_argument("--case-memory", type=int, default=1024, help="Memory limit per case (MB).")
    ap.add_argument("--out", type=Path, help="Save inputs with crash/unexpected outcomes here.")
    ap.add_argument("--json", type=Path, help="Write the outcomes to this file.")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    limits = Limits(seconds=args.case_seconds, memory_mb=args.case_memory, max_pages=2000)
    pool = seeds()
    if not pool:
        raise SystemExit("no seed PDFs found")
    originals = {p: p.read_bytes() for p in pool}
    outcomes: Counter = Counter()
    findings: list[dict] = []
    times: list[float] = []
    started = time.monotonic()
    cases = 0
    with tempfile.TemporaryDirectory() as tmp:
        case_path = Path(tmp) / "case.pdf"
        while time.monotonic() - started < args.seconds:
            src = rng.choice(pool)
            data, kinds = mutate(originals[src], rng)
            case_path.write_bytes(data)
            t0 = time.monotonic()
            outcome, detail = run_case(case_path, limits)
            times.append(time.monotonic() - t0)
            cases += 1
            outcomes[outcome] += 1
            if outcome in ("crash", "unexpected", "limit"):
                finding = {"case": cases, "seed_pdf": src.name, "mutations": kinds, "outcome": outcome,
                           "detail": detail[:300], "seconds": round(times[-1], 2)}
                findings.append(finding)
                print(f"[{cases}] {outcome}: {src.name} {kinds}: {detail[:160]}", flush=True)
                if args.out and outcome != "limit":
                    args.out.mkdir(parents=True, exist_ok=True)
                    (args.out / f"case{cases}_{outcome}.pdf").write_bytes(data)
    times.sort()
    summary = {"cases": cases, "seed_pdfs": len(pool), "outcomes": dict(outcomes),
               "median_case_s": round(times[len(times) // 2], 3) if times else None,
               "max_case_s": round(times[-1], 2) if times else None, "findings": findings}
    print(f"\n{cases} cases from {len(pool)} seed PDFs in {time.monotonic() - started:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items()))
          + f"; median {summary['median_case_s']} s, slowest {summary['max_case_s']} s per case")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
