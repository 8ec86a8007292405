"""Clear one-line errors instead of tracebacks: the KB directory, the model, a full disk."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from conftest import cli_json, make_sample_kb, run_cli

from kb.errors import StoreError
from kb.store import db


def _one_line(result, *needles: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [x for x in result.output.splitlines() if x.startswith("kb: ")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_missing_and_wrong_kb_directory(tmp_path):
    _one_line(run_cli(tmp_path / "none", "search", "x"), "no knowledge base at", "none")
    (tmp_path / "file").write_text("x")
    wrong = run_cli(tmp_path / "file", "papers")  # click's own check of --kb-dir
    assert wrong.exit_code == 2 and "is a file" in wrong.output and "Traceback" not in wrong.output


def test_unreadable_kb_directory(tmp_path, monkeypatch):
    (tmp_path / "kb").mkdir()
    monkeypatch.setattr(db.os, "access", lambda path, mode: False)  # as if chmod 000 (root ignores modes)
    denied = run_cli(tmp_path / "kb", "papers")  # click checks --kb-dir first
    assert denied.exit_code == 2 and "is not readable" in denied.output and "Traceback" not in denied.output
    with pytest.raises(StoreError, match="cannot read the knowledge base directory .* permission denied"):
        db.connect(tmp_path / "kb", create=False)
    with pytest.raises(StoreError, match="cannot write the knowledge base directory"):
        db.connect(tmp_path / "kb")


def test_damaged_database_file(tmp_path):
    (tmp_path / "kb").mkdir()
    (tmp_path / "kb" / "kb.sqlite").write_bytes(b"this is not sqlite" * 100)
    _one_line(run_cli(tmp_path / "kb", "papers"), "is damaged", "kb doctor")


def test_unknown_model_offline(tmp_path, journal):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(journal.path, folder)
    pytest.importorskip("sentence_transformers")
    _one_line(run_cli(tmp_path / "kb", "ingest", str(folder), "--model", "st:no-such-org/no-such-model"),
              "weights cannot be downloaded", "--model st:/local/path")
    _one_line(run_cli(tmp_path / "kb", "ingest", str(folder), "--model", "word2vec"), "unknown embedder")


def test_index_made_by_another_embedder(sample_kb):
    _one_line(run_cli(sample_kb, "search", "x", "--model", "st:/nonexistent/model"),
              "indexed with use-m3", "kb reindex")


def test_full_disk_keeps_what_is_stored(tmp_path_factory, volume, journal, tmp_path, monkeypatch):
    kb = make_sample_kb(tmp_path_factory, volume, journal)
    before = cli_json(kb, "stats")
    conn = sqlite3.connect(kb / "kb.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    real_connect = db.connect

    def small_disk(kb_dir, **kw):
        c = real_connect(kb_dir, **kw)
        c.execute(f"PRAGMA max_page_count = {pages + 2}")  # SQLite's own "disk full" at this size
        return c

    monkeypatch.setattr(db, "connect", small_disk)
    folder = tmp_path / "more"
    folder.mkdir()
    (folder / "new.pdf").write_bytes(journal.path.read_bytes() + b"\n% another copy\n")
    result = run_cli(kb, "ingest", str(folder), "--no-embed")
    _one_line(result, "disk full while writing the knowledge base", "nothing stored before was changed")
    monkeypatch.setattr(db, "connect", real_connect)
    assert cli_json(kb, "stats") == before
    assert cli_json(kb, "search", "Smart cooperation", "-k", "2")
