"""Reference parsing speed on one core: entries per second over the labelled entries.

The baseline measured in the same run is a plain regex pass that only finds a year and a
DOI in each entry (the cheapest thing any parser must do), so the ratio shows what full
parsing costs on top of it.

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

from kb.refs.parse import parse_reference  # noqa: E402

TARGET = 2000.0
_YEAR = re.compile(r"\b(1[6-9]\d\d|20\d\d)\b")
_DOI = re.compile(r"10\.\d{4,9}/\S+")


def baseline(raws: list[str]) -> None:
    for raw in raws:
        _YEAR.search(raw)
        _DOI.search(raw)


def full(raws: list[str]) -> None:
    previous = None
    for raw in raws:
        previous = parse_reference(raw, previous)


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
    full(raws)  # warm up: regex compilation
    n = len(raws) * args.repeat
    kb_rates, base_rates = [], []
    for _ in range(args.rounds):
        kb_rates.append(n / timed(full, raws, args.repeat))
        base_rates.append(n / timed(baseline, raws, args.repeat))
    kb_rate, base_rate = statistics.median(kb_rates), statistics.median(base_rates)
    print(f"python {platform.python_version()}, 1 core, {len(raws)} entries x {args.repeat} passes x {args.rounds} rounds")
    print(f"{'method':<28}{'entries/s (median)':>20}")
    print(f"{'kb parse_reference':<28}{kb_rate:>20,.0f}   target >= {TARGET:,.0f}: {'ok' if kb_rate >= TARGET else 'MISSED'}")
    print(f"{'baseline: year+DOI regex':<28}{base_rate:>20,.0f}   kb costs {base_rate / kb_rate:.0f}x the baseline")


if __name__ == "__main__":
    main()
