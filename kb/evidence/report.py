"""Evidence as an adviser pastes it: per recommendation its strength, the aspects it asks for
and whether each has support, then its quotes grouped by paper (each with its page, strength
and the words it shares), and one numbered reference list of every paper quoted (GOST R
7.0.100 or APA). Russian and English quotes sit side by side in a column per language.

The layout helpers (groups, numbers, languages, aspect lines) are shared with the DOCX report
so both say the same thing.
"""

from __future__ import annotations

import sqlite3
import textwrap
from dataclasses import dataclass

from kb import bibdata
from kb.cite import bibliography
from kb.cite.names import parse_name
from kb.evidence.find import Evidence, Quote

LANG_ORDER = {"ru": 0, "en": 1}  # column order when languages mix; others follow alphabetically


class References:
    """Numbers the quoted papers in order of first appearance and renders their list."""

    def __init__(self, conn: sqlite3.Connection, evidence: list[Evidence], style: str):
        order = list(dict.fromkeys(q.paper["id"] for e in evidence for q in e.quotes))
        works = {int(w["id"].removeprefix("paper")): w for w in bibdata.paper_works(conn, order)}
        self.style = style
        self.papers = [pid for pid in order if pid in works]
        self.works = [works[pid] for pid in self.papers]
        self.number = {pid: i for i, pid in enumerate(self.papers, 1)}

    def entries(self) -> list[str]:
        return bibliography.render(self.works, self.style, numbered=False, markdown=False).splitlines() \
            if self.works else []

    def as_json(self) -> list[dict]:
        return [{"n": self.number[pid], "paper_id": pid, "text": text}
                for pid, text in zip(self.papers, self.entries(), strict=True)]


def short_source(q: Quote, refs: References) -> str:
    """'Zhou et al., 2025 [2]'; a paper without a title to cite is named by its file."""
    authors = q.paper.get("authors") or []
    ru = q.paper.get("lang") in ("ru", "uk", "be")
    who = parse_name(authors[0]).surname if authors else ""
    if len(authors) > 1:
        who += " и др." if ru else " et al."
    year = q.paper.get("year")
    head = ", ".join(x for x in (who, str(year) if year else "") if x)
    n = refs.number.get(q.paper["id"])
    return f"{head} [{n}]".strip() if n else f"{head} ({q.paper['source']})".strip()


@dataclass
class Group:
    """One paper's quotes within a recommendation, each with its number in the report."""

    paper: dict
    quotes: list[tuple[int, Quote]]


def groups(e: Evidence) -> tuple[list[Group], dict[int, int]]:
    """Quotes grouped by paper (papers in order of first appearance), numbered 1.. in the order
    shown, and the map from an index into e.quotes to that number (for the aspect lines)."""
    by_paper: dict[int, list[int]] = {}
    for j, q in enumerate(e.quotes):
        by_paper.setdefault(q.paper["id"], []).append(j)
    out, number = [], {}
    for idx in by_paper.values():
        for j in idx:
            number[j] = len(number) + 1
        out.append(Group(e.quotes[idx[0]].paper, [(number[j], e.quotes[j]) for j in idx]))
    return out, number


def quote_lang(q: Quote) -> str | None:
    return q.lang or q.paper.get("lang")


def languages(e: Evidence) -> list[str | None]:
    """The languages of a recommendation's quotes, in column order (Russian, English, others)."""
    found = {quote_lang(q) for q in e.quotes}
    return sorted(found, key=lambda x: (LANG_ORDER.get(x or "", len(LANG_ORDER)), x is None, x or ""))


def quote_headers(langs: list[str | None]) -> list[str]:
    return [f"Quote ({x or '?'})" for x in langs] if len(langs) > 1 else ["Quote"]


def aspect_lines(e: Evidence, number: dict[int, int]) -> list[str]:
    """'define roles — supported (quote #2)' or '… — no support found', one per aspect; quotes are
    named '#n' because '[n]' is a reference number."""
    return [f"{' '.join(a.text.split())} — supported (quote #{number[a.quote]})"
            if a.found and a.quote in number else f"{' '.join(a.text.split())} — no support found"
            for a in e.aspects]


def pages(q: Quote) -> str:
    return q.pages["first"] if q.pages["first"] == q.pages["last"] else f"{q.pages['first']}–{q.pages['last']}"


def note(q: Quote) -> str:
    """'strong; matched: pilot, trust' — how well a quote supports, and the words it shares."""
    return f"{q.strength}; matched: {', '.join(q.matched)}" if q.matched else q.strength


def title(paper: dict) -> str:
    return " ".join((paper.get("title") or paper.get("source") or "").split())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _md_table(group: Group, langs: list[str | None]) -> list[str]:
    heads = ["#", *quote_headers(langs), "Page", "Strength"]
    rows = ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
    for n, q in group.quotes:
        cells = [_cell(q.text) if len(langs) == 1 or quote_lang(q) == x else "" for x in langs]
        rows.append("| " + " | ".join([str(n), *cells, pages(q), _cell(note(q))]) + " |")
    return rows


def markdown(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost") -> str:
    refs = References(conn, evidence, style)
    lines = ["# Evidence report", ""]
    for i, e in enumerate(evidence, 1):
        lines += [f"## {i}. {_cell(e.recommendation)}", "", f"**Strength:** {e.strength()}", ""]
        found, number = groups(e)
        if e.aspects:
            lines += ["**Aspects:**", ""] + [f"- {_cell(x)}" for x in aspect_lines(e, number)] + [""]
        langs = languages(e)
        for g in found:
            lines += [f"### {_cell(short_source(g.quotes[0][1], refs))}", "", f"*{_cell(title(g.paper))}*", ""]
            lines += _md_table(g, langs) + [""]
    entries = refs.entries()
    if entries:
        lines += ["## References", ""] + [f"{n}. {t}" for n, t in enumerate(entries, 1)]
    return "\n".join(lines).rstrip() + "\n"


def text(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost") -> str:
    refs = References(conn, evidence, style)
    out = []
    for i, e in enumerate(evidence, 1):
        out += [f"{i}. {e.recommendation}", f"   {e.strength()}"]
        found, number = groups(e)
        if e.aspects:
            out += ["   Aspects:"] + [f"     - {x}" for x in aspect_lines(e, number)]
        mixed = len(languages(e)) > 1
        for g in found:
            out.append(f"   {short_source(g.quotes[0][1], refs)}. {title(g.paper)}")
            for n, q in g.quotes:
                mark = f"[{quote_lang(q) or '?'}] " if mixed else ""
                out.append(textwrap.fill(f"#{n} {mark}“{' '.join(q.text.split())}”", width=100,
                                         initial_indent="     ", subsequent_indent="         "))
                out.append(f"         p. {pages(q)}; {note(q)}")
        out.append("")
    entries = refs.entries()
    if entries:
        out += ["References"] + [f"{n}. {t}" for n, t in enumerate(entries, 1)]
    return "\n".join(out).rstrip()


def as_json(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost") -> dict:
    refs = References(conn, evidence, style)
    items = []
    for e in evidence:
        data = e.as_json()
        for q, qd in zip(e.quotes, data["quotes"], strict=True):
            qd["source"] = short_source(q, refs)
            qd["ref"] = refs.number.get(q.paper["id"])
        items.append(data)
    return {"style": style, "recommendations": items, "references": refs.as_json()}
