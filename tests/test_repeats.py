"""One text once in a result list: a scan of a paper already in the knowledge base folds into it."""

from __future__ import annotations

import shutil

import pymupdf
import pytest
from conftest import cli_json, run_cli

from kb.search import repeats

TEXT = ("Small and medium enterprises adopt digital technologies more slowly than large firms, "
        "mostly for lack of finance, of skilled staff and of access to infrastructure.")


def test_copies_in_other_files_fold_into_the_best_ranked():
    scan_piece = TEXT[:110] + " smal1 and rnedium"  # an OCR slip and another chunk boundary
    other = "Cooperation between firms shares the cost of expensive equipment and of training staff."
    texts = {1: (TEXT, 10), 2: (other, 10), 3: (scan_piece, 20), 4: (TEXT, 10)}
    assert repeats.fold([3, 2, 1, 4], texts, k=5) == [(3, [1]), (2, []), (4, [])]  # 1 and 4: one file
    assert repeats.fold([3, 2, 1, 4], texts, k=5, ocr={3}) == [(3, [1]), (2, []), (4, [])]
    pieces = {1: (TEXT, 10), 5: (TEXT[:90], 20), 6: (TEXT[60:], 20)}  # one passage, two OCRed pieces
    assert repeats.fold([5, 6, 1], pieces, k=5, ocr={5, 6}) == [(5, [6, 1])]
    assert repeats.fold([1, 4, 2], texts, k=5) == [(1, []), (4, []), (2, [])]  # within one file: its own text
    assert repeats.fold([3, 1, 2], texts, k=1) == [(3, [1])]


def test_a_fragment_is_never_a_copy():
    texts = {1: ("P s t", 1), 2: (TEXT + " P s t", 2)}
    assert repeats.fold([1, 2], texts, k=5) == [(1, []), (2, [])]


def test_born_digital_text_is_shown_in_place_of_ocr():
    assert repeats.best_copy(3, [1, 5], ocr={3}) == (1, [3, 5])
    assert repeats.best_copy(1, [3], ocr={3}) == (1, [3])


@pytest.fixture(scope="module")
def kb_with_a_scan(tmp_path_factory, volume, journal):
    """The sample knowledge base plus an image-only copy of the journal article (OCRed at ingest)."""
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")
    folder = tmp_path_factory.mktemp("scan_in")
    shutil.copy(volume.path, folder / "volume.pdf")
    shutil.copy(journal.path, folder / "journal.pdf")
    src, scan = pymupdf.open(journal.path), pymupdf.open()
    for page in src:
        image = scan.new_page(width=page.rect.width, height=page.rect.height)
        image.insert_image(image.rect, pixmap=page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY))
    scan.save(folder / "journal_scan.pdf")
    kb = tmp_path_factory.mktemp("kb_scan")
    result = run_cli(kb, "ingest", str(folder))
    assert result.exit_code == 0, result.output
    return kb


@pytest.mark.parametrize("query", ["выход на зарубежные рынки стратегии экспорта", "платформа «Мой экспорт» для экспортеров",
                                   "Мой экспорт", "рамочные методические рекомендации"])
def test_search_never_shows_one_text_twice(kb_with_a_scan, query):
    hits = cli_json(kb_with_a_scan, "search", query, "-k", "10")
    shown = [repeats.shingles(h["text"]) for h in hits]
    for i, a in enumerate(shown):
        assert all(repeats.containment(a, b) < repeats.CONTAINMENT for b in shown[:i]), query
    folded = [a for h in hits for a in h["also"]]
    assert folded and all(a["source"].endswith("journal_scan.pdf") for a in folded)
    assert not any(h["source"].endswith("journal_scan.pdf") for h in hits if h["also"])  # born-digital shown
