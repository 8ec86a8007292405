"""Paper metadata a bibliography can use: family/given names, banners refused as titles, the venue
read from running headers and footers, printed page numbers, the migration, `kb papers --json`
and `kb bib --papers` with the venue."""

from __future__ import annotations

import json
import sqlite3
import textwrap
from pathlib import Path

import pymupdf
import pytest
from conftest import REAL_DIR, cli_json, run_cli

from kb import library
from kb.ingest.extract import explicit_page_number, extract
from kb.ingest.persons import byline_names, parse_person
from kb.ingest.segment import names_in, split_papers
from kb.ingest.text import clean_line
from kb.ingest.titles import is_banner
from kb.ingest.venue import from_citation, from_line
from kb.store import db

FONT = {"r": pymupdf.Font("tiro"), "b": pymupdf.Font("tibo")}
BODY = ("Малые и средние предприятия внедряют цифровые технологии медленнее крупных компаний. "
        "Основные барьеры связаны с нехваткой финансирования, квалифицированных кадров и доступа к "
        "инфраструктуре. Кооперация предприятий позволяет разделить затраты на дорогостоящее оборудование "
        "и обмениваться знаниями. ") * 3
BODY_EN = ("Small and medium enterprises adopt digital technologies more slowly than large firms. The main "
           "barriers are the lack of finance, of skilled staff and of access to infrastructure. Cooperation "
           "lets firms share the cost of expensive equipment and exchange knowledge. ") * 3


# --- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("printed", "family", "given"), [
    ("И. С. ПЕТРОВА", "Петрова", "И. С."),
    ("JOHN SMITH", "Smith", "John"),
    ("ZHOU Xinghong", "Zhou", "Xinghong"),
    ("Chris QUIRK", "Quirk", "Chris"),
    ("Петрова, И.С.", "Петрова", "И. С."),
    ("Петрова И. С.", "Петрова", "И. С."),
    ("Кр.Л. Глуско", "Глуско", "Кр. Л."),
    ("Daniel S. Weld", "Weld", "Daniel S."),
    ("Gustavo de Veciana", "de Veciana", "Gustavo"),
    ("LUDWIG VAN BEETHOVEN", "van Beethoven", "Ludwig"),
    ("Van den Bulte C.", "Van den Bulte", "C."),
    ("Richard Smith-Unna", "Smith-Unna", "Richard"),
    ("Шотова-НИКОЛЕНКО А.В.", "Шотова-Николенко", "А. В."),
    ("Jean-Pierre Dupont", "Dupont", "Jean-Pierre"),
    ("Ю.І. ГРИГОР’ЄВ", "Григор’єв", "Ю. І."),
    ("O'NEIL J.", "O'Neil", "J."),
    ("Бочкарев Николай Алексеевич", "Бочкарев", "Николай Алексеевич"),
    ("Николай Алексеевич Бочкарев", "Бочкарев", "Николай Алексеевич"),
    ("Md Ali Babar", "Babar", "Md Ali"),
    ("H. Sebastian Seung", "Seung", "H. Sebastian"),
    ("Md. Shahanur Alam", "Alam", "Md. Shahanur"),
    ("K. Ravi ACHARYA", "Acharya", "K. Ravi"),
    ("J. van der Berg", "van der Berg", "J."),
])
def test_names_split_into_family_and_given(printed, family, given):
    parsed = parse_person(printed)
    assert (parsed["family"], parsed["given"]) == (family, given)


def test_suffix_is_kept_apart():
    assert parse_person("Martin Luther King Jr.") == {"family": "King", "given": "Martin Luther", "suffix": "Jr."}


@pytest.mark.parametrize(("line", "names"), [
    ("Chris QUIRK, Chris BROCKETT and William DOLAN", ["Chris QUIRK", "Chris BROCKETT", "William DOLAN"]),
    ("Ed Chang and Avideh Zakhor, Member, IEEE", ["Ed Chang", "Avideh Zakhor"]),
    ("Arman Cohan†∗ Sergey Feldman†∗ Iz Beltagy† Daniel S. Weld†,‡",
     ["Arman Cohan", "Sergey Feldman", "Iz Beltagy", "Daniel S. Weld"]),
    ("Mark Zaslavskiy1,2, Maksim Kanushin2", ["Mark Zaslavskiy", "Maksim Kanushin"]),
    ("© 2012 А. У Ибрагимов, Л. А. Ибрагимова", ["А. У Ибрагимов", "Л. А. Ибрагимова"]),
    ("П. И. ГЕРБ, канд. техн. наук, доц.. Е. И. МАНУИЛОВ, магистрант", ["П. И. ГЕРБ", "Е. И. МАНУИЛОВ"]),
    ("Студент Н.Г. Макагонов", ["Н.Г. Макагонов"]),
    ("Иванов И.И., Петров П.П.", ["Иванов И.И.", "Петров П.П."]),
])
def test_author_lines(line, names):
    assert byline_names(line) == names


@pytest.mark.parametrize("line", [
    "МАТЕРИАЛЫ К КЛАССИФИКАЦИИ ОСТЕПНЁННЫХ ЛУГОВ", "ВСПОМИНАЯ СВОИХ УЧИТЕЛЕЙ", "Disk-Based Storage for Scalable Video",
    "Citation-informed Transformers", "Natural Language Processing Group", "Saint-Petersburg, Russia",
    "Monolingual Machine Translation for Paraphrase Generation", "Part I", "JOHN SMITH",
    "Confluent Preorder Parsing", "Segregating Planners and Their Environments", "Google, Inc.", "Research Article",
])
def test_titles_and_places_are_not_author_lines(line):
    assert byline_names(line) == [] and names_in(line) == []


@pytest.mark.parametrize(("printed", "clean"), [
    ("Zolt\u00b4an Gy\u00a8ongyi", "Zoltán Gyöngyi"), ("Zolt\u00b4 an", "Zoltán"), ("Dvo\u02c7r\u00b4ak", "Dvořák"), ("Go\u00b4mez", "Gómez"), ("C\u20ddThe Authors", "©The Authors"),
    ("the 28 th Conference", "the 28th Conference"), ("I\u02dcnigo", "Iñigo"),
    ("company\u00b4s", "company\u00b4s"), ("x \u00b4 1", "x \u00b4 1"),
])
def test_spacing_accents_of_tex_fonts_go_back_on_their_letter(printed, clean):
    assert clean_line(printed) == clean


def _author_cell(page, x, y, name, lines, size=11):
    _write(page, x, y, name, size, bold=True)
    for k, line in enumerate(lines, 1):
        _write(page, x, y + k * 12, line, 9)


def test_authors_printed_as_a_grid_of_cells(tmp_path):
    """Each author a block of name, affiliation, e-mail; two side by side, a third in a row below; the
    abstract starts under the block in the left column."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    _write(page, 120, 70, "Learning Relations from the Web", 16, bold=True)
    _author_cell(page, 100, 110, "Razvan C. Bunescu", ["Department of Computer Sciences", "razvan@cs.utexas.edu"])
    _author_cell(page, 340, 110, "Raymond J. Mooney", ["University of Texas at Austin", "mooney@cs.utexas.edu"])
    _author_cell(page, 220, 160, "Ann Smith", ["Google, Inc.", "ann@google.com"])
    _write(page, 57, 220, "Abstract", 11, bold=True)
    y = _body(page, 236, BODY_EN, width=48)
    _write(page, 57, y + 12, "Related Work", 11, bold=True)
    doc.save(tmp_path / "grid.pdf")
    (paper,) = split_papers(extract(tmp_path / "grid.pdf", use_ocr=False))
    assert paper.authors == ["Razvan C. Bunescu", "Raymond J. Mooney", "Ann Smith"]


def test_one_paragraph_joining_the_cells_of_a_row(tmp_path):
    """Two names on one row with their e-mails far to the right: the lines are read apart."""
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    _write(page, 120, 70, "Noisy Matrix Decomposition via Convex Relaxation", 14)
    for k, (name, mail) in enumerate([("Alekh Agarwal", "alekh@eecs.berkeley.edu"),
                                      ("Sahand Negahban", "sahand_n@eecs.berkeley.edu")]):
        _write(page, 57, 110 + 12 * k, name, 10)
        _write(page, 390, 110 + 12 * k, mail, 10)
    _write(page, 57, 140, "Department of EECS, University of California, Berkeley, CA 94720, USA", 9)
    _write(page, 260, 170, "Abstract", 12)
    _body(page, 190, BODY_EN)
    doc.save(tmp_path / "row.pdf")
    (paper,) = split_papers(extract(tmp_path / "row.pdf", use_ocr=False))
    assert paper.authors == ["Alekh Agarwal", "Sahand Negahban"]


# --- banners, venue lines, page numbers ---------------------------------------------------------

@pytest.mark.parametrize("text", ["RESEARCH ARTICLE", "Open Access", "Original paper", "Научная статья",
                                  "Original Research", "ORIGINAL ARTICLE", "Review", "Brief Report",
                                  "Оригинальная статья", "R E S E A R C H A R T I C L E", "Data Descriptor",
                                  "LETTER TO THE EDITOR", "Open"])
def test_banners(text):
    assert is_banner(text)


@pytest.mark.parametrize("text", ["Disk-Based Storage for Scalable Video", "Нейронные сети в управлении",
                                  "Research on Open Access Publishing in Russia", "SPECTER"])
def test_titles_are_not_banners(text):
    assert not is_banner(text)


def test_a_rubric_printed_as_running_head_is_a_banner():
    assert is_banner("Экономика и гуманитарные науки", {"экономика и гуманитарные науки"})


@pytest.mark.parametrize(("line", "expected"), [
    ("IEEE TRANSACTIONS ON CIRCUITS AND SYSTEMS FOR VIDEO TECHNOLOGY, VOL. 7, NO. 5, OCTOBER 1997",
     ("IEEE Transactions on Circuits and Systems for Video Technology", "7", "5", 1997)),
    ("Вестник Самарского государственного аэрокосмического университета № 1 (32) 2012 г.",
     ("Вестник Самарского государственного аэрокосмического университета", None, "1 (32)", 2012)),
    ("Доклады ТУСУРа, № 1 (25), часть 2, июнь 2012", ("Доклады ТУСУРа", None, "1 (25)", 2012)),
    ("Вестник УлГТУ 3/2016", ("Вестник УлГТУ", None, "3", 2016)),
    ("PLOS ONE | https://doi.org/10.1371/journal.pone.0197919", ("PLOS ONE", None, None, None)),
    ("International Psychogeriatrics (2014), 26:1, 147–154", ("International Psychogeriatrics", "26", "1", 2014)),
    ("Clinical Science (2014) 126, 305–313 (Printed in Great Britain)", ("Clinical Science", "126", None, 2014)),
    ("Postgrad Med J 2010;86(4):272-278. doi:10.1136/pgmj.2009.089987", ("Postgrad Med J", "86", "4", 2010)),
    ("To appear in OSDI 2006", ("OSDI", None, None, 2006)),
    ("In Proceedings of the 45th Annual Meeting of the ACL, pp. 576-583, June 2007",
     ("Proceedings of the 45th Annual Meeting of the ACL", None, None, 2007)),
])
def test_venue_lines(line, expected):
    v = from_line(line)
    assert (v.container, v.volume, v.issue, v.year) == expected


@pytest.mark.parametrize("line", ["Экономика и гуманитарные науки", "June 13, 2018",
                                  "CHANG AND ZAKHOR: DISK-BASED STORAGE FOR SCALABLE VIDEO", "Секция 2. Экономика",
                                  "©The Authors Journal compilation ©2014 Biochemical Society"])
def test_rubrics_dates_and_running_titles_name_no_venue(line):
    assert from_line(line) is None


def test_citation_lines():
    v = from_citation("Для цитирования: Петрова И. С., Смирнов А. А. Название статьи // Вестник университета. "
                      "Серия: Экономика. 2024. Т. 12, № 3. С. 45–58. DOI: 10.1234/abc", "Название статьи")
    assert (v.container, v.volume, v.issue, v.year, v.pages, v.doi) == (
        "Вестник университета. Серия: Экономика", "12", "3", 2024, "45–58", "10.1234/abc")
    v = from_citation("С. Б. Гашков, Задача об аддитивных цепочках и ее обобщения, Матем. просв., 2011, выпуск 15, "
                      "138–153", "Задача об аддитивных цепочках и ее обобщения")
    assert (v.container, v.issue, v.year, v.pages) == ("Матем. просв.", "15", 2011, "138–153")


@pytest.mark.parametrize(("footer", "number"), [("Page 3 of 9", 3), ("3 / 21", 3), ("3 | Journal of Things", 3),
                                                ("Journal of Things | 12", 12), ("– 7 –", 7), ("21 / 3", None),
                                                ("June 13, 2018", None)])
def test_stated_page_numbers(footer, number):
    assert explicit_page_number(footer) == number


# --- PDFs made here ------------------------------------------------------------------------------

def _write(page, x, y, text, size=10.5, bold=False):
    tw = pymupdf.TextWriter(page.rect)
    tw.append((x, y), text, font=FONT["b" if bold else "r"], fontsize=size)
    tw.write_text(page)


def _body(page, y, text, size=10.5, width=95):
    for line in textwrap.wrap(text, width):
        _write(page, 57, y, line, size)
        y += size * 1.35
    return y


def make_journal_pdf(path: Path, *, header: str, footer, first_page: int, banner: str | None,
                     title: str, authors: str, body: str = BODY, n_pages: int = 3) -> Path:
    """An article: running header with the journal and issue, page numbers in the footer, a banner
    in small type above a large title, the author line under it."""
    doc = pymupdf.open()
    for i in range(n_pages):
        page = doc.new_page(width=595, height=842)
        _write(page, 57, 40, header, 8)
        _write(page, 280, 815, footer(first_page + i, n_pages), 8)
        y = 90.0
        if i == 0:
            if banner:
                _write(page, 57, y, banner, 8)
                y += 22
            _write(page, 57, y, title, 16, bold=True)
            y += 28
            _write(page, 57, y, authors, 11)
            y += 30
        _body(page, y, f"{i + 1}. {body}" if i else body)  # pages differ, as text does
    doc.save(path)
    return path


@pytest.fixture(scope="module")
def journal_pdf(tmp_path_factory) -> Path:
    return make_journal_pdf(
        tmp_path_factory.mktemp("meta") / "vestnik.pdf",
        header="Вестник университета. Серия: Экономика. 2024. Т. 12, № 3", footer=lambda n, _: str(n),
        first_page=45, banner="Научная статья", title="Кооперация малых предприятий в цифровой экономике",
        authors="И. С. ПЕТРОВА, А. А. СМИРНОВ")


def test_venue_and_pages_from_running_header_and_footer(journal_pdf):
    doc = extract(journal_pdf, use_ocr=False)
    assert doc.labels_printed and doc.page_labels == ["45", "46", "47"]
    assert doc.margins[0][0]["text"].startswith("Вестник университета") and doc.margins[0][0]["where"] == "top"
    (paper,) = split_papers(doc)
    assert paper.title == "Кооперация малых предприятий в цифровой экономике"  # not the banner
    assert paper.authors == ["И. С. ПЕТРОВА", "А. А. СМИРНОВ"]
    assert paper.authors_parsed == [{"family": "Петрова", "given": "И. С."}, {"family": "Смирнов", "given": "А. А."}]
    assert paper.venue == {"container": "Вестник университета. Серия: Экономика", "volume": "12", "issue": "3",
                           "publisher": None, "place": None}
    assert paper.year == 2024 and paper.page_range == "45–47"


def test_banner_above_title_and_page_of_footers(tmp_path):
    pdf = make_journal_pdf(tmp_path / "oa.pdf", header="Journal of Small Business Studies", body=BODY_EN,
                           footer=lambda n, total: f"Page {n} of {total}", first_page=1, banner="RESEARCH ARTICLE",
                           title="Cooperation of small firms in the digital economy",
                           authors="John SMITH, Mary O'NEIL and Gustavo de Veciana")
    doc = extract(pdf, use_ocr=False)
    assert doc.page_labels == ["1", "2", "3"] and doc.labels_printed
    (paper,) = split_papers(doc)
    assert paper.title == "Cooperation of small firms in the digital economy"
    assert [(a["family"], a["given"]) for a in paper.authors_parsed] == [
        ("Smith", "John"), ("O'Neil", "Mary"), ("de Veciana", "Gustavo")]
    assert paper.venue["container"] == "Journal of Small Business Studies" and paper.venue["volume"] is None
    assert paper.page_range is None  # "Page 2 of 3" counts the file's pages: an article-numbered journal
    assert doc.labels_count_pages


def test_venue_from_a_running_head_that_cites_the_paper(tmp_path):
    pdf = make_journal_pdf(tmp_path / "bmc.pdf", header="Smith et al. Journal of Small Business Studies 2021, 7:12",
                           body=BODY_EN, footer=lambda n, total: f"Page {n} of {total}", first_page=1, banner=None,
                           title="Cooperation of small firms in the digital economy",
                           authors="John Smith, Mary O'Neil and Gustavo de Veciana")
    doc = extract(pdf, use_ocr=False)
    (paper,) = split_papers(doc)
    assert paper.venue["container"] == "Journal of Small Business Studies" and paper.venue["volume"] == "7"
    assert paper.year == 2021 and paper.page_range is None


@pytest.mark.parametrize(("header", "pages"), [
    ("Journal of Small Business Studies", None),  # a manuscript's own numbers from 1
    ("Journal of Small Business Studies, Vol. 3, No. 1, 2021", "1–3"),  # the first article of an issue
])
def test_pages_numbered_from_one_are_a_range_only_in_a_numbered_venue(tmp_path, header, pages):
    pdf = make_journal_pdf(tmp_path / "one.pdf", header=header, body=BODY_EN, footer=lambda n, _: str(n),
                           first_page=1, banner=None, title="Cooperation of small firms in the digital economy",
                           authors="John Smith and Mary O'Neil")
    doc = extract(pdf, use_ocr=False)
    (paper,) = split_papers(doc)
    assert doc.page_labels == ["1", "2", "3"] and paper.page_range == pages


def test_no_printed_numbers_no_page_range(tmp_path):
    pdf = make_journal_pdf(tmp_path / "plain.pdf", header="Кафедра экономики и управления",
                           footer=lambda n, _: "Кафедра экономики", first_page=1, banner=None,
                           title="Кооперация малых предприятий в цифровой экономике", authors="И. С. Петрова")
    (paper,) = split_papers(extract(pdf, use_ocr=False))
    assert paper.page_range is None and paper.venue["container"] is None and paper.year is None


# --- knowledge base: migration, kb papers --json, kb bib ----------------------------------------

def test_migration_applied_to_an_existing_kb(tmp_path):
    kb_dir = tmp_path / "old"
    kb_dir.mkdir()
    conn = sqlite3.connect(kb_dir / db.DB_NAME, isolation_level=None)
    for version, sql in db.migrations():
        if version <= 6:
            for statement in db._statements(sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version={version}")
    conn.execute("INSERT INTO files(path, sha256, size, n_pages, ingested_at) VALUES ('x.pdf', 'abc', 1, 1, 'now')")
    conn.execute("INSERT INTO pages(file_id, idx, label) VALUES (1, 0, '45')")
    conn.execute("INSERT INTO papers(file_id, seq, title, authors, year, page_first, page_last)"
                 " VALUES (1, 0, 'Заглавие', ?, 2024, 0, 0)", (json.dumps(["И. С. ПЕТРОВА", "JOHN SMITH"]),))
    conn.close()

    conn = db.connect(kb_dir)
    assert db.schema_version(conn) == max(v for v, _ in db.migrations()) >= 7
    (paper,) = library.list_papers(conn)
    assert paper["authors"] == ["И. С. ПЕТРОВА", "JOHN SMITH"]  # as printed, untouched
    assert paper["authors_parsed"] == [{"family": "Петрова", "given": "И. С."}, {"family": "Smith", "given": "John"}]
    assert paper["venue"] == dict.fromkeys(("container", "volume", "issue", "publisher", "place"))
    assert paper["page_range"] is None
    assert db.page_margins(conn, 1) == {0: []}


@pytest.fixture(scope="module")
def meta_kb(tmp_path_factory, journal_pdf) -> Path:
    kb_dir = tmp_path_factory.mktemp("kb_meta")
    result = run_cli(kb_dir, "ingest", "--no-embed", str(journal_pdf))
    assert result.exit_code == 0, result.output
    return kb_dir


def test_papers_json_keeps_printed_authors_and_adds_parsed(meta_kb):
    (paper,) = cli_json(meta_kb, "papers")
    assert paper["authors"] == ["И. С. ПЕТРОВА", "А. А. СМИРНОВ"]
    assert paper["authors_parsed"] == [{"family": "Петрова", "given": "И. С."}, {"family": "Смирнов", "given": "А. А."}]
    assert paper["venue"] == {"container": "Вестник университета. Серия: Экономика", "volume": "12", "issue": "3",
                              "publisher": None, "place": None}
    assert paper["page_range"] == "45–47" and paper["pages"]["first"] == "45" and paper["year"] == 2024
    conn = db.connect(meta_kb, create=False)
    margins = db.page_margins(conn, 1)
    assert [m["text"] for m in margins[2]] == ["Вестник университета. Серия: Экономика. 2024. Т. 12, № 3", "47"]


def test_show_prints_the_venue(meta_kb):
    out = run_cli(meta_kb, "show", "1").output
    assert "venue       container Вестник университета. Серия: Экономика; volume 12; issue 3" in out
    assert "(printed 45–47)" in out


def test_gost_entry_with_venue(meta_kb):
    result = run_cli(meta_kb, "bib", "--papers", "--format", "gost")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "1. Петрова, И. С. Кооперация малых предприятий в цифровой экономике / И. С. Петрова, А. А. Смирнов "
        "// Вестник университета. Серия: Экономика. – 2024. – Т. 12, № 3. – С. 45–47.")


def test_other_formats_carry_journal_volume_issue_pages(meta_kb):
    apa = run_cli(meta_kb, "bib", "--papers", "--format", "apa").output
    assert "Петрова, И. С., & Смирнов, А. А. (2024)." in apa and "Экономика, 12(3), 45–47." in apa
    bibtex = run_cli(meta_kb, "bib", "--papers", "--format", "bibtex").output
    assert bibtex.startswith("@article{") and "journal = {Вестник университета. Серия: Экономика}" in bibtex
    assert "volume = {12}" in bibtex and "number = {3}" in bibtex and "pages = {45--47}" in bibtex
    assert "author = {Петрова, И. С. and Смирнов, А. А.}" in bibtex
    ris = run_cli(meta_kb, "bib", "--papers", "--format", "ris").output
    assert "TY  - JOUR" in ris and "VL  - 12" in ris and "IS  - 3" in ris and "SP  - 45" in ris and "EP  - 47" in ris
    (item,) = json.loads(run_cli(meta_kb, "bib", "--papers", "--format", "csl-json").output)
    assert item["container-title"] == "Вестник университета. Серия: Экономика" and item["page"] == "45-47"
    assert item["author"][0] == {"family": "Петрова", "given": "И. С."} and item["type"] == "article-journal"


# --- real PDFs (dev split only) ------------------------------------------------------------------

@pytest.mark.real
@pytest.mark.parametrize(("name", "expected"), [
    ("ru_vestnik_ulgtu2016_unity_article_plus_next.pdf",
     {"title": "ПОДХОДЫ К ТРАНСФОРМАЦИИ ОБЪЕКТОВ ВИРТУАЛЬНЫХ ПРОСТРАНСТВ В СРЕДЕ UNITY", "container": "Вестник УлГТУ",
      "issue": "3", "year": 2016, "page_range": "38–41", "families": ["Бочкарев", "Молотов"]}),
    ("en_plosone2018_wheat_cc_by.pdf",  # a "RESEARCH ARTICLE" banner and a side box above the title
     {"title": "Comparative physiological and metabolomics analysis of wheat (Triticum aestivum L.) following "
               "post-anthesis heat stress", "container": "PLoS ONE", "volume": "13", "issue": "6", "year": 2018,
      "families": ["Thomason", "Babar", "Erickson", "Mulvaney", "Beecher", "MacDonald"]}),
])
def test_real_dev_pdfs(name, expected):
    if not (REAL_DIR / name).exists():
        pytest.skip("real PDFs (../shared/corpus/real) not found")
    paper = next(p for p in split_papers(extract(REAL_DIR / name, use_ocr=False)) if not p.fragment)
    assert paper.title == expected["title"]
    assert [a["family"] for a in paper.authors_parsed] == expected["families"]
    for key in ("container", "volume", "issue"):
        if key in expected:
            assert paper.venue[key] == expected[key]
    assert paper.year == expected["year"]
    if "page_range" in expected:
        assert paper.page_range == expected["page_range"]


@pytest.mark.real
def test_real_download_cover_is_no_paper_but_names_the_venue():
    name = "ru_mathnet_matprosv2011_gashkov_with_cover.pdf"  # dev split
    if not (REAL_DIR / name).exists():
        pytest.skip("real PDFs (../shared/corpus/real) not found")
    cover, paper = split_papers(extract(REAL_DIR / name, use_ocr=False))
    assert cover.fragment and cover.cover and cover.title is None
    assert paper.first_page == 1 and paper.title == "Задача об аддитивных цепочках и ее обобщения"
    assert paper.authors_parsed == [{"family": "Гашков", "given": "С. Б."}]
    assert paper.venue["container"] == "Математическое просвещение"  # the full form beats "Матем. просв."
    assert (paper.venue["issue"], paper.year, paper.page_range) == ("15", 2011, "138–153")


def test_an_entry_of_a_list_before_an_author_note_is_not_a_paper_title():
    from kb.ingest.model import Paragraph
    from kb.ingest.segment import _title_block_starts
    paras = [Paragraph(t, [(0, 0)], size=13.0) for t in (
        "Литература",
        "2. NoSQL. Новая методология разработки нереляционных баз данных. Вильямс, 2013",
        "3. Официальная документация к NoSql DB: MongoDB. URL: https://docs.mongodb.com/",
        "А.А. Михайлов, студент, mi@example.com")]
    assert _title_block_starts(paras, 11.5) == []  # set larger than the body text (13 pt against 11.5)


def test_an_issn_led_running_footer_names_the_journal():
    from kb.ingest import venue
    v = venue.from_line("ISSN 2410-681X. Медична та клінічна хімія. 2019. Т. 21. № 2")
    assert (v.container, v.volume, v.issue, v.year) == ("Медична та клінічна хімія", "21", "2", 2019)


def _paper(title: str, authors: list[str]):
    from kb.ingest.model import Paper
    return Paper(title, authors, None, None, None, None, None, [], None, False, 0, 0, [])


def test_a_russian_summary_block_of_a_ukrainian_paper_is_the_same_paper():
    from kb.ingest.papermeta import same_authors
    uk = _paper("ЛІПІДНИЙ СПЕКТР СИРОВАТКИ КРОВІ", ["В. В. Івчук", "Т. А. Ковальчук"])
    ru = _paper("ЛИПИДНЫЙ СПЕКТР СЫВОРОТКИ КРОВИ", ["В. В. Ивчук", "Т. А. Ковальчук"])
    other_ru = _paper("ЛИПИДНЫЙ СПЕКТР СЫВОРОТКИ КРОВИ", ["А. Б. Петров"])
    plain = _paper("СПЕКТР КРОВИ", ["В. В. Ивчук", "Т. А. Ковальчук"])  # no letter says uk or ru
    assert same_authors(uk, ru)
    assert not same_authors(uk, other_ru)
    assert not same_authors(ru, plain)  # two Russian papers by the same authors stay two papers
