"""Fast checks of the sample-PDF renderer (kb.samples) over the seed texts."""

from __future__ import annotations

import re

import pymupdf
import pytest

from kb import samples


@pytest.fixture(scope="module")
def seeds():
    path = samples.seeds_dir()
    if path is None:
        pytest.skip("seeds directory ../shared/seeds not found")
    return {f.name[:3]: samples.parse_seed(f.read_text(encoding="utf-8")) for f in sorted(path.glob("*.txt"))}


@pytest.fixture(scope="module")
def proceedings(seeds, tmp_path_factory):
    return samples.render_proceedings(seeds["000"], tmp_path_factory.mktemp("pdf") / "p143.pdf")


@pytest.fixture(scope="module")
def journal(seeds, tmp_path_factory):
    return samples.render_two_column(seeds["002"], tmp_path_factory.mktemp("pdf") / "j173.pdf")


def _kinds(paper):
    return [b.kind for b in paper.blocks]


def test_seed_000_fragment_then_english_paper(seeds):
    frag, paper = seeds["000"]
    assert frag.title is None and frag.blocks[0].kind == "para"
    assert _kinds(frag).count("ref") == 10 and frag.blocks[-1].text.startswith("10.")
    assert paper.title.startswith("SMART COOPERATION IN SMALL")
    assert paper.authors_line.startswith("ZHOU Xinghong")
    assert _kinds(paper)[:6] == ["udc", "title", "authors", "affiliation", "abstract", "keywords"]
    assert paper.blocks[5].text.startswith("Keywords: digitalization")
    assert _kinds(paper).count("ref") == 2
    text = " ".join(b.text for p in seeds["000"] for b in p.blocks)
    assert not re.search(r"##|\\|<u>|\*\*|УО «ВГТУ»", text)
    assert "public_brochures/index_135050/" in text
    assert "and ongoing support" in text  # paragraph split by a page break is joined


def test_seed_001_three_papers_last_cut_off(seeds):
    papers = seeds["001"]
    assert [p.title for p in papers] == [
        None,
        "DIGITALIZATION IN SMALL AND MEDIUM BUSINESSES BASED ON SMART COOPERATION: FEATURES, PROBLEMS AND PROSPECTS",
        "НАПРАВЛЕНИЯ АНАЛИЗА ФИНАНСОВОГО СОСТОЯНИЯ ОРГАНИЗАЦИИ",
    ]
    text = papers[0].blocks[2].text
    assert "β = 0.38" in text and "R² = 0.79" in text and "$" not in text
    last = papers[2]
    assert last.authors_line.endswith("студ.")
    assert last.blocks[3].kind == "affiliation" and last.blocks[3].text.startswith("Витебский")


def test_seed_002_journal_article(seeds):
    (paper,) = seeds["002"]
    assert paper.title.startswith("Рамочные методические рекомендации")
    kinds = _kinds(paper)
    assert kinds[:8] == [
        "udc",
        "title",
        "authors",
        "position",
        "affiliation",
        "email",
        "keywords",
        "abstract",
    ]
    refs = [b.text for b in paper.blocks if b.kind == "ref"]
    assert [r.split(".")[0] for r in refs] == [str(i) for i in range(1, 25)]
    assert "Vol. 26, issue 6" in refs[8]
    assert "10.1016/S1075-4253(02)00070-4" in refs[22] and "10.1007/978-3-031-43785-4_7" in refs[5]
    body = " ".join(b.text for b in paper.blocks)
    assert "малых и средних компаний" in body and "экосистемном доступе" in body
    assert "научно-практического" in body
    assert kinds.count("caption") == 1


def test_proceedings_labels_and_papers(proceedings):
    assert proceedings.page_labels[0] == "143"
    assert proceedings.page_labels == [str(143 + i) for i in range(len(proceedings.page_labels))]
    frag, paper = proceedings.papers
    assert frag["fragment"] and frag["first_page"] == 0
    assert not paper["fragment"] and paper["last_page"] == len(proceedings.page_labels) - 1
    doc = pymupdf.open(proceedings.path)
    assert doc.page_count == len(proceedings.page_labels)
    assert not doc.metadata.get("title")


@pytest.mark.parametrize("which", ["proceedings", "journal"])
def test_words_round_trip_on_ground_truth_pages(which, request):
    pdf = request.getfixturevalue(which)
    doc = pymupdf.open(pdf.path)
    texts = [page.get_text() for page in doc]
    for ln in pdf.lines:
        for word in ln.text.split():
            assert word in texts[ln.page], (ln.page, word)
    rebuilt = pdf.block_segments()
    for pi, bi, text, pages in pdf.block_pages:
        assert rebuilt[(pi, bi)][0] == text
        assert pages and all(0 <= p < doc.page_count for p in pages)


@pytest.mark.parametrize("which", ["proceedings", "journal"])
def test_header_footer_zones(which, request):
    pdf = request.getfixturevalue(which)
    doc = pymupdf.open(pdf.path)
    for i, page in enumerate(doc):
        h = page.rect.height
        top = [b[4] for b in page.get_text("blocks") if b[3] < 0.07 * h]
        bottom = [b[4] for b in page.get_text("blocks") if b[1] > 0.93 * h]
        assert len(top) == 1 and ("деятельность" in top[0] or "конференции" in top[0])
        assert pdf.page_labels[i] in " ".join(bottom)
        for b in page.get_text("blocks"):
            assert b[3] < 0.07 * h or b[1] > 0.93 * h or 0.07 * h < b[1] < b[3] < 0.93 * h
    assert all(0.07 * 842 < ln.bbox[1] and ln.bbox[3] < 0.93 * 842 for ln in pdf.lines)


def test_hyphenation_recorded(proceedings, journal):
    for pdf in (proceedings, journal):
        assert len(pdf.hyphenated) >= 10
        texts = [page.get_text() for page in pymupdf.open(pdf.path)]
        for (left, right), real in zip(pdf.hyphenated, pdf.hyphen_real, strict=True):
            assert left.endswith("-")
            joined = left + right if real else left[:-1] + right
            assert pdf.page_of(joined), joined
            assert any(left in text for text in texts)
    assert any(journal.hyphen_real)


def test_page_of(journal):
    assert journal.page_of("Введение") == [0]
    assert journal.page_of("Библиографический список")
    assert journal.page_of("Zhang W. How SMEs Develop International Markets") == [
        len(journal.page_labels) - 1
    ]
    assert journal.page_of("no such text anywhere") == []


def test_two_column_layout(journal):
    doc = pymupdf.open(journal.path)
    assert doc.metadata["title"].startswith("Рамочные методические")
    assert [p.get_label() for p in doc] == journal.page_labels and journal.page_labels[0] == "173"
    second = [ln for ln in journal.lines if ln.page == 1]
    assert any(ln.bbox[2] < 297 for ln in second) and any(ln.bbox[0] > 297 for ln in second)


def test_broken_variants(proceedings, tmp_path):
    enc = samples.encrypt_pdf(proceedings.path, tmp_path / "enc.pdf")
    assert pymupdf.open(enc).needs_pass
    cut = samples.truncate_pdf(proceedings.path, tmp_path / "cut.pdf", fraction=0.5)
    assert cut.stat().st_size < proceedings.path.stat().st_size
    img = samples.render_image_only(proceedings.path, tmp_path / "img.pdf", pages=[0], dpi=50)
    doc = pymupdf.open(img)
    assert doc.page_count == 1 and doc[0].get_text().strip() == ""
    assert doc[0].get_images()
