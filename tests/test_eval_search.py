"""Pins the search-quality targets on the labelled development set (scripts/eval_search.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import load_eval_script

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval_search.py"


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    ev = load_eval_script("eval_search")
    from kb.search import indexing
    from kb.search.search import Searcher
    from kb.store import db

    kb_dir = tmp_path_factory.mktemp("evalkb")
    ev.build_kb(kb_dir, None)
    conn = db.connect(kb_dir)
    queries = ev.load_queries()
    relevant = ev.relevant_ids(conn, queries)
    assert all(relevant[q["id"]] for q in queries), "every labelled answer must be found in some passage"
    searcher = Searcher(conn, kb_dir, indexing.embedder_for(conn, kb_dir))
    return ev.evaluate(searcher, queries, relevant)["summary"]


def test_dev_set_is_large_and_balanced():
    import json

    rows = [json.loads(x) for x in (SCRIPT.parent / "data" / "search_dev.jsonl").read_text().splitlines() if x]
    assert len(rows) >= 40
    assert {r["kind"] for r in rows} == {"keyword", "paraphrase", "cross"}
    assert {r["lang"] for r in rows} == {"ru", "en"}


def test_hybrid_reaches_targets(result):
    hybrid = result["hybrid"]
    assert hybrid["overall"]["ndcg"] >= 0.70
    for kind in ("keyword", "paraphrase", "cross"):
        assert hybrid[kind]["ndcg"] >= 0.60, kind


def test_hybrid_is_never_worse_than_a_single_mode(result):
    for kind in ("keyword", "paraphrase", "cross", "overall"):
        for single in ("dense", "lexical"):
            assert result["hybrid"][kind]["ndcg"] >= result[single][kind]["ndcg"] - 1e-9, (kind, single)
