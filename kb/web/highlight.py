"""Query terms marked in passage text, safely: every piece of the text is escaped before any
markup is added, so a passage (or a query) holding HTML can never inject it."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from kb.search.lexical import STOPWORDS, analyze

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def highlight(text: str, query: str) -> Markup:
    """`text` as HTML with the words whose stems occur in `query` wrapped in <mark>."""
    stems = set(analyze(query))
    if not stems:
        return escape(text)
    seen: dict[str, bool] = {}
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        out.append(escape(text[pos:m.start()]))
        key = word.lower()
        if key not in seen:
            seen[key] = key not in STOPWORDS and bool(stems.intersection(analyze(word)))
        out.append(Markup("<mark>%s</mark>") % word if seen[key] else escape(word))
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)
