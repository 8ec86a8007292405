"""What a bibliography needs of each paper, added once the papers are found: author names split
into family and given names, the venue (journal or proceedings, volume, issue, publisher,
place), the year and the printed page range.

Also recognises a download cover (a portal's or publisher's page in front of the article) so
that it is not taken for a paper; its citation line still tells the article's venue.
"""

from __future__ import annotations

import re

from kb.cite.export import ascii_slug
from kb.ingest import venue as venues
from kb.ingest.model import Document, Paper, Paragraph
from kb.ingest.persons import parse_person

_COVER = re.compile(
    r"(Math-Net\.Ru|Общероссийский математический портал|Параметры загрузки|This article was downloaded by|"
    r"Full Terms & Conditions|Terms and Conditions of (?:access|use)|Downloaded from\s|КиберЛенинка|CyberLeninka|"
    r"eLIBRARY\.RU|Научная электронная библиотека)", re.IGNORECASE)


_FRONT_MATTER = re.compile(
    r"(ISBN|Печатается по решению|Редакционная коллегия|Редакційна колегія|Редакционный совет|Оргкомитет|"
    r"Editorial board|Organi[sz]ing committee|\bЗМІСТ\b|\bСОДЕРЖАНИЕ\b|\bCONTENTS\b|Table of contents)")


def _paragraphs(paper: Paper) -> list[Paragraph]:
    return [p for s in paper.sections for p in s.paragraphs]


def is_cover(paper: Paper, following: Paper | None) -> bool:
    """A one-page paper with a portal's or publisher's download notice, followed by the article."""
    if paper.fragment or following is None or paper.first_page != paper.last_page:
        return False
    if following.first_page != paper.last_page + 1:
        return False
    paras = _paragraphs(paper)
    if len(paras) > 40:
        return False
    text = " ".join(p.text for p in paras)
    return len(text.split()) < 400 and bool(_COVER.search(text))


def is_volume_front(paper: Paper, n_papers: int) -> bool:
    """A volume's imprint, board or contents pages, split off as a 'paper' at their УДК line."""
    if n_papers < 3 or paper.fragment or paper.authors:
        return False
    head = " ".join(p.text for p in _paragraphs(paper)[:25])
    return bool(_FRONT_MATTER.search(head))


def demote_covers(papers: list[Paper]) -> None:
    """Covers and a volume's front pages become fragments (no title, no authors): they are not papers."""
    n = sum(not p.fragment for p in papers)
    for k, paper in enumerate(papers):
        cover = is_cover(paper, papers[k + 1] if k + 1 < len(papers) else None)
        if cover or is_volume_front(paper, n):
            paper.fragment, paper.cover = True, cover
            paper.title, paper.authors, paper.affiliation, paper.abstract, paper.keywords = None, [], None, None, []


def same_authors(first: Paper, second: Paper) -> bool:
    """Is second first's title block again: the same authors ('Ибрагимов' and 'Ibragimov', 'Івчук'
    and 'Ивчук'), printed in another script or language (the Russian and English summaries a
    Ukrainian journal prints after the references), or under the very same title?"""
    def keys(paper: Paper) -> set[str]:
        out = set()
        for a in parsed_authors(paper.authors):
            out.add(ascii_slug(a["family"]).replace("kh", "h").replace("j", "y").replace("iy", "y"))
        return out

    a, b = keys(first), keys(second)
    if not (a and b) or len(a & b) < 0.5 * max(len(a), len(b)):
        return False
    same_title = bool(first.title and second.title) and ascii_slug(first.title) == ascii_slug(second.title)
    one, other = _written_in(first), _written_in(second)
    return same_title or one != other and "cyrillic" not in (one, other) or (one == "latin") != (other == "latin")


_UKRAINIAN = re.compile("[ІіЇїЄєҐґ]")
_RUSSIAN = re.compile("[ЫыЭэЪъЁё]")


def _written_in(paper: Paper) -> str:
    """'latin', 'uk', 'ru' or 'cyrillic' (no letter tells the two apart), from title and authors."""
    text = " ".join([paper.title or "", *paper.authors])
    if not re.search("[А-Яа-яЁёІіЇїЄєҐґ]", text):
        return "latin"
    uk, ru = len(_UKRAINIAN.findall(text)), len(_RUSSIAN.findall(text))
    return "uk" if uk > ru else "ru" if ru > uk else "cyrillic"


def parsed_authors(printed: list[str]) -> list[dict]:
    """One {family, given} per printed author, in order; an unreadable name keeps its printed form as family."""
    out = []
    for name in printed:
        parsed = parse_person(name)
        out.append(parsed if parsed else {"family": name.strip(), "given": None})
    return out


def annotate(doc: Document, papers: list[Paper], volume_year: int | None) -> None:
    """Fill authors_parsed, venue, year and page_range of every paper found in doc."""
    real = [p for p in papers if not p.fragment]
    volume = _volume_venue(doc, papers) if len(real) >= 3 else None
    cover_texts: list[str] = []
    for paper in papers:
        if paper.fragment:
            if paper.cover:
                cover_texts = [p.text for p in _paragraphs(paper)]
            continue
        paper.authors_parsed = parsed_authors(paper.authors)
        before, front = _front_texts(paper)
        if len(real) > 1:
            before = []  # in a volume, what precedes a title is the last paper's end or a rubric
        families = [a["family"] for a in paper.authors_parsed if a.get("family")]
        margins = venues.running_lines(doc.margins, paper.first_page, paper.last_page) if doc.margins else []
        v = venues.for_paper(cover_texts + before, front, margins, paper.title, families, volume)
        cover_texts = []
        paper.venue = v.fields_dict()
        paper.year = paper.year or v.year or volume_year
        if paper.doi is None and v.doi and len(real) == 1:
            paper.doi = v.doi
        paper.page_range = v.pages or _label_range(doc, paper, numbered_venue=bool(v.volume or v.issue))
    for paper in papers:
        if paper.fragment:
            paper.year = paper.year or volume_year


def _front_texts(paper: Paper) -> tuple[list[str], list[str]]:
    """First-page front paragraphs above the title, and the rest of the front matter."""
    front = next((s.paragraphs for s in paper.sections if s.kind == "front"), [])
    title = (paper.title or "").strip()
    at = next((i for i, p in enumerate(front) if title and title.startswith(p.text.strip()[:60])), len(front))
    before = [p.text for p in front[:at] if p.first_page == paper.first_page]
    rest = [p.text for p in front[at:]]
    first_page = [p.text for p in _paragraphs(paper)[:40] if p.first_page == paper.first_page and len(p.text) < 600]
    return before, rest + [t for t in first_page if t not in rest and t not in before]


def _label_range(doc: Document, paper: Paper, numbered_venue: bool) -> str | None:
    """The printed page range from page labels, when labels were printed (not counted 1..n) and are
    not the file's own count ('Page 3 of 9': an article-numbered journal has no page range).

    Pages numbered from 1 are a manuscript's or preprint's own unless a volume or issue is printed
    (the first article of an issue): "1–14" on a conference preprint is no page range to cite.
    """
    if not doc.labels_printed or doc.labels_count_pages or paper.last_page >= len(doc.page_labels):
        return None
    first, last = doc.page_labels[paper.first_page], doc.page_labels[paper.last_page]
    if not first or not last or (first == "1" and not numbered_venue):
        return None
    return first if first == last else f"{first}–{last}"


def _volume_venue(doc: Document, papers: list[Paper]) -> venues.Venue:
    """The title page of a proceedings volume: the paragraphs before its first paper."""
    start = min(p.first_page for p in papers if not p.fragment)
    lead = [p for p in doc.paragraphs if p.first_page < max(1, min(start, 3))]
    title_page = [(p.text, p.size) for p in lead if p.first_page == lead[0].first_page] if lead else []
    imprint = [p.text for p in doc.paragraphs if p.first_page < max(2, min(start, 4))]
    return venues.for_volume(title_page, imprint, doc.margins, doc.n_pages)
