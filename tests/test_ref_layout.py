"""Reference lists found and split on real layouts, end to end from the PDF.

The PDFs are built here with PyMuPDF, one layout feature each: list numbers that are separate
text in a margin or alone on their line, hanging and first-line indents, two columns in a small
type, a list broken by a page footer, a second (transliterated) list after the first, author notes
and the next paper after a list. The typeset fixtures (XeLaTeX and LibreOffice Writer) must give
every entry of their ground truth, list by list.
"""

from __future__ import annotations

import json
from pathlib import Path

import pymupdf
import pytest

from kb.ingest.extract import extract
from kb.ingest.pipeline import process
from kb.ingest.segment import split_papers
from kb.refs import citations
from kb.refs.split import section_entries, split_entries

FIXTURES = Path(__file__).parent / "fixtures" / "typeset"
FONT = {"r": pymupdf.Font("tiro"), "b": pymupdf.Font("tibo")}
A4 = (595, 842)

RU = [
    "Морозова И. В. Трудовые ресурсы как фактор экономического роста: современные подходы к оценке "
    "и управлению // Экономика и управление. 2021. № 4. С. 45–52.",
    "Иванова А. С., Петров К. Л. Демографические изменения и их влияние на рынок труда региона // "
    "Национальный журнал социально-экономических исследований. 2022. № 3. С. 78–85.",
    "Сидоренко М. П. Квалификация рабочей силы в условиях цифровой трансформации. М.: Наука, 2020. 240 с.",
    "Ковалев А. Н. Стратегии повышения эффективности использования трудовых ресурсов в условиях "
    "устойчивого развития // Международный научный журнал. 2023. № 7. С. 60–68.",
    "Леонова Т. В. Проблемы мобильности рабочей силы. СПб.: Питер, 2019. 312 с.",
    "Национальный статистический комитет Республики Беларусь. Режим доступа: "
    "https://www.belstat.gov.by/ofitsialnaya-statistika/ (дата обращения: 01.03.2025).",
]
TRANSLIT = [
    "Morozova I. V. Trudovye resursy kak faktor ekonomicheskogo rosta: sovremennye podkhody k otsenke "
    "i upravleniyu [Labour resources as a factor of economic growth]. Ekonomika i upravlenie, 2021, no. 4, pp. 45–52.",
    "Ivanova A. S., Petrov K. L. Demograficheskie izmeneniya i ikh vliyanie na rynok truda regiona "
    "[Demographic change and the regional labour market]. Natsional'nyi zhurnal, 2022, no. 3, pp. 78–85.",
    "Sidorenko M. P. Kvalifikatsiya rabochei sily v usloviyakh tsifrovoi transformatsii. Moscow, Nauka, 2020. 240 p.",
    "Kovalev A. N. Strategii povysheniya effektivnosti ispol'zovaniya trudovykh resursov [Strategies of "
    "labour efficiency]. Mezhdunarodnyi nauchnyi zhurnal, 2023, no. 7, pp. 60–68.",
    "Leonova T. V. Problemy mobil'nosti rabochei sily. Saint Petersburg, Piter, 2019. 312 p.",
    "National Statistical Committee of the Republic of Belarus. Available at: "
    "https://www.belstat.gov.by/ofitsialnaya-statistika/ (accessed 01.03.2025).",
]
APA = [
    "Audretsch, D. B., & Guenther, C. (2023). SME research: SMEs' internationalization and collaborative "
    "innovation as two central topics in the field. Journal of Business Economics, 93, 1213–1229.",
    "Dominguez, N., & Mayrhofer, U. (2017). Internationalization stages of traditional SMEs. "
    "International Business Review, 26(6), 1051–1063.",
    "Gawel, A. (2022). Digitalization and its impact on the internationalization models of SMEs. Springer.",
    "Li, C.-L., & Hsieh, J. (2019). The importance of social capital to the management of multinational "
    "firms: Relational networks among Chinese and American firms. Journal of World Business, 54(2), 110–121.",
    "Safari, A., & Saleh, A. S. (2020). Key determinants of SMEs' export performance: A resource-based view "
    "and contingency theory approach. Journal of Business & Industrial Marketing, 35(4), 635–654.",
    "Zaheer, S. (2002). The liability of foreignness, redux. Journal of International Management, 8(3), 351–358.",
    "Zhang, W. (2024). How SMEs develop international markets. Frontiers in Business, Economics and "
    "Management, 13(2), 10–14.",
]
BODY = ("Малые и средние предприятия внедряют цифровые технологии медленнее крупных компаний. Основные "
        "барьеры связаны с нехваткой финансирования, квалифицированных кадров и доступа к инфраструктуре. ") * 3
BODY_EN = ("Small and medium enterprises adopt digital technologies more slowly than large firms. The main "
           "barriers are the lack of finance, of skilled staff and of access to infrastructure. ") * 3


# --- building PDFs --------------------------------------------------------------------------------

def _wrap(text: str, width: float, size: float, font: str = "r") -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if line and FONT[font].text_length(trial, fontsize=size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


class Sheet:
    """Pages of positioned text, written to a PDF at the end."""

    def __init__(self):
        self.pages: list[list[tuple[float, float, str, float, str]]] = [[]]

    def text(self, x: float, y: float, s: str, size: float = 10, font: str = "r") -> None:
        self.pages[-1].append((x, y, s, size, font))

    def new_page(self) -> None:
        self.pages.append([])

    def save(self, path: Path, footer: str | None = None) -> Path:
        doc = pymupdf.open()
        for n, items in enumerate(self.pages, 1):
            page = doc.new_page(width=A4[0], height=A4[1])
            tw = pymupdf.TextWriter(page.rect)
            for x, y, s, size, font in items:
                tw.append((x, y), s, font=FONT[font], fontsize=size)
            if footer:
                tw.append((57, 815), footer, font=FONT["r"], fontsize=8)
                tw.append((530, 815), str(n + 40), font=FONT["r"], fontsize=8)
            tw.write_text(page)
        doc.save(path)
        return path


class Flow:
    """Text poured into the columns of a Sheet, top to bottom, column after column, onto new pages.

    Positions inside entries and paragraphs are offsets from the current column's left edge, and
    label_x is an offset too (negative: in the margin left of the column)."""

    def __init__(self, sheet: Sheet, x: float = 57, width: float = 481, y: float = 70, bottom: float = 780,
                 columns: list[tuple[float, float]] | None = None, top: float = 70):
        self.sheet, self.y, self.top, self.bottom = sheet, y, top, bottom
        self.columns = columns or [(x, width)]
        self.col = 0

    @property
    def x(self) -> float:
        return self.columns[self.col][0]

    @property
    def width(self) -> float:
        return self.columns[self.col][1]

    def _room(self) -> None:
        if self.y > self.bottom:
            self.col += 1
            if self.col == len(self.columns):
                self.sheet.new_page()
                self.col = 0
            self.y = self.top

    def _line(self, dx: float, s: str, size: float, font: str = "r") -> None:
        self._room()
        self.sheet.text(self.x + dx, self.y, s, size, font)
        self.y += 1.22 * size

    def para(self, text: str, size: float = 10, font: str = "r", indent: float = 20, gap: float = 2) -> None:
        for k, line in enumerate(_wrap(text, self.width - indent, size, font)):
            self._line(indent if k == 0 else 0, line, size, font)
        self.y += gap

    def front(self, title: str = "COOPERATION OF SMALL FIRMS IN A REGION", authors: str = "I. V. Morozova, A. S. Ivanova",
              body: str = BODY_EN) -> None:
        """A paper's opening: title, authors, affiliation, a body paragraph."""
        self.para(title, size=13, font="b", indent=0, gap=6)
        self.para(authors, size=10, indent=0)
        self.para("Vitebsk State Technological University, Vitebsk, Belarus", size=9, indent=0, gap=8)
        self.para(body)

    def heading(self, text: str, size: float = 11) -> None:
        self.y += 4
        self._line(0, text, size, "b")
        self.y += 3

    def entry(self, text: str, *, size: float = 9, label: str | None = None, style: str = "hanging",
              label_x: float = 0, hang: float = 18, label_line: bool = False, gap: float = 0,
              label_size: float | None = None) -> None:
        """One list entry: 'hanging' (first line out, the rest in), 'indent' (first line in, the rest
        at the margin) or 'block'. The label is separate text at label_x, on the first line or,
        with label_line, alone on the line above."""
        first = 0.0 if style in ("hanging", "block") else hang
        rest = hang if style == "hanging" else 0.0
        if label is not None and not label_line:  # the text starts after its label (a tab stop)
            first = max(first, label_x + FONT["r"].text_length(label, fontsize=size) + 0.4 * size)
            if style == "hanging":
                rest = max(rest, first)
        if label is not None and label_line:
            self._line(label_x, label, size)
        for k, line in enumerate(_wrap(text, self.width - max(first, rest) - 4, size)):
            if k == 0 and label is not None and not label_line:
                self._room()
                self.sheet.text(self.x + label_x, self.y, label, label_size or size)
            self._line(first if k == 0 else rest, line, size)
        self.y += gap


def _entries(pdf: Path) -> list[list[str]]:
    papers = split_papers(extract(pdf, use_ocr=False))
    return [[e.raw for e in section_entries(s.paragraphs)] for p in papers for s in p.sections
            if s.kind == "references"]


def _norm(s: str) -> str:
    return " ".join(s.split())


# --- numbers apart from their entries --------------------------------------------------------------

@pytest.mark.parametrize(("label_x", "label_size"), [(20.0, 9.0), (40.0, 9.0), (50.0, 7.0)])
def test_bracket_labels_in_a_margin_are_separate_text(tmp_path, label_x, label_size):
    """IEEE [n] labels in a wide margin, set as their own text (in a smaller type too), the entries beside them."""
    sheet = Sheet()
    flow = Flow(sheet, x=80, width=458)
    flow.front()
    flow.heading("References")
    refs = APA * 2
    for n, ref in enumerate(refs, 1):
        flow.entry(ref, label=f"[{n}]", label_x=label_x - 80, style="block", hang=0, label_size=label_size)
    lists = _entries(sheet.save(tmp_path / "ieee.pdf"))
    assert [len(x) for x in lists] == [len(refs)]
    assert [_norm(e) for e in lists[0]] == [_norm(r) for r in refs]


def test_word_numbers_alone_on_their_line(tmp_path):
    """Word's automatic numbering: '1.' ... '9.' come out as lines of their own above the text."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Список литературы")
    for n, ref in enumerate(RU, 1):
        flow.entry(ref, label=f"{n}.", label_line=True, style="block", hang=0, size=10)
    lists = _entries(sheet.save(tmp_path / "word.pdf"))
    assert [len(x) for x in lists] == [len(RU)]
    assert [_norm(e) for e in lists[0]] == RU


def test_numbers_after_a_tab_in_a_hanging_indent(tmp_path):
    """'1.<tab>Entry' with the continuation lines under the text, the number far from it."""
    sheet = Sheet()
    flow = Flow(sheet, x=57)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Библиографический список")
    for n, ref in enumerate(RU * 2, 1):
        flow.entry(ref, label=f"{n}.", style="hanging", hang=36, size=10)
    lists = _entries(sheet.save(tmp_path / "tab.pdf"))
    assert [len(x) for x in lists] == [12]
    assert [_norm(e) for e in lists[0]] == RU * 2


# --- unnumbered lists: hanging and first-line indents ---------------------------------------------------

def test_unnumbered_hanging_indent_two_columns_small_type_over_a_page(tmp_path):
    """APA entries in 7.5 pt, two columns, hanging indent; first lines that end with a full stop,
    a column break and a page break inside entries, a running footer."""
    sheet = Sheet()
    flow = Flow(sheet, columns=[(57, 230), (308, 230)], bottom=770)
    flow.front()
    for _ in range(3):
        flow.para(BODY_EN, size=10)
    flow.heading("References")
    refs = APA * 8
    for ref in refs:
        flow.entry(ref, size=7.5, style="hanging", hang=12)
    pdf = sheet.save(tmp_path / "apa2col.pdf", footer="Journal of Small Business, 2024, vol. 5")
    assert len(pymupdf.open(pdf)) >= 2
    lists = _entries(pdf)
    assert [len(x) for x in lists] == [len(refs)]
    assert [_norm(e) for e in lists[0]] == [_norm(r) for r in refs]


def test_unnumbered_first_line_indent(tmp_path):
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Литература")
    for ref in RU:
        flow.entry(ref, size=10, style="indent", hang=28)
    lists = _entries(sheet.save(tmp_path / "indent.pdf"))
    assert [_norm(e) for e in lists[0]] == RU


def test_hanging_list_whose_first_lines_end_a_sentence(tmp_path):
    """Short first lines that end with a full stop must not be taken for whole entries."""
    sheet = Sheet()
    flow = Flow(sheet, x=57, width=300)
    flow.front()
    flow.heading("References")
    refs = ["Smith, J. (2020).", "A study of cooperation among small firms. Journal of Economics, 12(3), 45–67."]
    entries = []
    for k in range(5):
        sheet.text(57, flow.y, f"Author{chr(65 + k)}, J. (20{10 + k}).", 9)
        flow.y += 1.22 * 9
        for line in _wrap(refs[1], 280, 9):
            sheet.text(75, flow.y, line, 9)
            flow.y += 1.22 * 9
        entries.append(f"Author{chr(65 + k)}, J. (20{10 + k}). {refs[1]}")
    lists = _entries(sheet.save(tmp_path / "short.pdf"))
    assert [_norm(e) for e in lists[0]] == entries


# --- what follows a list ------------------------------------------------------------------------------

def test_transliterated_list_after_the_russian_one_is_its_own_list(tmp_path):
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Список литературы")
    for n, ref in enumerate(RU, 1):
        flow.entry(f"{ref}", label=f"{n}.", style="indent", hang=20, size=10)
    flow.heading("References")
    for n, ref in enumerate(TRANSLIT, 1):
        flow.entry(ref, label=f"{n}.", style="indent", hang=20, size=10)
    pdf = sheet.save(tmp_path / "two.pdf")
    lists = _entries(pdf)
    assert [len(x) for x in lists] == [6, 6]
    assert [_norm(e) for e in lists[0]] == RU
    assert [_norm(e) for e in lists[1]] == [_norm(t) for t in TRANSLIT]
    refs = process(pdf, use_ocr=False).references[0]
    assert [r.n for r in refs] == [str(n) for n in range(1, 7)] * 2


def test_transliterated_list_after_author_notes(tmp_path):
    """Список литературы, then the authors and their affiliation, then References: both lists, no notes."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Список литературы")
    for ref in RU:
        flow.entry(ref, size=10, style="hanging", hang=20)
    flow.heading("Сведения об авторах")
    flow.para("Морозова Ирина Владимировна, кандидат экономических наук, доцент кафедры экономики, "
              "Витебский государственный технологический университет. E-mail: morozova@vstu.by")
    flow.heading("References")
    for ref in TRANSLIT:
        flow.entry(ref, size=10, style="hanging", hang=20)
    lists = _entries(sheet.save(tmp_path / "notes.pdf"))
    assert [_norm(e) for e in lists[0]] == RU
    assert [_norm(e) for e in lists[1]] == [_norm(t) for t in TRANSLIT]


@pytest.mark.parametrize("numbered", [True, False])
def test_author_notes_and_dates_after_a_list_are_not_entries(tmp_path, numbered):
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Список литературы")
    for n, ref in enumerate(RU, 1):
        flow.entry(ref, size=10, label=f"{n}." if numbered else None,
                   style="indent" if numbered else "hanging", hang=20)
    flow.heading("Сведения об авторах")
    flow.para("Иванова Анна Сергеевна, старший преподаватель кафедры менеджмента, Белорусский "
              "государственный экономический университет, Минск, 2019. E-mail: ivanova@bseu.by")
    flow.para("Петров Кирилл Леонидович, доктор экономических наук, профессор, заведующий кафедрой, "
              "Московский государственный университет, Москва. Область научных интересов: рынок труда.")
    flow.para("Рукопись поступила в редакцию 12.03.2024 г.")
    lists = _entries(sheet.save(tmp_path / "bios.pdf"))
    assert [_norm(e) for e in lists[0]] == RU


def test_author_biographies_after_a_list_without_a_heading_are_not_entries(tmp_path):
    """Magazines and transactions print the authors' biographies straight after the references."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front()
    flow.para(BODY_EN, size=10)
    flow.heading("References")
    for ref in APA:
        flow.entry(ref, size=9, style="hanging", hang=12)
    flow.para("Anna Roe is a professor of management at the University of Leeds. She received a PhD in "
              "economics from the University of Warwick in 2009.", size=9)
    flow.para("Marc P. Dupont (M'05) received the M.Sc. degree from the University of Lyon in 2012 and is now "
              "a research scientist with the Institute of Regional Economics.", size=9)
    lists = _entries(sheet.save(tmp_path / "bios_en.pdf"))
    assert [_norm(e) for e in lists[0]] == [_norm(r) for r in APA]


def test_unnumbered_list_followed_by_the_english_abstract(tmp_path):
    """The English title, abstract and keywords after a list (another size, bold) are not entries."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    flow.heading("Литература")
    for ref in RU:
        flow.entry(ref, size=9, style="hanging", hang=18)
    flow.y += 10
    flow.para("LABOUR RESOURCES AS A FACTOR OF REGIONAL ECONOMIC GROWTH", size=11, font="b", indent=0)
    flow.para("I. V. Morozova, A. S. Ivanova", size=11, indent=0)
    flow.para("Abstract. " + BODY_EN, size=10)
    flow.para("Keywords: labour resources, economic growth, region, digital transformation.", size=10)
    lists = _entries(sheet.save(tmp_path / "abstract.pdf"))
    assert [_norm(e) for e in lists[0]] == RU


def test_list_followed_by_the_next_paper_of_a_volume(tmp_path):
    sheet = Sheet()
    flow = Flow(sheet)
    flow.para("УДК 331.5", indent=0)
    flow.para("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", size=12, font="b", indent=0)
    flow.para("И. В. Морозова", indent=0)
    flow.para(BODY)
    flow.heading("Список литературы")
    for ref in RU[:3]:
        flow.entry(ref, size=9, style="hanging", hang=18)
    flow.y += 12
    flow.para("УДК 004.946", indent=0)
    flow.para("ЦИФРОВЫЕ ПЛАТФОРМЫ МАЛОГО БИЗНЕСА", size=12, font="b", indent=0)
    flow.para("А. С. Иванова", indent=0)
    flow.para(BODY)
    flow.heading("Список литературы")
    for ref in RU[3:]:
        flow.entry(ref, size=9, style="hanging", hang=18)
    lists = _entries(sheet.save(tmp_path / "volume.pdf"))
    assert [[_norm(e) for e in x] for x in lists] == [RU[:3], RU[3:]]


def test_footer_inside_a_numbered_list_over_two_pages(tmp_path):
    """A running footer (journal, page number) between two pages of a list is no part of an entry."""
    sheet = Sheet()
    flow = Flow(sheet, bottom=760)
    flow.front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    for _ in range(4):
        flow.para(BODY)
    flow.heading("Список литературы")
    refs = (RU * 4)[:20]
    for n, ref in enumerate(refs, 1):
        flow.entry(ref, size=10, label=f"{n}.", style="indent", hang=20)
    pdf = sheet.save(tmp_path / "footer.pdf", footer="Вестник экономики, 2024, № 2")
    assert len(pymupdf.open(pdf)) >= 2
    lists = _entries(pdf)
    assert [_norm(e) for e in lists[0]] == refs


def test_two_column_list_under_a_full_width_table(tmp_path):
    """Table rows that straddle the gutter above a two-column list are not read into the list."""
    sheet = Sheet()
    Flow(sheet).front("ТРУДОВЫЕ РЕСУРСЫ РЕГИОНА", "И. В. Морозова, А. С. Иванова", BODY)
    for k in range(8):
        y = 200 + k * 14
        for x, cell in zip((60, 150, 260, 330, 420, 500), (f"Товар {k}", "100 000", "17", "1 700 000", "105 004", "22"),
                           strict=True):
            sheet.text(x, y, cell, 9)
    left = Flow(sheet, x=57, width=230, y=330)
    right = Flow(sheet, x=308, width=230, y=352)
    left.heading("Литература")
    for n, ref in enumerate(RU[:3], 1):
        left.entry(ref, size=9, label=f"{n}.", style="indent", hang=14)
    for n, ref in enumerate(RU[3:], 4):
        right.entry(ref, size=9, label=f"{n}.", style="indent", hang=14)
    lists = _entries(sheet.save(tmp_path / "table.pdf"))
    assert [_norm(e) for e in lists[0]] == RU


def test_heading_in_the_entries_own_font_right_above_them(tmp_path):
    """'References' set in the list's own type, no space and no bold to set it apart, the first entry
    right under it; the paper's DOI and 'Cite this article as: ...' after the last entry."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front()
    flow.para(BODY_EN, size=10)
    flow._line(0, "References", 9)
    for n, ref in enumerate(APA, 1):
        flow.entry(ref, size=9, label=f"{n}.", style="hanging", hang=14)
    flow._line(-8, "doi:10.1186/1472-6963-14-1", 9)
    flow.para("Cite this article as: Morozova and Ivanova: Cooperation of small firms in a region. "
              "Journal of Small Business 2024, 5:12.", size=9, indent=-8)
    lists = _entries(sheet.save(tmp_path / "plain_heading.pdf"))
    assert [[_norm(e) for e in x] for x in lists] == [[_norm(r) for r in APA]]


def test_right_aligned_bare_numbers_beside_two_columns(tmp_path):
    """Numbers without a full stop, right-aligned in the margin of each of two columns (one digit
    starts later than two), the entries' lines all at the column edge; the list turns a column."""
    sheet = Sheet()
    flow = Flow(sheet, columns=[(75, 215), (324, 215)], bottom=700)
    flow.front(body=BODY_EN[:300])
    flow.heading("REFERENCES", size=10)
    refs = APA + RU + APA
    for n, ref in enumerate(refs, 1):
        width = FONT["r"].text_length(str(n), fontsize=7.5)
        flow.entry(ref, size=7.5, label=str(n), style="block", label_x=-8 - width)
    lists = _entries(sheet.save(tmp_path / "bare_numbers.pdf"))
    assert [_norm(e) for e in lists[0]] == [_norm(r) for r in refs]


def test_labels_near_the_top_and_bottom_edge_are_no_page_numbers(tmp_path):
    """A long numbered list over pages with numbered footers: the labels of the entries nearest the
    page edges stand where page numbers stand, but beside their entries."""
    sheet = Sheet()
    flow = Flow(sheet, top=58, bottom=790)
    flow.front()
    flow.heading("References")
    refs = (APA * 6)[:40]
    for n, ref in enumerate(refs, 1):
        flow.entry(ref, size=9, label=f"{n}.", style="block", label_x=-20)
    pdf = sheet.save(tmp_path / "edges.pdf", footer="Journal of Small Business, 2024, vol. 5")
    assert len(pymupdf.open(pdf)) >= 2
    lists = _entries(pdf)
    assert [_norm(e) for e in lists[0]] == [_norm(r) for r in refs]


def test_a_tables_reference_column_is_no_list_heading(tmp_path):
    """'Reference' heading the first column of a table (the studies a review compares) is a cell."""
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front()
    for k, row in enumerate([("Reference", "Year of", "Age group", "Country", "Method"),
                             ("", "publication", "", "", ""),
                             ("Choe YH", "1999", "10-17", "South Korea", "Histology"),
                             ("Chen LH", "2005", "17-72", "China", "UBT"),
                             ("Russo", "2002", "20-40", "Italy", "Serology")]):
        for x, cell in zip((60, 160, 240, 340, 450), row, strict=True):
            if cell:
                sheet.text(x, 240 + 10 * k, cell, 8)
    flow.y = 310
    flow.para(BODY_EN, size=10)
    flow.heading("References")
    for n, ref in enumerate(APA, 1):
        flow.entry(ref, size=9, label=f"{n}.", style="hanging", hang=14)
    lists = _entries(sheet.save(tmp_path / "table_column.pdf"))
    assert [[_norm(e) for e in x] for x in lists] == [[_norm(r) for r in APA]]


# --- the typeset fixtures ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.stem for p in FIXTURES.glob("*.json")))
def test_typeset_fixture_lists_are_found_entry_by_entry(name):
    truth = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    lists = _entries(FIXTURES / truth["pdf"])
    assert [len(x) for x in lists] == [x["entries"] for x in truth.get("reference_lists") or []]
    got = [e for x in lists for e in x]
    # PyMuPDF drops the space of 'No 4' in the XeLaTeX files (see the fixtures' README); nothing else differs
    assert [e.replace("№ ", "№") for e in got] == [r["raw"].replace("№ ", "№") for r in truth["references"]]


# --- text-level rules the layouts rely on ---------------------------------------------------------------

def test_a_number_inside_an_entry_gives_way_to_the_label_that_starts_a_paragraph():
    text = ("1. Баккал И.Ю. Влияние лесных пожаров // Раст. ресурсы. 2000. Т.36, вып. 2. С. 1–13.\n"
            "2. Горшков В.В. Динамика нижних ярусов хвойных лесов. СПб., 2009. С. 73–87.\n"
            "3. Жуйкова И.В. О некоторых особенностях роста // Бот. журн. 1959. Т. 44, №3. С. 322–332.")
    entries = split_entries(text)
    assert [e.n for e in entries] == ["1", "2", "3"]
    assert entries[0].raw.endswith("вып. 2. С. 1–13.")


def test_citation_numbers_link_to_the_first_of_two_lists():
    refs = [{"n": str(n), "authors": [], "year": None, "title": t} for n, t in ((1, "Морозова"), (2, "Иванова"))]
    refs += [{"n": str(n), "authors": [], "year": None, "title": t} for n, t in ((1, "Morozova"), (2, "Ivanova"))]
    linked = citations.link(citations.find_markers("Как показано в [2] и [1]."), refs)
    assert sorted(idx for _, idx in linked) == [0, 1]


def test_last_entry_broken_after_its_title_keeps_its_container_line(tmp_path):
    """A numbered list whose last entry breaks right after the title's full stop: the next line
    ('Frontiers in Business, Economics and Management, 13(2), 10–14.') is still that entry."""
    sheet = Sheet()
    flow = Flow(sheet, columns=[(57, 230), (308, 230)])
    flow.front()
    flow.para(BODY_EN * 2, size=9)
    flow.heading("REFERENCES", size=9)
    for n, ref in enumerate(APA, 1):
        flow.entry(ref, size=8, label=f"[{n}]", style="hanging", hang=18)
    lists = _entries(sheet.save(tmp_path / "tail.pdf"))
    assert [_norm(e) for e in lists[0]] == [_norm(e) for e in APA]


def test_page_range_end_alone_on_a_line_is_no_label(tmp_path):
    """'…89(1-2):31–' + '71.' on the next line of a hanging-indent list: the '71.' ends the range
    (joined without a space); it does not label the entry below."""
    rows = [(57, "Dietterich, T. G., Lathrop, R. H., and Lozano-Perez, T. 1997. Solving the multiple"),
            (75, "instance problem with axis-parallel rectangles. Artificial Intelligence, 89(1-2):31–"),
            (75, "71."),
            (57, "Etzioni, O., Cafarella, M., and Downey, D. 2005. Unsupervised named-entity extraction"),
            (75, "from the web: an experimental study. Artificial Intelligence, 165(1):91–134."),
            (57, "Gartner, T., Flach, P. A., and Smola, A. J. 2002. Multi-instance kernels. In Proceedings"),
            (75, "of the 19th International Conference on Machine Learning, pages 179–186.")]
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front()
    flow.heading("References")
    for x, line in rows:
        sheet.text(x, flow.y, line, 9)
        flow.y += 11
    lists = _entries(sheet.save(tmp_path / "range.pdf"))
    assert [_norm(e) for e in lists[0]] == [
        "Dietterich, T. G., Lathrop, R. H., and Lozano-Perez, T. 1997. Solving the multiple instance problem "
        "with axis-parallel rectangles. Artificial Intelligence, 89(1-2):31–71.",
        "Etzioni, O., Cafarella, M., and Downey, D. 2005. Unsupervised named-entity extraction from the web: "
        "an experimental study. Artificial Intelligence, 165(1):91–134.",
        "Gartner, T., Flach, P. A., and Smola, A. J. 2002. Multi-instance kernels. In Proceedings of the 19th "
        "International Conference on Machine Learning, pages 179–186."]



def test_entries_set_apart_by_space_in_a_block_list(tmp_path):
    """No indent, no number: entries are told apart by extra leading after a full line ending in a
    full stop (a magazine's author-year list)."""
    entries = [("Banko, M., and Etzioni, O. 2008. The Tradeoffs Between Traditional and Open Relation",
                "Extraction. In Proceedings of the 46th Annual Meeting of the ACL. Stroudsburg, PA: ACL."),
               ("Banko, M.; Cafarella, M.; Soderland, S.; and Etzioni, O. 2007. Open Information Extraction",
                "from the Web. In Proceedings of the 20th International Joint Conference on AI. AAAI Press."),
               ("Califf, M. E., and Mooney, R. J. 1999. Relational Learning of Pattern-Match Rules for the",
                "Extraction of Information. In Proceedings of the 16th National Conference on AI, 328–334.")]
    sheet = Sheet()
    flow = Flow(sheet)
    flow.front()
    flow.heading("References")
    sheet.new_page()  # the list alone on its page: its lines are the full width of their column
    y = 70.0
    for first, second in entries:
        sheet.text(57, y, first, 9)
        sheet.text(57, y + 11, second, 9)
        y += 11 + 13.5  # the entry's two lines, then extra leading
    lists = _entries(sheet.save(tmp_path / "block.pdf"))
    assert [_norm(e) for e in lists[0]] == [f"{a} {b}" for a, b in entries]


def test_labels_after_a_doi_or_a_url_still_start_entries():
    from kb.refs.split import numbered_starts
    text = ("1. Shaw J. G. Biomarkers of COPD // J. Thorac. Dis. – 2014. doi: 10.3978/j.issn.2072-1439.2014.11.33 "
            "2. Khurana S. Clinical characteristics // Respir. Med. – 2014. URL: http://duckietown.org/ "
            "3. Iwamoto H. Differences in plasma // Eur. Respir. J. СПБГУ 4. Zuo L. Molecular regulation.")
    assert [n for _, _, n in numbered_starts(text)] == ["1", "2", "3", "4"]


def test_two_columns_of_text_under_a_table_with_tight_cells(tmp_path):
    """A full-width table whose cells stand close together and wrap (no row reads as four separate
    cells) does not hide the gutter of the two columns of text under it: each column is read
    whole, not line by line across both."""
    sheet = Sheet()
    xs = (60, 122, 191, 268, 352, 447, 500)
    for k in range(10):
        y = 70 + 22 * k
        cells = (f"Узел{k}", "Да", "Недавно", "Гибридная", "TCP, UDP,", "Бинарный", "Инкапсуляция")
        for x, cell in zip(xs, cells, strict=True):
            sheet.text(x, y, cell, 7)
        for x, cell in zip(xs[3:], ("архитектура", "CORBA", "XML, JSON", "в узлах"), strict=True):
            sheet.text(x, y + 8, cell, 7)
    left = Flow(sheet, x=57, width=230, y=300)
    right = Flow(sheet, x=308, width=230, y=300)
    left.para(BODY, size=9)
    right.para(BODY_EN, size=9)
    text = _norm(" ".join(p.text for p in extract(sheet.save(tmp_path / "tight.pdf"), use_ocr=False).paragraphs))
    assert _norm(BODY) in text and _norm(BODY_EN) in text
