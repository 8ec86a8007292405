"""Reference parsing speed on one core: entries per second over the labelled entries, for the
default parser (the model with the rules that beat it), the model alone and the rules alone.

Measured in the same run: the rules alone (the parser kb had before the model), and a plain regex
pass that only finds a year and a DOI (the cheapest thing any parser must do). The model is
loaded before timing starts (kb loads it once per process).

    python scripts/bench_refs.py [--repeat 20] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kb.refs.parse import METHODS, parse_reference  # noqa: E402

TARGET = 1000.0
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def baseline(raws: list[str]) -> None:
    for raw in raws:
        _YEAR.search(raw)
        _DOI.search(raw)


def parser(method: str):
    def run(raws: list[str]) -> None:
        previous = None
        for raw in raws:
            previous = parse_reference(raw, previous, method)
    return run


def timed(fn, raws: list[str], repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn(raws)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=20, help="passes over the entries per round")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    rows = [json.loads(x) for x in (REPO / "scripts/data/refs_dev.jsonl").read_text(encoding="utf-8").splitlines() if x]
    raws = [r["raw"] for r in rows]
    runs = {m: parser(m) for m in METHODS} | {"baseline": baseline}
    for fn in runs.values():
        fn(raws)  # warm up: regex compilation, the model file
    n = len(raws) * args.repeat
    rates: dict[str, list[float]] = {m: [] for m in runs}
    for _ in range(args.rounds):  # interleaved, so load on the machine hits every method alike
        for m, fn in runs.items():
            rates[m].append(n / timed(fn, raws, args.repeat))
    med = {m: statistics.median(r) for m, r in rates.items()}
    print(f"python {platform.python_version()}, 1 core, {len(raws)} entries x {args.repeat} passes x {args.rounds} rounds")
    print(f"{'method':<28}{'entries/s (median)':>20}{'time vs rules':>16}")
    for m in runs:
        label = {"combined": "kb default (combined)", "model": "model alone", "rules": "rules alone",
                 "baseline": "baseline: year+DOI regex"}[m]
        note = f"   target >= {TARGET:,.0f}: {'ok' if med[m] >= TARGET else 'MISSED'}" if m == "combined" else ""
        print(f"{label:<28}{med[m]:>20,.0f}{med['rules'] / med[m]:>15.2f}x{note}")


if __name__ == "__main__":
    main()
