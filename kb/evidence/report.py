"""Evidence as an adviser pastes it: per recommendation a table of quote, source and page,
then one numbered reference list of every paper quoted (GOST R 7.0.100 or APA)."""

from __future__ import annotations

import sqlite3
import textwrap

from kb import bibdata
from kb.cite import bibliography
from kb.cite.names import parse_name
from kb.evidence.find import Evidence, Quote


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


def _pages(q: Quote) -> str:
    return q.pages["first"] if q.pages["first"] == q.pages["last"] else f"{q.pages['first']}–{q.pages['last']}"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost") -> str:
    refs = References(conn, evidence, style)
    lines = ["# Evidence report", ""]
    for i, e in enumerate(evidence, 1):
        lines += [f"## {i}. {_cell(e.recommendation)}", "", f"**Strength:** {e.strength()}", ""]
        if e.quotes:
            lines += ["| # | Quote | Source | Page |", "|---|---|---|---|"]
            lines += [f"| {j} | {_cell(q.text)} | {_cell(short_source(q, refs))} | {_pages(q)} |"
                      for j, q in enumerate(e.quotes, 1)]
            lines.append("")
    entries = refs.entries()
    if entries:
        lines += ["## References", ""] + [f"{n}. {text}" for n, text in enumerate(entries, 1)]
    return "\n".join(lines).rstrip() + "\n"


def text(conn: sqlite3.Connection, evidence: list[Evidence], style: str = "gost") -> str:
    refs = References(conn, evidence, style)
    out = []
    for i, e in enumerate(evidence, 1):
        out += [f"{i}. {e.recommendation}", f"   {e.strength()}"]
        for j, q in enumerate(e.quotes, 1):
            out.append(textwrap.fill(f"[{j}] “{' '.join(q.text.split())}”", width=100,
                                     initial_indent="   ", subsequent_indent="       "))
            out.append(f"       — {short_source(q, refs)}, p. {_pages(q)}")
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
