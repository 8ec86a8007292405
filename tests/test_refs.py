"""`kb refs`, `kb works`, `kb bib` and in-text citations over rendered seed PDFs and small notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import cli_json, run_cli

from kb import library
from kb.refs.citations import find_markers
from kb.store import db

REF_KEYS = {"paper_id", "n", "raw", "authors", "title", "container", "year", "volume", "issue", "pages", "doi",
            "url", "accessed", "type", "work_id", "parsed_ok"}


run = run_cli
as_json = cli_json


@pytest.fixture(scope="module")
def kb_dir(sample_kb):
    return sample_kb


def _paper(kb_dir: Path, title_start: str | None) -> dict:
    papers = as_json(kb_dir, "papers")
    if title_start is None:
        return next(p for p in papers if p["fragment"])
    return next(p for p in papers if (p["title"] or "").startswith(title_start))


def test_every_seed_entry_is_found_and_numbered(kb_dir):
    journal = _paper(kb_dir, "Рамочные")
    refs = as_json(kb_dir, "refs", "--paper", str(journal["id"]))
    assert all(REF_KEYS <= set(r) for r in refs)
    assert [r["n"] for r in refs] == [str(i) for i in range(1, 25)]
    first = refs[0]
    assert first["authors"] == ["Гилева Т. А."] and first["year"] == "2024"
    assert (first["volume"], first["issue"], first["pages"]) == ("15", "3", "260–269")
    assert first["doi"] == "10.17747/2618-947X-2024-3-260-269" and first["type"] == "article"
    assert refs[8]["title"].startswith("Internationalization stages of traditional SMEs")
    assert refs[8]["pages"] == "1051–1063"  # the entry continues after a page break
    fragment = as_json(kb_dir, "refs", "--paper", str(_paper(kb_dir, None)["id"]))
    assert [r["n"] for r in fragment] == [str(i) for i in range(1, 11)]
    assert fragment[9]["authors"][0] == "Ванкевич Е. В."  # "10.Ванкевич": no space after the number
    belstat = fragment[8]
    assert belstat["accessed"] == "01.03.2025" and belstat["year"] is None  # an access date is no year
    smart = as_json(kb_dir, "refs", "--paper", str(_paper(kb_dir, "SMART")["id"]))
    assert [r["year"] for r in smart] == ["2024", "2021"] and smart[0]["n"] is None


def test_unparseable_entry_is_kept_and_flagged(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("# Заметка\n\nТекст заметки о кооперации малых предприятий [1].\n\n"
                    "## Список литературы\n\n1. см. там же\n\n2. Иванов И. И. Кооперация МСП // Вестник. "
                    "– 2020. – № 2. – С. 10–20.\n", encoding="utf-8")
    assert run(tmp_path / "kb", "ingest", str(note)).exit_code == 0
    refs = as_json(tmp_path / "kb", "refs")
    assert [r["parsed_ok"] for r in refs] == [False, True]
    assert refs[0]["raw"] == "см. там же" and refs[0]["work_id"] is None


def test_passages_cite_their_entries(kb_dir):
    conn = db.connect(kb_dir)
    journal = _paper(kb_dir, "Рамочные")
    rows = conn.execute("SELECT id, text FROM passages WHERE paper_id = ?", (journal["id"],)).fetchall()
    pid, text = next((r[0], r[1]) for r in rows if "[13]" in r[1])
    cites = library.passage_citations(conn, pid)
    assert any(c["n"] == "13" and c["authors"] == ["Kuivalainen O."] for c in cites)
    smart = _paper(kb_dir, "SMART")
    rows = conn.execute("SELECT id, text FROM passages WHERE paper_id = ?", (smart["id"],)).fetchall()
    pid = next(r[0] for r in rows if "CCID Consulting, 2024" in r[1])
    assert any(c["authors"] == ["CCID Consulting"] for c in library.passage_citations(conn, pid))
    hits = as_json(kb_dir, "search", "этапы интернационализации МСП и участие в зарубежных рынках", "-k", "5")
    assert any(c["n"] for h in hits for c in h["cites"])


def test_marker_forms():
    text = ("как показано [1], [2; 10], [3, с. 15], [1–3] и [13, p. 5]; также (Ivanov, 2020), "
            "(Li et al., 2023; CCID Consulting, 2024) и Петров и др. (2019).")
    numeric = [(m.n, m.locator) for m in find_markers(text) if m.n]
    assert numeric == [("1", None), ("2", None), ("10", None), ("3", "с. 15"), ("1", None), ("2", None),
                       ("3", None), ("13", "p. 5")]
    author_year = [(m.surname, m.year) for m in find_markers(text) if m.surname]
    assert ("Ivanov", "2020") in author_year and ("Li", "2023") in author_year
    assert ("CCID Consulting", "2024") in author_year and ("Петров", "2019") in author_year


def _note(path: Path, title: str, entry: str) -> None:
    path.write_text(f"# {title}\n\nКооперация малых предприятий изучена ранее [1].\n\n"
                    f"## References\n\n1. {entry}\n", encoding="utf-8")


def test_works_are_deduplicated_across_papers(tmp_path):
    _note(tmp_path / "a.md", "Первая заметка",
          "Audretsch D. B., Guenther C. SME research: SMEs' internationalization and collaborative innovation as two "
          "central topics in the field // Journal of Business Economics. – 2023. – Vol. 93. – P. 1213–1229.")
    _note(tmp_path / "b.md", "Вторая заметка",
          "Audretsch, D. B., & Guenther, C. (2023). SME research: SMEs’ internationalization and collaborative "
          "innovation as two central topics in the field. Journal of Business Economics, 93, 1213–1229.")
    kb = tmp_path / "kb"
    assert run(kb, "ingest", str(tmp_path / "a.md"), str(tmp_path / "b.md")).exit_code == 0
    works = as_json(kb, "works", "--min-cited", "2")
    assert len(works) == 1 and len(works[0]["cited_by"]) == 2
    assert works[0]["title"].startswith("SME research")


def test_bib_exports_parse_in_real_tools(kb_dir, tmp_path):
    bibtexparser = pytest.importorskip("bibtexparser")
    rispy = pytest.importorskip("rispy")
    out = tmp_path / "cited.bib"
    result = run(kb_dir, "bib", "--cited", "--format", "bibtex", "-o", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    parsed = bibtexparser.parse_string(text) if hasattr(bibtexparser, "parse_string") else bibtexparser.loads(text)
    entries = parsed.entries
    n_works = len(as_json(kb_dir, "works"))
    assert len(entries) == n_works
    ris = run(kb_dir, "bib", "--cited", "--format", "ris")
    assert ris.exit_code == 0 and len(rispy.loads(ris.output)) == n_works
    csl = json.loads(run(kb_dir, "bib", "--cited", "--format", "csl-json").output)
    assert len(csl) == n_works and all("title" in item for item in csl)
    gost = run(kb_dir, "bib", "--papers", "--format", "gost")
    assert gost.exit_code == 0 and "Илькевич, С. В." in gost.output and "None" not in gost.output
    by_query = run(kb_dir, "bib", "--papers", "--format", "apa", "--query", "smart cooperation SMEs", "-k", "3")
    assert by_query.exit_code == 0 and "Zhou, X." in by_query.output
