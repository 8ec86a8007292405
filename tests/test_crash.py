"""Crash safety and concurrent use: SIGKILL during ingest, searches during ingest, two ingests.

Whatever moment `kb ingest` dies at, the knowledge base opens, every file it reported as
ingested is complete and searchable, nothing half-ingested is visible, and running the same
ingest again finishes the job.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import cli_json, run_cli

ROUNDS = 5
BUDGET_S = 150


def _kb(kb_dir: Path, *args: str, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "kb", "--kb-dir", str(kb_dir), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True, **kw)


@pytest.fixture(scope="module")
def folder(tmp_path_factory, volume, journal) -> Path:
    """Four distinct PDFs (two are byte-variants, so they are separate files with the same text)."""
    out = tmp_path_factory.mktemp("crashin")
    for name, src in (("a_volume.pdf", volume.path), ("b_journal.pdf", journal.path),
                      ("c_volume.pdf", volume.path), ("d_journal.pdf", journal.path)):
        data = Path(src).read_bytes()
        (out / name).write_bytes(data + (b"\n% copy " + name.encode() + b"\n" if name[0] in "cd" else b""))
    return out


def _reported(stderr: str) -> dict[str, int]:
    """Files the killed process said it had stored, with their passage counts."""
    out = {}
    for line in stderr.splitlines():
        if line.startswith("ingested: "):
            path, rest = line[len("ingested: "):].rsplit(": ", 1)
            out[Path(path).name] = int(rest.split(", ")[1].split()[0])
    return out


def _check_consistent(kb_dir: Path) -> dict[str, int]:
    """The invariants of a knowledge base after any crash; returns passages per stored file."""
    conn = sqlite3.connect(kb_dir / "kb.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    per_file = {}
    for fid, path in conn.execute("SELECT id, path FROM files"):
        papers = conn.execute("SELECT count(*) FROM papers WHERE file_id = ?", (fid,)).fetchone()[0]
        n, fts, vec = conn.execute(
            "SELECT count(*), count(f.rowid), count(v.passage_id) FROM passages p JOIN papers pa ON pa.id = p.paper_id "
            "LEFT JOIN passages_fts f ON f.rowid = p.id LEFT JOIN passage_vectors v ON v.passage_id = p.id "
            "WHERE pa.file_id = ?", (fid,)).fetchone()
        assert papers > 0 and n > 0, f"{path}: a file without papers or passages is visible"
        assert fts == n and vec == n, f"{path}: passages without full-text rows or vectors"
        per_file[Path(path).name] = n
    conn.close()
    return per_file


def test_sigkill_during_ingest_loses_nothing(tmp_path, folder):
    # an uninterrupted run gives the reference: how long a full ingest takes and what it stores
    t0 = time.monotonic()
    ref = _kb(tmp_path / "ref", "ingest", str(folder))
    _, err = ref.communicate(timeout=300)
    full_s = time.monotonic() - t0
    assert ref.returncode == 0, err
    reference = _check_consistent(tmp_path / "ref")
    rng = random.Random(7)
    started, rounds, partial = time.monotonic(), 0, 0
    while rounds < ROUNDS and time.monotonic() - started < BUDGET_S:
        rounds += 1
        kb_dir = tmp_path / f"kb{rounds}"
        proc = _kb(kb_dir, "ingest", str(folder))
        time.sleep(rng.uniform(0.15, 0.95) * full_s)
        proc.send_signal(signal.SIGKILL)
        try:
            _, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            pytest.fail("a helper process outlived the killed ingest and kept its output open")
        stored = _check_consistent(kb_dir) if (kb_dir / "kb.sqlite").exists() else {}
        for name, passages in _reported(err).items():
            assert stored.get(name) == passages, f"{name} was reported as ingested but is not complete"
        assert all(reference[name] == n for name, n in stored.items()), "a stored file is incomplete"
        partial += 0 < len(stored) < len(reference)
        if stored:  # the knowledge base opens and answers after the crash
            assert cli_json(kb_dir, "papers")
        done = _kb(kb_dir, "ingest", str(folder))  # re-running the same ingest finishes the job
        _, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        assert _check_consistent(kb_dir) == reference
    assert rounds >= 3 and partial >= 1, f"{rounds} rounds, {partial} killed between files"
    hits = cli_json(kb_dir, "search", "Smart cooperation", "-k", "3")
    assert hits and all(h["citation"] for h in hits)


def test_searches_run_while_an_ingest_writes(tmp_path, folder):
    kb_dir = tmp_path / "kb"
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(folder / "b_journal.pdf", first)
    assert run_cli(kb_dir, "ingest", str(first)).exit_code == 0
    proc = _kb(kb_dir, "ingest", str(folder))
    searches = 0
    while proc.poll() is None and searches < 200:
        result = run_cli(kb_dir, "search", "выход на внешние рынки", "-k", "3", "--json")
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout), "the passages stored before stay searchable"
        searches += 1
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert searches >= 3 and "locked" not in err
    assert set(_check_consistent(kb_dir)) == {p.name for p in folder.iterdir()}


def test_two_ingests_at_once_both_succeed(tmp_path, folder):
    kb_dir = tmp_path / "kb"
    a = _kb(kb_dir, "ingest", str(folder))
    b = _kb(kb_dir, "ingest", str(folder / "a_volume.pdf"), str(folder / "d_journal.pdf"))
    (_, err_a), (_, err_b) = a.communicate(timeout=300), b.communicate(timeout=300)
    assert a.returncode == 0 and b.returncode == 0, err_a + err_b
    assert "locked" not in err_a + err_b and "Traceback" not in err_a + err_b
    stored = _check_consistent(kb_dir)
    assert set(stored) == {p.name for p in folder.iterdir()}
    conn = sqlite3.connect(kb_dir / "kb.sqlite")
    assert conn.execute("SELECT count(*), count(DISTINCT sha256) FROM files").fetchone() == (4, 4)


def test_lost_or_damaged_vector_index_is_rebuilt_and_said(tmp_path_factory, volume, journal):
    from conftest import make_sample_kb

    kb_dir = make_sample_kb(tmp_path_factory, volume, journal)
    first = run_cli(kb_dir, "search", "pilot projects", "--json")
    assert first.exit_code == 0 and "note:" not in first.stderr
    expected = json.loads(first.stdout)
    shutil.rmtree(kb_dir / "faiss")
    missing = run_cli(kb_dir, "search", "pilot projects", "--json")
    assert "note: the vector index was missing; rebuilt it from the knowledge base" in missing.stderr
    assert json.loads(missing.stdout) == expected
    for index_file in (kb_dir / "faiss").glob("*.index"):
        index_file.write_bytes(b"garbage" * 100)
    damaged = run_cli(kb_dir, "search", "pilot projects", "--json")
    assert "note: the vector index was unreadable" in damaged.stderr
    assert json.loads(damaged.stdout) == expected
    again = run_cli(kb_dir, "search", "pilot projects", "--json")
    assert "note:" not in again.stderr
