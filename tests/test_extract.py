"""Extraction against the renderer's ground truth: reading order, pages, margins, hyphens."""

from __future__ import annotations

import re

import pytest
from conftest import norm

from kb.ingest.extract import extract
from kb.ingest.text import Lexicon, clean_line, fix_mojibake, join_hyphenated, join_lines, split_sentences
from kb.samples import JOURNAL_HEADER, PROCEEDINGS_HEADER


def _full_text(doc) -> str:
    return norm(" ".join(p.text for p in doc.paragraphs))


@pytest.fixture(scope="module")
def volume_doc(volume):
    return extract(volume.path)


@pytest.fixture(scope="module")
def journal_doc(journal):
    return extract(journal.path)


@pytest.mark.parametrize("which", ["volume", "journal"])
def test_every_block_comes_back_whole_and_in_order(which, request):
    """Each rendered paragraph reappears verbatim: reading order, de-hyphenation, no leaks."""
    rendered = request.getfixturevalue(which)
    doc = request.getfixturevalue(f"{which}_doc")
    full = _full_text(doc)
    position = 0
    missing = []
    for _pi, _bi, text, pages in rendered.block_pages:
        if not pages:
            continue
        block = norm(text)
        found = full.find(block, position)
        if found < 0:
            missing.append(block[:80])
        else:
            position = found + len(block)
    assert not missing, f"{len(missing)} blocks not found in order, e.g. {missing[:3]}"


def test_two_column_order_is_column_by_column(journal, journal_doc):
    """The first words of the right column follow the last words of the left one, not the line beside."""
    full = _full_text(journal_doc)
    page0 = [ln for ln in journal.lines if ln.page == 0 and ln.bbox[0] > 290]
    first_right = page0[0].text
    left = [ln for ln in journal.lines if ln.page == 0 and ln.bbox[2] < 300 and ln.bbox[1] > page0[0].bbox[1] - 5]
    last_left = left[-1].text
    start_right = full.find(norm(first_right).rstrip("-")[:25])
    end_left = full.find(norm(last_left).rstrip("-")[:25])
    assert 0 < end_left < start_right


def test_running_headers_and_footers_do_not_leak(volume_doc, journal_doc):
    for doc in (volume_doc, journal_doc):
        text = _full_text(doc)
        assert PROCEEDINGS_HEADER not in text and JOURNAL_HEADER not in text
        assert "УО «ВГТУ», 2025" not in text
        assert PROCEEDINGS_HEADER in doc.margin_texts or JOURNAL_HEADER in doc.margin_texts


def test_page_labels_from_footer_and_from_pdf(volume, volume_doc, journal, journal_doc,
                                              journal_no_labels):
    assert volume_doc.page_labels == volume.page_labels and volume_doc.page_labels[0] == "143"
    assert journal_doc.page_labels == journal.page_labels and journal_doc.page_labels[0] == "173"
    assert extract(journal_no_labels.path).page_labels == journal.page_labels


@pytest.mark.parametrize("which", ["volume", "journal"])
def test_every_sentence_knows_its_page(which, request):
    rendered = request.getfixturevalue(which)
    doc = request.getfixturevalue(f"{which}_doc")
    checked = wrong = 0
    for para in doc.paragraphs:
        for start, end in split_sentences(para.text):
            sentence = para.text[start:end]
            if len(sentence) < 40:
                continue
            truth = rendered.page_of(sentence[:60])
            if not truth:
                continue
            checked += 1
            first, _ = para.pages_of(start, end)
            if first not in truth:  # a sentence printed twice (an author line) has two pages
                wrong += 1
    assert checked > 30
    assert wrong == 0, f"{wrong} of {checked} sentences got the wrong page"


def test_hyphenated_line_ends_are_rejoined(volume, journal, volume_doc, journal_doc):
    for rendered, doc in ((volume, volume_doc), (journal, journal_doc)):
        full = _full_text(doc)
        assert len(rendered.hyphenated) > 10
        for (left, right), real in zip(rendered.hyphenated, rendered.hyphen_real, strict=True):
            word = re.match(r"[^\W\d_]*", right).group(0)
            if real:
                assert f"{left}{word}" in full, (left, right)
            else:
                assert f"{left[:-1]}{word}" in full, (left, right)
                assert f"{left} {word}" not in full


def test_known_words_and_real_hyphens(journal_doc, volume_doc):
    text = _full_text(journal_doc) + _full_text(volume_doc)
    for word in ("Equipment-as-a-Service", "научно-практического", "методического", "средних компаний"):
        assert word in text


def test_unicode_cleanup_keeps_typography():
    assert clean_line("e\ufb03cient\u00a0work\u00ad") == "efficient work\u00ad"
    assert clean_line("«Мой экспорт» — 2–3 года, № 3") == "«Мой экспорт» — 2–3 года, № 3"
    assert clean_line("И\u0306") == "Й"


def test_hyphen_rules_without_evidence():
    empty = Lexicon()
    assert join_hyphenated("ме", "тодического", empty)
    assert not join_hyphenated("научно", "практический", empty)
    assert not join_hyphenated("Equipment", "as-a-Service", empty)
    assert not join_hyphenated("Санкт", "Петербург", empty)
    assert join_hyphenated("ме", "тод", Lexicon(["метод"]))
    assert not join_hyphenated("co", "operation", Lexicon(["co-operation", "co-operation"]))


def test_mojibake_is_repaired():
    assert fix_mojibake("Àííîòàöèÿ") == "Аннотация"


def test_sentences_respect_abbreviations():
    text = "Оценка (т. е. анализ) по Иванову И. И. важна [2]. Далее идёт пример. Li et al. (2023) agree."
    spans = [text[s:e] for s, e in split_sentences(text)]
    assert spans == ["Оценка (т. е. анализ) по Иванову И. И. важна [2].", "Далее идёт пример.",
                     "Li et al. (2023) agree."]


def test_a_url_broken_before_its_hyphen_is_joined_without_a_space():
    lines = ["URL: https://www2.deloitte.com/content/energy", "-resources/x.pdf (visited)"]
    assert join_lines(lines, Lexicon(lines))[0] == "URL: https://www2.deloitte.com/content/energy-resources/x.pdf (visited)"
    lines = ["see http://example.org", "- the site"]
    assert join_lines(lines, Lexicon(lines))[0] == "see http://example.org - the site"


def test_a_url_that_ends_a_line_before_the_next_entry_label_keeps_its_space():
    lines = ["1. Duckietown [Электронный ресурс] URL: http://duckietown.org/", "2. Официальный сайт ROS"]
    assert join_lines(lines, Lexicon(lines))[0] == \
        "1. Duckietown [Электронный ресурс] URL: http://duckietown.org/ 2. Официальный сайт ROS"


def _two_column_page_with_byline_beside_title() -> list:
    """Two columns of a list above; below, authors in the left column beside a bold title that
    crosses the gutter, then a full-width affiliation line."""
    from kb.ingest.model import Line
    lines = []
    for k in range(8):  # the columns of the list above
        y = 80 + 12 * k
        lines.append(Line(f"{k + 1}. Left entry words of line number {k}", 57, y, 293, y + 10, 10.0))
        lines.append(Line(f"{k + 9}. Right entry words of line number {k}", 305, y, 541, y + 10, 10.0))
    lines += [Line("В.В. Івчук,", 57, 585, 115, 598, 12.0, True),
              Line("ХАРАКТЕРИСТИКА КЛІТИННОГО СКЛАДУ", 225, 586, 532, 601, 14.0, True),
              Line("Т.Ю. Коптєва,", 57, 599, 138, 612, 12.0, True),
              Line("МОКРОТИННЯ ХВОРИХ НА ХРОНІЧНЕ", 225, 602, 505, 617, 14.0, True),
              Line("Т.А. Ковальчук", 57, 612, 139, 626, 12.0, True),
              Line("ОБСТРУКТИВНЕ ЗАХВОРЮВАННЯ ЛЕГЕНЬ", 225, 618, 535, 633, 14.0, True),
              Line("ДУ «Український науково-дослідний інститут промислової медицини»", 57, 655, 422, 666, 10.0)]
    return lines


def test_a_title_set_beside_its_authors_is_read_in_one_piece():
    from kb.ingest.extract import order_lines
    texts = [ln.text for ln in order_lines(_two_column_page_with_byline_beside_title())]
    title = [t for t in texts if t.isupper() and len(t) > 20]
    at = texts.index(title[0])
    assert texts[at:at + 3] == title, texts  # the title's three lines follow one another
    assert texts.index("Т.А. Ковальчук") < at or texts.index("Т.А. Ковальчук") > at + 2
    assert texts.index("16. Right entry words of line number 7") < texts.index("В.В. Івчук,")  # the list comes first
    assert texts[-1].startswith("ДУ «")


def test_a_footer_at_the_same_place_on_most_pages_is_running_matter_even_close_to_the_text():
    from kb.ingest.extract import split_margins
    from kb.ingest.model import Line
    pages = []
    for k in range(6):
        words = ["alpha", "beta", "gamma", "delta", "sigma", "omega"]
        body = [Line(f"{words[(j + k) % 6]} text {words[(j * k) % 6]} of the body, line {j}", 60, 100 + 12 * j, 500,
                     110 + 12 * j, 10.0, page=k) for j in range(55)]  # the last line ends at y 758
        footer = Line("ISSN 2410-681X. Медична та клінічна хімія. 2019. Т. 21. № 2", 246 if k % 2 else 100, 766,
                      480, 776, 10.0, page=k)
        pages.append([*body, footer, Line(str(61 + k), 60 if k % 2 else 520, 766, 72, 776, 10.0, page=k)])
    kept, margins, numbers = split_margins(pages, [842.0] * 6)
    assert all(not any("ISSN" in ln.text for ln in page) for page in kept)
    assert [m["text"] for m in margins[0]][0].startswith("ISSN")
    assert 61 in numbers[0]  # the page number beside it is read as the printed page
