"""How hits look: terminal text with query terms highlighted, Markdown to paste, JSON."""

from __future__ import annotations

import re
import textwrap

import click

from kb.cite.styles import cite
from kb.search.lexical import STOPWORDS, analyze
from kb.search.search import Hit

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def citation(hit: Hit, style: str) -> str:
    return cite(hit.paper, hit.pages["first"], hit.pages["last"], style)


def hit_json(hit: Hit, style: str = "gost") -> dict:
    data = hit.as_json()
    data["citation"] = citation(hit, style)
    return data


def highlight(text: str, query: str, color: bool) -> str:
    """Wrap the words of `text` whose stems occur in the query (bold yellow on a terminal, ** in Markdown)."""
    stems = set(analyze(query))

    def mark(m: re.Match) -> str:
        word = m.group(0)
        if word.lower() in STOPWORDS or not stems.intersection(analyze(word)):
            return word
        return click.style(word, fg="yellow", bold=True) if color else f"**{word}**"

    return _WORD.sub(mark, text)


def _pages(hit: Hit) -> str:
    return _span(hit.pages)


def _span(p: dict) -> str:
    return p["first"] if p["first"] == p["last"] else f"{p['first']}–{p['last']}"


def hits_text(query: str, hits: list[Hit], style: str, color: bool) -> str:
    if not hits:
        return "No passages found."
    out = []
    for h in hits:
        head = f"[{h.rank}] score {h.score:.3f} · p. {_pages(h)} · {h.section}"
        if h.heading:
            head += f" · {h.heading}"
        out.append(click.style(head, bold=True) if color else head)
        body = textwrap.fill(h.text.replace("\n", " "), width=100, initial_indent="    ", subsequent_indent="    ")
        out.append(highlight(body, query, color) if color else body)
        out.append(f"    — {citation(h, style)}")
        out.append(f"    {h.source}")
        for a in h.also:
            out.append(f"    also in {a['source']}, p. {_span(a['pages'])}")
        for c in _unique_cites(h):
            out.append(f"    cites {c['marker']}: {c['raw']}")
        out.append("")
    return "\n".join(out).rstrip()


def _unique_cites(hit: Hit) -> list[dict]:
    seen, out = set(), []
    for c in hit.cites:
        if c["ref_id"] not in seen:
            seen.add(c["ref_id"])
            out.append(c)
    return out


def hits_markdown(query: str, hits: list[Hit], style: str) -> str:
    lines = [f"## {query}", ""]
    if not hits:
        return "\n".join(lines + ["No passages found."])
    for h in hits:
        lines.append(f"**{h.rank}.** {highlight(h.text.replace(chr(10), ' '), query, color=False)}")
        lines.append("")
        lines.append(f"> {citation(h, style)} — `{h.source}`, p. {_pages(h)}"
                     + "".join(f"; also `{a['source']}`, p. {_span(a['pages'])}" for a in h.also))
        for c in _unique_cites(h):
            lines.append(f">\n> cites {c['marker']}: {c['raw']}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
