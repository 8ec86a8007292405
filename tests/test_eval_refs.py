"""Pins the reference-parsing targets on the labelled set (scripts/eval_refs.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kb import samples

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval_refs.py"


def _ev():
    spec = importlib.util.spec_from_file_location("eval_refs", SCRIPT)
    ev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ev)
    return ev


def test_field_f1_targets():
    ev = _ev()
    rows = [json.loads(x) for x in (ev.DATA / "refs_dev.jsonl").read_text(encoding="utf-8").splitlines() if x]
    assert len(rows) >= 120
    summary = ev.summarise(ev.score_fields(rows, ev.parse_in_order(rows))["counts"])
    assert summary["overall"]["all fields"][2] >= 0.95
    assert summary["gost"]["all fields"][2] >= 0.97


def test_every_seed_entry_found_end_to_end():
    if samples.seeds_dir() is None:
        pytest.skip("seed texts (../shared/seeds) not found")
    ev = _ev()
    lists = [json.loads(x) for x in (ev.DATA / "refs_lists.jsonl").read_text(encoding="utf-8").splitlines() if x]
    seed_lists = [lst for lst in lists if lst["source"].startswith("seed:")]
    found = ev.pdf_lists(seed_lists)
    by_source = {src: [e for el in entry_lists for e in el] for src, entry_lists in found.items()}
    accuracy, hit, total = ev.split_accuracy(seed_lists, lambda lst: by_source.get(lst["source"], []))
    assert total == 36 and hit == total
