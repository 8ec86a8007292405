"""Benchmark the `kb serve` search page against `Searcher.search` alone, in one run.

python scripts/bench_web.py [--kb-dir DIR] [--rounds 25] [--mode hybrid] [--http]

Without --kb-dir the sample corpus is rendered and ingested into a temporary knowledge base (as
scripts/screenshots.py does). Each round asks every question once, interleaved: the bare search
on the app's own worker thread (the baseline), then the whole page — parameters checked, search,
highlighting, both citation styles, template. "page, server-side" is the app's own time (its
Server-Timing header); "page, round trip" adds the client: in-process TestClient by default, a
real uvicorn on a loopback port with --http. Target: page median ≤ 150 ms once warm.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 150.0
QUESTIONS = ["какие барьеры мешают МСП внедрять цифровые технологии", "Как цифровизация влияет на малый и средний бизнес?",
             "трудовые ресурсы Республики Беларусь", "выход на зарубежные рынки стратегии экспорта",
             "How does digitalization affect small and medium enterprises?", "smart cooperation between firms",
             "entering foreign markets strategy", "how can SMEs share the cost of expensive equipment"]


def summary(xs: list[float]) -> tuple[float, float]:
    a = np.asarray(xs)
    return float(np.percentile(a, 50)), float(np.percentile(a, 95))


def server_ms(response) -> float:
    """The app's own time from its `Server-Timing: app;dur=…` header."""
    return float(response.headers["server-timing"].split("dur=")[1])


def run(kb_dir: Path, rounds: int, mode: str, http: bool, built: bool) -> dict[str, list[float]]:
    from kb.web import create_app

    app = create_app(kb_dir)
    service = app.state.service
    t0 = time.perf_counter()
    if not service.wait_ready(120):
        raise SystemExit(f"the model did not load: {service.status()}")
    note = " (already loaded by the ingest in this process)" if built else ""
    print(f"model ready {time.perf_counter() - t0:.2f} s after start-up{note}")

    def bare(kb, q: str) -> float:
        start = time.perf_counter()
        kb.searcher.search(q, k=10, mode=mode)
        return (time.perf_counter() - start) * 1000

    times: dict[str, list[float]] = {"Searcher.search (baseline)": [], "page, server-side": [], "page, round trip": []}

    def measure(get) -> None:
        for r in range(rounds + 1):  # round 0 warms caches and is not counted
            for q in QUESTIONS:
                base = service.submit(bare, q).result()
                start = time.perf_counter()
                resp = get(q)
                trip = (time.perf_counter() - start) * 1000
                assert resp.status_code == 200 and 'class="hit"' in resp.text, resp.text[:200]
                if r:
                    times["Searcher.search (baseline)"].append(base)
                    times["page, server-side"].append(server_ms(resp))
                    times["page, round trip"].append(trip)

    if http:
        import httpx

        from kb.web.background import BackgroundServer

        with BackgroundServer(app) as url, httpx.Client(base_url=url) as client:
            measure(lambda q: client.get("/search", params={"q": q, "mode": mode}))
    else:
        from starlette.testclient import TestClient

        client = TestClient(app, base_url="http://127.0.0.1")
        measure(lambda q: client.get("/search", params={"q": q, "mode": mode}))
        service.close()
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kb-dir", type=Path)
    ap.add_argument("--rounds", type=int, default=25)
    ap.add_argument("--mode", choices=["hybrid", "dense", "lexical"], default="hybrid")
    ap.add_argument("--http", action="store_true", help="Through a real uvicorn instead of TestClient.")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kb-bench-web-") as tmp:
        kb_dir = args.kb_dir
        if kb_dir is None:
            from screenshots import build_kb

            kb_dir = Path(tmp) / "index"
            build_kb(kb_dir)
        times = run(kb_dir, args.rounds, args.mode, args.http, built=args.kb_dir is None)
    n = len(next(iter(times.values())))
    client = "uvicorn + httpx" if args.http else "TestClient"
    print(f"\n{args.mode} search page, {n} requests ({args.rounds} rounds × {len(QUESTIONS)} questions), {client}")
    print(f"  {'':<28} {'median ms':>10} {'p95 ms':>8}")
    for name, xs in times.items():
        p50, p95 = summary(xs)
        print(f"  {name:<28} {p50:>10.1f} {p95:>8.1f}")
    page = statistics.median(times["page, server-side"])
    base = statistics.median(times["Searcher.search (baseline)"])
    verdict = "meets" if page <= TARGET_MS else "MISSES"
    print(f"  page overhead over the bare search: {page - base:+.1f} ms (median); "
          f"target: page median ≤ {TARGET_MS:.0f} ms — {verdict}")


if __name__ == "__main__":
    main()
