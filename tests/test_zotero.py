"""`kb ingest --zotero DIR` and `--bib FILE`: Zotero's metadata, collections and tags over PDFs
rendered from the seed texts, re-runs that do only what changed, and bad libraries as one line."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from conftest import run_cli
from zotero_fixture import ZoteroDir

from kb import samples
from kb.ingest import bibsource, items, pipeline

ILKEVICH_TITLE = "Framework guidelines for SME export"
SMART_TITLE = "Smart cooperation in small and medium businesses"


@pytest.fixture(scope="module")
def pdfs(seeds, pdf_dir, journal) -> dict[str, Path]:
    """Three single-paper PDFs: the journal article and two proceedings papers on their own."""
    smart = samples.render_proceedings([seeds["000"][1]], pdf_dir / "zotero_smart.pdf", first_page=143)
    finance = samples.render_proceedings([seeds["001"][2]], pdf_dir / "zotero_finance.pdf", first_page=151)
    return {"journal": journal.path, "smart": smart.path, "finance": finance.path}


def make_library(root: Path, pdfs: dict[str, Path]) -> tuple[ZoteroDir, dict[str, int]]:
    """Research/SME holds the journal article, Reading the conference paper; a note-only item has no PDF."""
    z = ZoteroDir(root)
    research = z.add_collection("Research")
    sme = z.add_collection("SME", research)
    reading = z.add_collection("Reading")
    a = z.add_item("journalArticle", {
        "title": ILKEVICH_TITLE, "publicationTitle": "Экономика и предпринимательство", "volume": "15",
        "issue": "3", "pages": "173-177", "date": "2020-03-00 March 2020", "DOI": "10.14451/1.242.173",
        "language": "ru"}, [("Илькевич", "Сергей Викторович", "author"), ("Петров", "Пётр", "editor")],
        collections=[sme], tags=["export", "guidelines"])
    z.add_pdf(a, pdfs["journal"])
    b = z.add_item("conferencePaper", {
        "title": SMART_TITLE, "proceedingsTitle": "Proceedings of the 58th VSTU conference", "pages": "143-145",
        "date": "2025", "language": "English"}, [("Zhou", "Xinghong", "author"), ("Aliakseyeva", "A.", "author")],
        collections=[reading], tags=["cooperation"])
    z.add_pdf(b, pdfs["smart"], name="Zhou - 2025 - Smart cooperation.pdf")
    z.add_item("book", {"title": "A book kb has no PDF of"}, [("Nobody", "N.", "author")], collections=[reading])
    return z, {"a": a, "b": b}


def ingest(kb: Path, *args: str):
    return run_cli(kb, "ingest", *args, "--no-embed")


def errors(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("error:")]


def papers(kb: Path) -> list[dict]:
    result = run_cli(kb, "papers", "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def by_title(kb: Path) -> dict[str, dict]:
    return {p["title"]: p for p in papers(kb)}


def search_papers(kb: Path, query: str, *filters: str, mode: str = "lexical") -> set[int]:
    result = run_cli(kb, "search", query, "--mode", mode, "-k", "30", "--json", *filters)
    assert result.exit_code == 0, result.output
    return {h["paper"]["id"] for h in json.loads(result.stdout)}


@pytest.fixture(scope="module")
def zkb(tmp_path_factory, pdfs):
    """A knowledge base made from the library while a "running Zotero" holds its exclusive lock."""
    root = tmp_path_factory.mktemp("zotero")
    z, ids = make_library(root / "Zotero", pdfs)
    before = hashlib.sha256(z.db.read_bytes()).hexdigest()
    zotero = sqlite3.connect(z.db)
    zotero.execute("PRAGMA locking_mode = EXCLUSIVE")  # what Zotero does while it runs
    zotero.execute("BEGIN EXCLUSIVE")
    try:
        kb = root / "kb"
        result = run_cli(kb, "ingest", "--zotero", str(z.root))
    finally:
        zotero.rollback()
        zotero.close()
    assert result.exit_code == 0, result.output
    assert hashlib.sha256(z.db.read_bytes()).hexdigest() == before  # read, never written
    return kb, z, ids, result


def test_metadata_comes_from_zotero(zkb):
    kb, z, ids, result = zkb
    assert "2 file(s) ingested, 0 unchanged, 0 failed" in result.stdout
    assert "1 item(s) without a PDF attachment skipped" in result.stderr
    found = by_title(kb)
    assert set(found) == {ILKEVICH_TITLE, SMART_TITLE}
    a = found[ILKEVICH_TITLE]
    assert a["authors"] == ["Илькевич С. В."]
    assert a["authors_parsed"] == [{"family": "Илькевич", "given": "Сергей Викторович"}]
    assert a["venue"]["container"] == "Экономика и предпринимательство"
    assert (a["venue"]["volume"], a["venue"]["issue"], a["page_range"]) == ("15", "3", "173–177")
    assert (a["year"], a["doi"], a["lang"]) == (2020, "10.14451/1.242.173", "ru")
    assert a["collections"] == ["Research/SME"] and a["tags"] == ["export", "guidelines"]
    assert a["item"]["key"] == z.item_key(ids["a"]) and a["item"]["type"] == "journalArticle"
    assert a["item"]["source"] == "zotero" and a["item"]["editors"] == [{"family": "Петров", "given": "Пётр"}]
    # what kb read from the PDF is kept beside it
    assert a["extracted"]["title"].startswith("Рамочные методические рекомендации")
    assert a["extracted"]["authors"] == ["Илькевич Сергей Викторович"]
    b = found[SMART_TITLE]
    assert b["authors"] == ["Zhou X.", "Aliakseyeva A."] and b["lang"] == "en" and b["year"] == 2025
    assert b["venue"]["container"] == "Proceedings of the 58th VSTU conference"
    assert b["collections"] == ["Reading"] and b["tags"] == ["cooperation"]
    assert b["extracted"]["title"].startswith("SMART COOPERATION IN SMALL AND MEDIUM BUSINESSES")
    # the item type decides the bibliography entry's type
    bib = run_cli(kb, "bib", "--format", "bibtex")
    assert bib.exit_code == 0 and "@article{" in bib.stdout and "@inproceedings{" in bib.stdout


def test_search_filters_by_collection_and_tag(zkb):
    kb = zkb[0]
    ids = {t: p["id"] for t, p in by_title(kb).items()}
    a, b = ids[ILKEVICH_TITLE], ids[SMART_TITLE]
    query = "предприятий cooperation businesses"
    assert search_papers(kb, query) == {a, b}
    assert search_papers(kb, query, "--collection", "SME") == {a}
    assert search_papers(kb, query, "--collection", "research") == {a}  # a collection holds its subcollections
    assert search_papers(kb, query, "--collection", "Research/SME") == {a}
    assert search_papers(kb, query, "--collection", "Reading") == {b}
    assert search_papers(kb, query, "--collection", "Reading", "--collection", "SME") == {a, b}
    assert search_papers(kb, query, "--tag", "cooperation") == {b}
    assert search_papers(kb, query, "--tag", "EXPORT", "--tag", "nothing") == {a}
    assert search_papers(kb, query, "--tag", "export", "--collection", "Reading") == set()
    assert search_papers(kb, query, "--collection", "Nowhere") == set()
    assert search_papers(kb, "cooperation in small businesses", "--tag", "cooperation", mode="hybrid") == {b}


def test_second_run_does_nothing(zkb, monkeypatch):
    kb, z, _, _ = zkb
    before = papers(kb)

    def no_reading(*args, **kwargs):
        raise AssertionError("an unchanged attachment was read again")

    monkeypatch.setattr(pipeline, "ingest_file", no_reading)
    watch = sqlite3.connect(kb / "kb.sqlite")
    version = watch.execute("PRAGMA data_version").fetchone()[0]
    result = ingest(kb, "--zotero", str(z.root))
    assert result.exit_code == 0, result.output
    assert watch.execute("PRAGMA data_version").fetchone()[0] == version  # nothing was written
    watch.close()
    assert "0 file(s) ingested, 2 unchanged, 0 failed" in result.stdout
    assert "updated" not in result.output
    assert papers(kb) == before


def test_changed_title_updates_the_paper_without_reading_the_pdf(tmp_path, pdfs, monkeypatch):
    z, ids = make_library(tmp_path / "Zotero", pdfs)
    kb = tmp_path / "kb"
    assert ingest(kb, "--zotero", str(z.root)).exit_code == 0
    before = by_title(kb)
    z.set_field(ids["a"], "title", "Guidelines for SMEs entering foreign markets")
    monkeypatch.setattr(pipeline, "process", lambda *a, **k: (_ for _ in ()).throw(AssertionError("PDF read")))
    result = ingest(kb, "--zotero", str(z.root))
    assert result.exit_code == 0, result.output
    assert f'updated: Zotero item {z.item_key(ids["a"])} "Guidelines for SMEs' in result.stderr
    assert "0 file(s) ingested, 1 unchanged, 1 updated from their source, 0 failed" in result.stdout
    after = by_title(kb)
    new = after["Guidelines for SMEs entering foreign markets"]
    old = before[ILKEVICH_TITLE]
    assert (new["id"], new["file_id"], new["n_passages"]) == (old["id"], old["file_id"], old["n_passages"])
    assert new["extracted"] == old["extracted"] and new["authors"] == old["authors"]
    assert after[SMART_TITLE] == before[SMART_TITLE]


def test_new_attachment_goes_in_and_a_deleted_item_is_reported(tmp_path, pdfs):
    z, ids = make_library(tmp_path / "Zotero", pdfs)
    kb = tmp_path / "kb"
    assert ingest(kb, "--zotero", str(z.root)).exit_code == 0
    c = z.add_item("bookSection", {"title": "Directions of financial analysis", "bookTitle": "Proceedings"},
                   [("Chebotareva", "O. G.", "author")], tags=["finance"])
    z.add_pdf(c, pdfs["finance"])
    z.trash(ids["b"])
    result = ingest(kb, "--zotero", str(z.root))
    assert result.exit_code == 0, result.output
    assert "1 file(s) ingested, 1 unchanged, 0 failed" in result.stdout
    assert "1 item(s) deleted from their source, kept here" in result.stdout
    gone = [line for line in result.stderr.splitlines() if z.item_key(ids["b"]) in line]
    assert len(gone) == 1 and gone[0].startswith("warning:") and "trash" in gone[0] and "stays" in gone[0]
    assert set(by_title(kb)) == {ILKEVICH_TITLE, SMART_TITLE, "Directions of financial analysis"}


def test_missing_attachment_is_one_error_line_and_the_others_go_in(tmp_path, pdfs):
    z, _ = make_library(tmp_path / "Zotero", pdfs)
    lost = z.add_item("journalArticle", {"title": "A paper whose PDF is gone"}, [("Lost", "L.", "author")])
    att = z.add_pdf(lost, None, name="gone.pdf")
    kb = tmp_path / "kb"
    result = ingest(kb, "--zotero", str(z.root))
    assert result.exit_code == 1
    assert errors(result) == [f'error: Zotero item {z.item_key(lost)} "A paper whose PDF is gone": '
                              f"the PDF attachment storage/{att}/gone.pdf is missing"]
    assert "2 file(s) ingested, 0 unchanged, 1 failed" in result.stdout
    assert set(by_title(kb)) == {ILKEVICH_TITLE, SMART_TITLE}


def test_an_item_on_a_proceedings_volume_describes_its_own_paper(tmp_path, volume):
    z = ZoteroDir(tmp_path / "Zotero")
    conf = z.add_collection("Conferences")
    item = z.add_item("bookSection", {"title": "Направления анализа финансового состояния организации",
                                      "bookTitle": "Материалы докладов 58-й конференции", "date": "2025"},
                      [("Чеботарёва", "Ольга Геннадьевна", "author")], collections=[conf])
    z.add_pdf(item, volume.path, name="volume.pdf")
    kb = tmp_path / "kb"
    result = ingest(kb, "--zotero", str(z.root))
    assert result.exit_code == 0, result.output
    found = papers(kb)
    assert len(found) == 4 and all(p["collections"] == ["Conferences"] for p in found)
    described = [p for p in found if p["item"] is not None]
    assert [p["title"] for p in described] == ["Направления анализа финансового состояния организации"]
    assert described[0]["venue"]["container"] == "Материалы докладов 58-й конференции"
    assert described[0]["authors"] == ["Чеботарёва О. Г."]
    assert {p["title"] for p in found if p["item"] is None} == {
        None, "SMART COOPERATION IN SMALL AND MEDIUM BUSINESSES FOR THE SUSTAINABLE DEVELOPMENT OF A REGION",
        "DIGITALIZATION IN SMALL AND MEDIUM BUSINESSES BASED ON SMART COOPERATION: FEATURES, PROBLEMS AND PROSPECTS"}


def _old_schema(root: Path) -> Path:
    ZoteroDir(root, userdata=60)
    return root


def _future_schema_without_a_column(root: Path) -> Path:
    z = ZoteroDir(root, userdata=140)
    with sqlite3.connect(z.db) as conn:
        conn.execute("ALTER TABLE items DROP COLUMN clientDateModified")
    return root


def _not_a_database(root: Path) -> Path:
    root.mkdir()
    (root / "zotero.sqlite").write_bytes(b"this is not SQLite\n" * 100)
    return root


def _no_database(root: Path) -> Path:
    (root / "storage").mkdir(parents=True)
    return root


@pytest.mark.parametrize("make, reason", [
    (lambda root: root / "nowhere", "no such directory"),
    (_no_database, "no zotero.sqlite in this directory"),
    (_not_a_database, "zotero.sqlite is not a readable SQLite database"),
    (_old_schema, "Zotero userdata schema version 60 is older than Zotero 5"),
    (_future_schema_without_a_column, "Zotero userdata schema version 140 is not one kb can read "
                                      "(checked 80–129): missing items.clientDateModified"),
])
def test_a_bad_library_is_one_error_line_and_other_input_still_goes_in(tmp_path, make, reason):
    where = make(tmp_path / "Zotero")
    note = tmp_path / "note.md"
    note.write_text("# Note\n\nCooperation between small firms lowers the cost of equipment.\n", encoding="utf-8")
    kb = tmp_path / "kb"
    result = ingest(kb, str(note), "--zotero", str(where))
    assert result.exit_code == 1
    (line,) = errors(result)
    assert line.startswith(f"error: {where}: {reason}")
    assert "1 file(s) ingested" in result.stdout and len(papers(kb)) == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_an_unreadable_database_is_one_error_line(tmp_path):
    z = ZoteroDir(tmp_path / "Zotero")
    z.db.chmod(0)
    try:
        result = ingest(tmp_path / "kb", "--zotero", str(z.root))
    finally:
        z.db.chmod(0o644)
    assert result.exit_code == 1
    assert errors(result) == [f"error: {z.root}: cannot read zotero.sqlite: permission denied"]


BIB = r"""
@article{ilkevich2020,
  title = {Framework guidelines for {SME} export},
  author = {Ilkevich, Sergey Viktorovich and M{\"u}ller, Hans},
  editor = {Petrov, Petr},
  journal = {Economics and Entrepreneurship},
  volume = {15}, number = {3}, pages = {173--177}, year = {2020},
  doi = {10.14451/1.242.173}, langid = {russian},
  keywords = {export, guidelines},
  file = {Full Text:files/12/paper.pdf:application/pdf}
}

@inproceedings{zhou2025,
  title = {Smart cooperation in small and medium businesses},
  author = {Zhou, Xinghong and Aliakseyeva, A.},
  booktitle = {Proceedings of the 58th VSTU conference},
  year = {2025},
  groups = {Reading},
  keywords = {cooperation},
  file = {Full Text PDF:files/13/smart paper.pdf:application/pdf;Snapshot:files/13/page.html:text/html}
}

@book{nofile, title = {A book without a file}}

@article{gone2021, title = {Lost}, file = {:files/99/missing.pdf:PDF}}
"""


def test_bibtex_export_with_file_fields(tmp_path, pdfs):
    (tmp_path / "files" / "12").mkdir(parents=True)
    (tmp_path / "files" / "13").mkdir()
    (tmp_path / "files" / "12" / "paper.pdf").write_bytes(pdfs["journal"].read_bytes())
    (tmp_path / "files" / "13" / "smart paper.pdf").write_bytes(pdfs["smart"].read_bytes())
    bib = tmp_path / "refs.bib"
    bib.write_text(BIB, encoding="utf-8")
    kb = tmp_path / "kb"
    result = ingest(kb, "--bib", str(bib))
    assert result.exit_code == 1
    assert errors(result) == ['error: refs.bib entry gone2021 "Lost": the PDF attachment files/99/missing.pdf is '
                              "missing"]
    found = by_title(kb)
    a = found["Framework guidelines for SME export"]
    assert a["authors"] == ["Ilkevich S. V.", "Müller H."] and a["year"] == 2020 and a["lang"] == "ru"
    assert (a["venue"]["container"], a["venue"]["issue"], a["page_range"]) == ("Economics and Entrepreneurship",
                                                                              "3", "173–177")
    assert a["item"]["type"] == "article" and a["item"]["editors"] == [{"family": "Petrov", "given": "Petr"}]
    assert a["tags"] == ["export", "guidelines"]
    b = found[SMART_TITLE]
    assert b["collections"] == ["Reading"] and b["tags"] == ["cooperation"]
    assert search_papers(kb, "предприятий cooperation businesses", "--tag", "cooperation") == {b["id"]}
    again = ingest(kb, "--bib", str(bib))
    assert "0 file(s) ingested, 2 unchanged, 1 failed" in again.stdout
    bib.write_text(BIB.replace("Framework guidelines for {SME} export", "Export guidelines"), encoding="utf-8")
    changed = ingest(kb, "--bib", str(bib))
    assert "0 file(s) ingested, 1 unchanged, 1 updated from their source, 1 failed" in changed.stdout
    assert "Export guidelines" in by_title(kb)


def test_csl_json_export_with_files(tmp_path, pdfs):
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "smart.pdf").write_bytes(pdfs["smart"].read_bytes())
    export = tmp_path / "export.json"
    export.write_text(json.dumps([{
        "id": "zhou2025", "type": "paper-conference", "title": SMART_TITLE,
        "author": [{"family": "Zhou", "given": "Xinghong"}, {"literal": "VSTU Team"}],
        "container-title": "Proceedings of the 58th VSTU conference", "issued": {"date-parts": [[2025, 4]]},
        "language": "en", "keyword": "cooperation, SME", "file": "pdf/smart.pdf"}]), encoding="utf-8")
    kb = tmp_path / "kb"
    result = ingest(kb, "--bib", str(export))
    assert result.exit_code == 0, result.output
    (paper,) = papers(kb)
    assert paper["title"] == SMART_TITLE and paper["authors"] == ["Zhou X.", "VSTU Team"]
    assert paper["item"]["type"] == "paper-conference" and paper["tags"] == ["SME", "cooperation"]


@pytest.mark.parametrize("field, paths", [
    ("Full Text:files/12/paper.pdf:application/pdf", ["files/12/paper.pdf"]),
    ("Full Text PDF:/home/u/a.pdf:application/pdf;Snapshot:files/3/x.html:text/html", ["/home/u/a.pdf",
                                                                                          "files/3/x.html"]),
    (r"C\:\\Users\\me\\a.pdf", ["C:\\Users\\me\\a.pdf"]),
    (r"Report\: part 1:files/4/r\;1.pdf:application/pdf", ["files/4/r;1.pdf"]),
    (":/abs/only.pdf:PDF", ["/abs/only.pdf"]),
    ("/abs/only.pdf", ["/abs/only.pdf"]),
])
def test_file_fields_as_reference_managers_write_them(field, paths):
    assert bibsource.file_paths(field) == paths


def test_field_values():
    assert [items.language_code(x) for x in ("en-US", "English", "русский", "ru", "klingon", None)] == \
        ["en", "en", "ru", "ru", None, None]
    assert [items.year_of(x) for x in ("2020-03-00 March 2020", "2019", "0000-00-00 Spring", None)] == \
        [2020, 2019, None, None]
    assert items.initials("Sergey Viktorovich") == "S. V." and items.initials("Jean-Paul") == "J.-P."
    assert items.doi_of("https://doi.org/10.14451/1.242.173.") == "10.14451/1.242.173"
