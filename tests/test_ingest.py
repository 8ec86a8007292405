"""`kb ingest`, `kb papers`, `kb show`, `kb stats` end to end over rendered and broken PDFs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import cli_json, norm, run_cli

from kb import samples
from kb.cli import cli
from kb.ingest import ocr
from kb.samples import JOURNAL_HEADER, PROCEEDINGS_HEADER

PAPER_KEYS = {"id", "title", "authors", "affiliation", "year", "lang", "udc", "doi", "keywords", "abstract",
              "source", "pages", "fragment", "n_passages"}


run = run_cli


def papers_json(kb_dir: Path) -> list[dict]:
    return cli_json(kb_dir, "papers")


@pytest.fixture(scope="module")
def kb_with_samples(sample_kb):
    return sample_kb


def test_papers_found_with_titles_authors_pages(kb_with_samples, volume, journal):
    papers = papers_json(kb_with_samples)
    assert all(PAPER_KEYS <= set(p) for p in papers)
    truth = [(p, volume) for p in volume.papers] + [(p, journal) for p in journal.papers]
    by_source = {}
    for p in papers:
        by_source.setdefault(Path(p["source"]).name, []).append(p)
    got = by_source["volume.pdf"] + by_source["journal.pdf"]
    assert len(got) == len(truth)
    for found, (expected, rendered) in zip(got, truth, strict=True):
        assert found["fragment"] == expected["fragment"]
        if expected["title"] is None:
            assert found["title"] is None
        else:
            assert norm(found["title"]) == norm(expected["title"])
        assert found["pages"]["first"] == rendered.page_labels[expected["first_page"]]
        assert found["pages"]["last"] == rendered.page_labels[expected["last_page"]]
        assert found["n_passages"] > 0


def test_front_matter_fields(kb_with_samples):
    papers = {p["title"]: p for p in papers_json(kb_with_samples) if p["title"]}
    smart = papers["SMART COOPERATION IN SMALL AND MEDIUM BUSINESSES FOR THE SUSTAINABLE DEVELOPMENT OF A REGION"]
    assert smart["authors"] == ["ZHOU Xinghong", "Aliakseyeva A."]
    assert smart["udc"] == "332.142.2" and smart["lang"] == "en" and smart["year"] == 2025
    assert smart["affiliation"] == "Vitebsk State Technological University, Vitebsk, Belarus"
    assert smart["abstract"].startswith("Smart cooperation plays a vital role")
    assert smart["keywords"][:2] == ["digitalization", "small and medium businesses"]
    finance = papers["НАПРАВЛЕНИЯ АНАЛИЗА ФИНАНСОВОГО СОСТОЯНИЯ ОРГАНИЗАЦИИ"]
    assert finance["authors"] == ["Чеботарёва О. Г.", "Титникова А. С."]
    assert finance["affiliation"].startswith("Витебский государственный технологический университет")
    assert finance["lang"] == "ru" and finance["abstract"] is None and finance["doi"] is None
    article = papers["Рамочные методические рекомендации по выходу на внешние рынки для малых и средних предприятий"]
    assert article["authors"] == ["Илькевич Сергей Викторович"]
    assert article["doi"] == "10.14451/1.242.173" and article["udc"] == "339.94"
    assert article["keywords"][-1] == "экспорт" and len(article["keywords"]) == 10
    assert article["abstract"].startswith("Целью настоящей статьи")
    fragment = [p for p in papers_json(kb_with_samples) if p["fragment"]][0]
    assert fragment["title"] is None and fragment["authors"] == [] and fragment["udc"] is None


def test_passages_are_sized_cited_and_clean(kb_with_samples):
    papers = papers_json(kb_with_samples)
    for paper in papers:
        shown = json.loads(run(kb_with_samples, "show", str(paper["id"]), "--json").output)
        for p in shown["passages"]:
            text = p["text"]
            assert PROCEEDINGS_HEADER not in text and JOURNAL_HEADER not in text
            assert "УО «ВГТУ», 2025" not in text
            assert "Список использованных источников" not in text and "Библиографический список" not in text
            assert p["section"] in ("abstract", "body")
            assert p["lang"] in ("ru", "en")
        sizes = [len(p["text"].split()) for p in shown["passages"]]
        assert max(sizes) <= 300
        if sum(sizes) > 200:
            assert sorted(sizes)[len(sizes) // 2] >= 60
        kinds = [s["kind"] for s in shown["sections"]]
        if paper["title"] and paper["title"].startswith(("SMART", "Рамочные")):
            assert kinds[-1] == "references"


def test_reingest_is_idempotent_and_force_redoes(tmp_path, volume):
    pdf = tmp_path / "v.pdf"
    shutil.copy(volume.path, pdf)
    kb_dir = tmp_path / "kb"
    first = run(kb_dir, "ingest", str(pdf))
    assert "1 file(s) ingested" in first.output
    before = papers_json(kb_dir)
    again = run(kb_dir, "ingest", str(pdf))
    assert "0 file(s) ingested, 1 unchanged" in again.output
    assert papers_json(kb_dir) == before
    forced = run(kb_dir, "ingest", "--force", str(pdf))
    assert "1 file(s) ingested" in forced.output
    assert [p["title"] for p in papers_json(kb_dir)] == [p["title"] for p in before]


def test_changed_file_replaces_its_records(tmp_path, seeds):
    pdf = tmp_path / "paper.pdf"
    kb_dir = tmp_path / "kb"
    samples.render_proceedings(seeds["000"], pdf)
    run(kb_dir, "ingest", str(pdf))
    titles_before = {p["title"] for p in papers_json(kb_dir)}
    samples.render_proceedings(seeds["001"], pdf)
    result = run(kb_dir, "ingest", str(pdf))
    assert "1 file(s) ingested" in result.output
    titles_after = {p["title"] for p in papers_json(kb_dir)}
    assert titles_after.isdisjoint(titles_before - {None})
    stats = json.loads(run(kb_dir, "stats", "--json").output)
    assert stats["files"] == 1


def test_bad_files_get_one_line_each_and_the_rest_goes_in(tmp_path, volume, journal):
    kb_dir = tmp_path / "kb"
    good = tmp_path / "good"
    good.mkdir()
    shutil.copy(journal.path, good / "journal.pdf")
    assert run(kb_dir, "ingest", str(good)).exit_code == 0
    before = papers_json(kb_dir)

    bad = tmp_path / "batch"
    bad.mkdir()
    shutil.copy(volume.path, bad / "volume.pdf")
    samples.encrypt_pdf(volume.path, bad / "encrypted.pdf")
    samples.truncate_pdf(volume.path, bad / "truncated.pdf")
    (bad / "empty.pdf").write_bytes(b"")
    (bad / "fake.pdf").write_text("this is not a PDF at all\n")
    result = CliRunner().invoke(cli, ["--kb-dir", str(kb_dir), "ingest", str(bad), str(tmp_path / "missing.pdf")])
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ln.startswith("error:")]
    assert len(errors) == 5
    reasons = {Path(ln.split(":")[1].strip()).name: ln for ln in errors}
    assert "encrypted" in reasons["encrypted.pdf"] and "password" in reasons["encrypted.pdf"]
    assert "truncated" in reasons["truncated.pdf"]
    assert "empty" in reasons["empty.pdf"]
    assert "not a PDF" in reasons["fake.pdf"]
    assert "no such file" in reasons["missing.pdf"]
    after = papers_json(kb_dir)
    assert [p for p in after if p["source"].endswith("journal.pdf")] == before
    assert any(p["source"].endswith("volume.pdf") for p in after)


def test_image_only_pdf_is_ocred_or_explained(tmp_path, volume, monkeypatch):
    scan = samples.render_image_only(volume.path, tmp_path / "scan.pdf", pages=[1], dpi=200)
    kb_dir = tmp_path / "kb"
    if ocr.available():
        result = run(kb_dir, "ingest", str(scan))
        assert result.exit_code == 0, result.output
        text = " ".join(s["text"] for p in papers_json(kb_dir)
                        for s in json.loads(run(kb_dir, "show", str(p["id"]), "--json").output)["sections"])
        assert "cooperation" in text.lower()
        assert json.loads(run(kb_dir, "stats", "--json").output)["ocr_pages"] == 1
    monkeypatch.setattr(ocr, "tessdata_dir", lambda: None)
    result = CliRunner().invoke(cli, ["--kb-dir", str(tmp_path / "kb2"), "ingest", str(scan)])
    assert result.exit_code == 1
    assert "tesseract-ocr-rus" in result.output and "scan.pdf" in result.output


def test_text_and_markdown_files(tmp_path):
    (tmp_path / "notes.md").write_text("# Заметки\n\nМалые предприятия внедряют цифровые техно-\nлогии медленно.\n",
                                       encoding="utf-8")
    kb_dir = tmp_path / "kb"
    assert run(kb_dir, "ingest", str(tmp_path / "notes.md")).exit_code == 0
    paper = papers_json(kb_dir)[0]
    shown = json.loads(run(kb_dir, "show", str(paper["id"]), "--json").output)
    assert "цифровые технологии медленно" in shown["passages"][0]["text"]


def test_missing_kb_dir_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["--kb-dir", str(tmp_path / "nothing"), "papers"])
    assert result.exit_code == 1 and "no knowledge base" in result.output


@pytest.mark.real
def test_every_real_pdf_yields_text_and_papers(tmp_path, real_pdfs):
    from kb.errors import IngestError
    from kb.ingest.pipeline import process

    failures = {}
    for pdf in real_pdfs:
        try:
            result = process(pdf, use_ocr=ocr.available())
        except IngestError as exc:
            failures[pdf.name] = str(exc)
            continue
        words = sum(len(p.text.split()) for paper, passages in result.papers for p in passages)
        assert result.papers, pdf.name
        assert words > 200, pdf.name
    assert set(failures) == {"hard_encrypted_aes128_needs_password.pdf"}, failures
    assert "password" in failures["hard_encrypted_aes128_needs_password.pdf"]
