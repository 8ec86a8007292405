"""`kb doctor`: a clean knowledge base passes; broken rows, indexes and caches are found and repaired."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from conftest import make_sample_kb, run_cli

from kb.store import db

QUERY = "цифровые технологии"


def doctor(kb, *args: str) -> tuple[int, dict[str, dict]]:
    result = run_cli(kb, "doctor", "--json", *args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, {r["check"]: r for r in json.loads(result.stdout)}


def statuses(report: dict[str, dict]) -> dict[str, str]:
    return {name: r["status"] for name, r in report.items()}


def raw(kb) -> sqlite3.Connection:
    """A connection that bypasses kb (no migrations, foreign keys off), for breaking things."""
    conn = sqlite3.connect(kb / db.DB_NAME, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=OFF")
    return conn


@pytest.fixture(scope="module")
def broken_kb(tmp_path_factory, volume, journal):
    return make_sample_kb(tmp_path_factory, volume, journal)


def test_doctor_finds_and_repairs(broken_kb):
    kb = broken_kb
    code, report = doctor(kb)
    assert code == 0
    assert set(statuses(report).values()) == {"ok"}, report
    assert "current" in report["dense-index"]["detail"]  # ingest builds the FAISS cache
    hits = json.loads(run_cli(kb, "search", QUERY, "--json").stdout)
    assert hits

    # The cache directory goes away: reported, and --repair builds it again.
    shutil.rmtree(kb / "faiss")
    code, report = doctor(kb)
    assert code == 0 and "not built" in report["dense-index"]["detail"]
    code, report = doctor(kb, "--repair")
    assert code == 0 and report["dense-index"]["status"] == "repaired"
    assert (kb / "faiss" / "use-m3.index").exists()

    conn = raw(kb)
    n_papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    n_passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    first, second, third = [r[0] for r in conn.execute("SELECT id FROM passages ORDER BY id LIMIT 3")]
    vec = conn.execute("SELECT vec FROM passage_vectors WHERE passage_id = ?", (first,)).fetchone()[0]
    conn.execute("INSERT INTO passage_vectors(passage_id, vec) VALUES (?, ?)", (10**6, vec))  # orphan
    conn.execute("DELETE FROM passage_vectors WHERE passage_id = ?", (second,))
    conn.execute("DELETE FROM passages_fts WHERE rowid = ?", (third,))
    conn.execute("UPDATE files SET path = ? WHERE id = (SELECT min(id) FROM files)", (str(kb / "gone.pdf"),))
    newest = max(v for v, _ in db.migrations())
    conn.execute(f"PRAGMA user_version={newest + 1}")
    conn.close()
    (kb / "faiss" / "use-m3.index").write_bytes(b"garbage" * 100)

    code, report = doctor(kb)
    assert code == 1
    assert statuses(report) == {
        "schema": "problem", "integrity": "ok", "orphans": "problem", "foreign-keys": "problem",
        "full-text": "problem", "vectors": "problem", "dense-index": "problem", "themes": "problem",
        "source-files": "warning"}, report
    assert "passage_vectors 1" in report["orphans"]["detail"]
    assert "1 passage(s) without a full-text row" in report["full-text"]["detail"]
    assert "1 passage(s) without a vector" in report["vectors"]["detail"]
    assert "unreadable" in report["dense-index"]["detail"]
    assert "gone.pdf" in report["source-files"]["detail"]
    text = run_cli(kb, "doctor")
    assert text.exit_code == 1
    assert len(text.stdout.splitlines()) == len(report)
    assert text.stdout.splitlines()[0].startswith("problem   schema")

    code, report = doctor(kb, "--repair")
    assert code == 0, report
    assert "problem" not in statuses(report).values(), report
    assert report["vectors"]["status"] == "repaired" and report["dense-index"]["status"] == "repaired"

    code, report = doctor(kb)
    assert code == 0
    assert statuses(report) == {name: "ok" for name in report} | {"source-files": "warning"}, report
    conn = raw(kb)
    assert conn.execute("SELECT count(*) FROM papers").fetchone()[0] == n_papers  # intact rows are kept
    assert conn.execute("SELECT count(*) FROM passages").fetchone()[0] == n_passages
    assert conn.execute("SELECT count(*) FROM passage_vectors").fetchone()[0] == n_passages
    assert conn.execute("PRAGMA user_version").fetchone()[0] == newest
    conn.close()
    result = run_cli(kb, "search", QUERY, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)


def test_doctor_repairs_a_version_that_blocks_migration(broken_kb):
    """An older recorded version over the newest tables makes every command fail; doctor can still look."""
    newest = max(v for v, _ in db.migrations())
    conn = raw(broken_kb)
    conn.execute(f"PRAGMA user_version={newest - 1}")
    conn.close()
    assert run_cli(broken_kb, "stats").exit_code == 1
    code, report = doctor(broken_kb)
    assert code == 1 and report["schema"]["status"] == "problem"
    code, report = doctor(broken_kb, "--repair")
    assert code == 0 and report["schema"]["status"] == "repaired"
    assert run_cli(broken_kb, "stats").exit_code == 0


def test_doctor_without_knowledge_base(tmp_path):
    result = run_cli(tmp_path / "nowhere", "doctor")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"kb: no knowledge base at {tmp_path / 'nowhere'} (run `kb ingest` first, or pass --kb-dir)"]
