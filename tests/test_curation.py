"""`kb edit` and `kb remove`: corrections shown everywhere and kept across re-ingest; removal that
leaves nothing orphaned. Each test works on its own copy of the session's sample knowledge base."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import bibtexparser
import pytest
from conftest import cli_json, run_cli

from kb.store import db

NEW_TITLE = "Smart cooperation of small firms: a corrected title"


@pytest.fixture
def kb(sample_kb, tmp_path) -> Path:
    """A private copy of the shared sample knowledge base, free to change."""
    return Path(shutil.copytree(sample_kb, tmp_path / "kb"))


def papers(kb: Path) -> list[dict]:
    return cli_json(kb, "papers")


def paper_titled(kb: Path, start: str) -> dict:
    (found,) = [p for p in papers(kb) if (p["title"] or "").startswith(start)]
    return found


def ok(kb: Path, *args: str) -> str:
    result = run_cli(kb, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def fails(kb: Path, *args: str) -> str:
    """The one error line of a command that must fail."""
    result = run_cli(kb, *args)
    assert result.exit_code != 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.strip()] if result.stderr else result.output.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    return lines[0]


def snapshot(kb: Path) -> list[tuple]:
    """Everything a correction or a removal could change, to prove that a failed command changed nothing."""
    conn = sqlite3.connect(kb / db.DB_NAME)
    try:
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("corrections", "papers", "refs", "passages", "files")]
    finally:
        conn.close()


def source_files(kb: Path) -> list[str]:
    conn = sqlite3.connect(kb / db.DB_NAME)
    try:
        return [r[0] for r in conn.execute("SELECT path FROM files ORDER BY id")]
    finally:
        conn.close()


def doctor_report(kb: Path) -> dict[str, dict]:
    result = run_cli(kb, "doctor", "--json")
    report = {r["check"]: r for r in json.loads(result.stdout)}
    assert result.exit_code == 0, report
    return report


def search_ids(kb: Path, query: str, *args: str) -> list[int]:
    return [h["paper"]["id"] for h in cli_json(kb, "search", query, "-k", "10", *args)]


# --- corrections ----------------------------------------------------------------------------------

def test_title_correction_shows_everywhere_and_survives_force_and_reindex(kb):
    before = paper_titled(kb, "SMART COOPERATION IN SMALL")
    assert before["title"] != NEW_TITLE and before["year"] != 2019 and before["corrected"] == {}
    out = ok(kb, "edit", str(before["id"]), "--title", NEW_TITLE, "--year", "2019",
             "--author", "Zhou, Xinghong", "--author", "Aliakseyeva, Anna")
    assert out.strip() == f"paper {before['id']}: corrected title, authors, year"

    (after,) = [p for p in papers(kb) if p["id"] == before["id"]]
    assert after["title"] == NEW_TITLE and after["year"] == 2019
    assert after["authors_parsed"] == [{"family": "Zhou", "given": "Xinghong"},
                                       {"family": "Aliakseyeva", "given": "Anna"}]
    assert set(after["corrected"]) == {"title", "authors", "year"}
    assert all(datetime.fromisoformat(t).tzinfo is not None for t in after["corrected"].values())
    assert after["abstract"] == before["abstract"] and after["venue"] == before["venue"]  # the rest as extracted

    assert NEW_TITLE in ok(kb, "papers")
    shown = cli_json(kb, "show", str(before["id"]))
    assert shown["title"] == NEW_TITLE and shown["corrected"] == after["corrected"]
    assert NEW_TITLE in ok(kb, "show", str(before["id"]))

    hits = cli_json(kb, "search", "smart cooperation", "--mode", "lexical", "--paper", str(before["id"]))
    assert hits and all(h["paper"]["title"] == NEW_TITLE for h in hits)
    assert all(NEW_TITLE in h["citation"] and "2019" in h["citation"] for h in hits)
    assert search_ids(kb, "smart cooperation", "--mode", "lexical", "--year", "2019") == [before["id"]] * len(hits)

    gost = ok(kb, "bib", "--format", "gost")
    assert NEW_TITLE in gost and before["title"].lower() not in gost.lower()
    entries = bibtexparser.parse_string(ok(kb, "bib", "--format", "bibtex")).entries
    assert NEW_TITLE in [e.fields_dict["title"].value.strip("{}") for e in entries]
    csl = json.loads(ok(kb, "bib", "--format", "csl-json"))
    (item,) = [i for i in csl if i["title"] == NEW_TITLE]
    assert item["issued"]["date-parts"][0][0] == 2019 and item["author"][1]["given"] == "Anna"

    from kb.mcp_server import KbSession  # what the `paper` and `bib` tools return

    session = KbSession(kb)
    assert session.paper(before["id"])["title"] == NEW_TITLE
    assert NEW_TITLE in session.bib([before["id"]], False, "gost")

    # re-ingest: --force re-creates every row (new ids); the correction finds its paper again
    ok(kb, "ingest", "--force", *source_files(kb))
    again = paper_titled(kb, NEW_TITLE)
    assert again["id"] != before["id"] and again["year"] == 2019 and set(again["corrected"]) == {"title", "authors",
                                                                                                   "year"}
    assert not [p for p in papers(kb) if p["title"] == before["title"]]
    hits = cli_json(kb, "search", "smart cooperation", "--mode", "lexical", "--paper", str(again["id"]))
    assert hits and all(NEW_TITLE in h["citation"] for h in hits)
    assert NEW_TITLE in ok(kb, "bib")
    ok(kb, "reindex")
    assert paper_titled(kb, NEW_TITLE)["corrected"] == again["corrected"]


def test_corrections_in_web_pages(kb):
    from starlette.testclient import TestClient

    from kb.web import create_app

    target = paper_titled(kb, "SMART COOPERATION IN SMALL")
    ok(kb, "edit", str(target["id"]), "--title", NEW_TITLE, "--venue", "Journal of Corrected Venues")
    app = create_app(kb)
    try:
        client = TestClient(app, base_url="http://127.0.0.1")
        page = client.get(f"/papers/{target['id']}").text
        assert NEW_TITLE in page and "Journal of Corrected Venues" in page
        assert NEW_TITLE in client.get("/papers").text
    finally:
        app.state.service.close()


def test_corrections_in_evidence_references(kb):
    target = paper_titled(kb, "DIGITALIZATION IN SMALL")
    ok(kb, "edit", str(target["id"]), "--title", NEW_TITLE, "--year", "2019", "--author", "Zhou, Xinghong")
    report = cli_json(kb, "evidence", "Начинать сотрудничество с небольших пилотных проектов и постепенно "
                                      "наращивать доверие между партнёрами.")
    quotes = [q for r in report["recommendations"] for q in r["quotes"] if q["paper"]["id"] == target["id"]]
    assert quotes, report  # the sample's answer to this recommendation is in this paper
    assert all(q["paper"]["title"] == NEW_TITLE and q["source"].startswith("Zhou, 2019") for q in quotes)
    (entry,) = [e for e in report["references"] if e["paper_id"] == target["id"]]
    assert NEW_TITLE in entry["text"] and "2019" in entry["text"] and "Aliakseyeva" not in entry["text"]


def test_reference_entry_correction(kb):
    refs = cli_json(kb, "refs")
    ref = refs[0]
    assert ref["corrected"] == {} and ref["title"] != "A corrected reference title"
    out = ok(kb, "edit", "--ref", str(ref["id"]), "--title", "A corrected reference title", "--year", "2001",
             "--container", "Corrected Journal", "--author", "Гилева, Татьяна Александровна")
    assert out.startswith(f"ref {ref['id']} (paper {ref['paper_id']}): corrected title, authors, container, year")
    (now,) = [r for r in cli_json(kb, "refs", "--paper", str(ref["paper_id"])) if r["id"] == ref["id"]]
    assert now["title"] == "A corrected reference title" and now["year"] == "2001"
    assert now["container"] == "Corrected Journal" and now["raw"] == ref["raw"]  # the printed entry stays
    assert set(now["corrected"]) == {"title", "authors", "container", "year"}
    cited = ok(kb, "bib", "--cited", "--format", "gost")
    assert "A corrected reference title" in cited and ref["title"] not in cited
    assert ref["title"] not in ok(kb, "works")
    # a passage that cites the entry shows the corrected entry
    hits = cli_json(kb, "search", "внешние рынки", "--mode", "lexical", "--paper", str(ref["paper_id"]), "-k", "30")
    cites = [c for h in hits for c in h["cites"] if c["ref_id"] == ref["id"]]
    assert all(c["title"] == "A corrected reference title" for c in cites)


def test_clear_one_field_and_all(kb):
    target = paper_titled(kb, "SMART COOPERATION IN SMALL")
    pid = str(target["id"])
    ok(kb, "edit", pid, "--title", NEW_TITLE, "--doi", "https://doi.org/10.1234/kb.test", "--pages", "143-146")
    edited = paper_titled(kb, NEW_TITLE)
    assert edited["doi"] == "10.1234/kb.test" and edited["page_range"] == "143–146"
    data = cli_json(kb, "edit", pid, "--clear", "title")
    assert data["cleared"] == ["title"] and data["paper"]["title"] == target["title"]
    now = paper_titled(kb, target["title"])
    assert set(now["corrected"]) == {"pages", "doi"} and now["doi"] == "10.1234/kb.test"
    assert "no correction to clear for title" in ok(kb, "edit", pid, "--clear", "title")
    ok(kb, "edit", pid, "--clear", "all")
    now = paper_titled(kb, target["title"])
    assert now["corrected"] == {} and now["doi"] == target["doi"] and now["page_range"] == target["page_range"]


def test_from_bibtex_and_csl_json_match_by_doi_and_title(kb, tmp_path):
    by_doi = next(p for p in papers(kb) if p["doi"])
    by_title = paper_titled(kb, "НАПРАВЛЕНИЯ АНАЛИЗА")
    bib = tmp_path / "library.bib"
    bib.write_text(f"""
@article{{bydoi,
  author = {{Ilkevich, Sergey V.}},
  title = {{Framework guidelines for entering foreign markets}},
  journal = {{Journal of {{SME}} Studies}}, volume = {{12}}, number = {{3}}, year = {{2024}},
  doi = {{https://doi.org/{by_doi['doi'].upper()}}}
}}
@inproceedings{{bytitle,
  author = {{Чеботарёва, Ольга Геннадьевна and Титникова, А. С.}},
  title = {{Направления анализа финансового состояния организации}},
  booktitle = {{Материалы докладов 58-й конференции}}, pages = {{147--148}}, year = {{2025}}
}}
@misc{{stranger, title = {{A paper this knowledge base does not hold}}, year = {{2020}}}}
""", encoding="utf-8")
    data = cli_json(kb, "edit", "--from", str(bib))
    matched = {m["entry"]: m for m in data["matched"]}
    assert matched["bydoi"]["papers"] == [by_doi["id"]] and matched["bydoi"]["by"] == "doi"
    assert {"title", "venue", "volume", "issue", "year"} <= set(matched["bydoi"]["fields"])
    assert matched["bytitle"]["papers"] == [by_title["id"]] and matched["bytitle"]["by"] == "title"
    assert set(matched["bytitle"]["fields"]) >= {"title", "pages"}
    assert [u["entry"] for u in data["unmatched"]] == ["stranger"]

    fixed = {p["id"]: p for p in papers(kb)}
    assert fixed[by_doi["id"]]["title"] == "Framework guidelines for entering foreign markets"
    assert fixed[by_doi["id"]]["venue"]["container"] == "Journal of SME Studies"
    assert fixed[by_doi["id"]]["year"] == 2024
    assert fixed[by_title["id"]]["page_range"] == "147–148"
    assert fixed[by_title["id"]]["authors_parsed"][0] == {"family": "Чеботарёва", "given": "Ольга Геннадьевна"}

    lines = ok(kb, "edit", "--from", str(bib)).splitlines()  # again: matched, nothing left to change
    assert lines == [f"matched: bydoi -> paper {by_doi['id']} (by doi): nothing to change",
                     f"matched: bytitle -> paper {by_title['id']} (by title): nothing to change",
                     "unmatched: stranger: no paper with this title"]

    csl = tmp_path / "library.json"
    csl.write_text(json.dumps([
        {"id": "c1", "type": "article-journal", "DOI": by_doi["doi"], "title": "Framework guidelines, CSL edition",
         "author": [{"family": "Илькевич", "given": "Сергей Викторович"}], "issued": {"date-parts": [[2023, 5]]}},
        {"id": "c2", "type": "paper-conference", "title": "направления анализа финансового состояния организации.",
         "page": "147"},
        {"id": "c3", "title": "Nothing like it", "DOI": "10.9999/nowhere"},
        {"id": "c4"},
    ], ensure_ascii=False), encoding="utf-8")
    data = cli_json(kb, "edit", "--from", str(csl))
    matched = {m["entry"]: m for m in data["matched"]}
    assert matched["c1"]["by"] == "doi" and set(matched["c1"]["fields"]) == {"title", "authors", "year"}
    assert matched["c2"]["by"] == "title" and matched["c2"]["papers"] == [by_title["id"]]
    assert {u["entry"]: u["reason"] for u in data["unmatched"]} == {
        "c3": "no paper with this DOI or title", "c4": "no DOI or title to match"}
    fixed = {p["id"]: p for p in papers(kb)}
    assert fixed[by_doi["id"]]["title"] == "Framework guidelines, CSL edition" and fixed[by_doi["id"]]["year"] == 2023
    assert fixed[by_doi["id"]]["venue"]["container"] == "Journal of SME Studies"  # from the .bib, untouched
    assert fixed[by_title["id"]]["page_range"] == "147"


# --- errors: one line, non-zero exit, nothing changed -----------------------------------------------

def test_errors_change_nothing(kb, tmp_path):
    target = paper_titled(kb, "SMART COOPERATION IN SMALL")
    pid = str(target["id"])
    before = snapshot(kb)
    assert "no paper with id 99999" in fails(kb, "edit", "99999", "--title", "x")
    assert "no reference entry with id 99999" in fails(kb, "edit", "--ref", "99999", "--title", "x")
    assert "bad year" in fails(kb, "edit", pid, "--title", NEW_TITLE, "--year", "20x5")  # the title is not stored
    assert "bad year" in fails(kb, "edit", pid, "--title", NEW_TITLE, "--year", "999")
    assert "bad DOI" in fails(kb, "edit", pid, "--doi", "not-a-doi")
    assert "unknown field 'isbn'" in fails(kb, "edit", pid, "--clear", "isbn")
    assert "unknown field 'url' for a paper" in fails(kb, "edit", pid, "--url", "https://example.org")
    assert "nothing to change" in fails(kb, "edit", pid)
    bad_bib = tmp_path / "bad.bib"
    bad_bib.write_text(f"@article{{ok, title = {{{NEW_TITLE}}}, doi = {{10.1234/kb.ok}}}}\n"
                       f"@article{{late, title = {{{target['title']}}}, year = {{forthcoming}}}}\n", encoding="utf-8")
    assert "entry late: bad year" in fails(kb, "edit", "--from", str(bad_bib))
    (tmp_path / "x.ris").write_text("TY  - JOUR\n", encoding="utf-8")
    assert "BibTeX (.bib) or CSL-JSON" in fails(kb, "edit", "--from", str(tmp_path / "x.ris"))
    (tmp_path / "broken.json").write_text("[{", encoding="utf-8")
    assert "not JSON" in fails(kb, "edit", "--from", str(tmp_path / "broken.json"))
    assert "no paper with id 99999" in fails(kb, "remove", "99999")
    assert "no file '99999'" in fails(kb, "remove", "--file", "99999")
    assert "no file" in fails(kb, "remove", "--file", str(tmp_path / "never-ingested.pdf"))
    assert snapshot(kb) == before


# --- removal -------------------------------------------------------------------------------------

def test_remove_paper_then_file_leaves_doctor_clean(kb):
    assert set(r["status"] for r in doctor_report(kb).values()) <= {"ok", "warning"}
    target = paper_titled(kb, "SMART COOPERATION IN SMALL")
    query = "smart cooperation digital transformation SMEs"
    assert target["id"] in search_ids(kb, query)
    assert target["id"] in search_ids(kb, query, "--mode", "lexical")
    ok(kb, "edit", str(target["id"]), "--title", NEW_TITLE)

    done = cli_json(kb, "remove", str(target["id"]))
    assert done["papers"] == [{"id": target["id"], "title": target["title"]}] and done["file"] is None
    removed = done["removed"]
    assert removed["passages"] == target["n_passages"] > 0
    assert removed["vectors"] == removed["fulltext_rows"] == removed["passages"] and removed["theme_tags"] > 0
    assert done["corrections"] == 0 and done["corrections_kept"] == 1

    report = doctor_report(kb)
    assert {name: r["status"] for name, r in report.items() if r["status"] != "ok"} == {}, report
    assert report["orphans"]["detail"] == "no orphaned rows" and "current" in report["dense-index"]["detail"]
    assert target["id"] not in [p["id"] for p in papers(kb)]
    for mode in ("hybrid", "dense", "lexical"):
        assert target["id"] not in search_ids(kb, query, "--mode", mode)
    assert NEW_TITLE not in ok(kb, "bib") and target["title"].lower() not in ok(kb, "bib").lower()
    assert "no paper with id" in fails(kb, "show", str(target["id"]))

    # the file stays known: a plain ingest does not bring the paper back, --force does, with its correction
    files = source_files(kb)
    ok(kb, "ingest", *files)
    assert not [p for p in papers(kb) if p["title"] in (NEW_TITLE, target["title"])]
    ok(kb, "ingest", "--force", *files)
    assert paper_titled(kb, NEW_TITLE)["corrected"].keys() == {"title"}

    # a whole file, by path, with its corrections
    volume = paper_titled(kb, NEW_TITLE)
    path = next(f for f in files if Path(f).name == Path(volume["source"]).name)
    on_file = [p["id"] for p in papers(kb) if p["file_id"] == volume["file_id"]]
    done = cli_json(kb, "remove", "--file", path, "--corrections")
    assert done["file"] == {"id": volume["file_id"], "path": path}
    assert sorted(p["id"] for p in done["papers"]) == sorted(on_file) and done["corrections"] == 1
    assert done["removed"]["files"] == 1 and done["removed"]["pages"] > 0
    report = doctor_report(kb)
    assert {name: r["status"] for name, r in report.items() if r["status"] != "ok"} == {}, report
    left = papers(kb)
    assert left and not set(on_file) & {p["id"] for p in left}
    assert not set(on_file) & set(search_ids(kb, query, "--mode", "lexical"))
    conn = db.connect(kb, create=False)
    assert conn.execute("SELECT count(*) FROM corrections").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM files WHERE id = ?", (volume["file_id"],)).fetchone()[0] == 0


def test_remove_file_by_id_keeps_corrections_for_a_later_ingest(kb):
    target = next(p for p in papers(kb) if p["doi"])
    ok(kb, "edit", str(target["id"]), "--year", "2024")
    path = next(f for f in source_files(kb) if Path(f).name == Path(target["source"]).name)
    text = ok(kb, "remove", "--file", str(target["file_id"]))
    assert text.startswith(f"removed file {target['file_id']} ") and "1 correction(s) kept" in text
    assert all(p["file_id"] != target["file_id"] for p in papers(kb))
    ok(kb, "ingest", path)  # a removed file is new to kb: a plain ingest reads it, and the correction applies
    back = next(p for p in papers(kb) if p["doi"] == target["doi"])
    assert back["year"] == 2024 and "year" in back["corrected"]
