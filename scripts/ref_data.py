"""Labelled reference strings from every source kb learns from or is scored on, in one form:
`Example(raw, spans, source, fields)` with character spans `(start, end, label)` in kb's label set.

- GROBID's citation data (TEI `<bibl>`, ../shared/datasets/grobid-citation): the two
  `evaluation-citation-*` files (and their copies under `corpus__`) are GROBID's evaluation
  split and are kept out of training.
- AnyStyle's parser sets (../shared/datasets/anystyle-parser): `gold.xml` is held out.
- kb's own labelled entries (scripts/data/refs_dev.jsonl): field values aligned back onto the
  raw string.
- Typeset records (scripts/ref_synth.py).

Label set: author editor title container date volume issue pages publisher place doi url accessed
number note, and O for separators.
"""

from __future__ import annotations

import functools
import json
import re
import xml.etree.ElementTree as ET
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from kb.refs.align import align

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "datasets"
DATA = REPO / "scripts" / "data"

LABELS = ("author", "editor", "title", "container", "date", "volume", "issue", "pages", "publisher",
          "place", "doi", "url", "accessed", "number", "note")


@dataclass
class Example:
    raw: str
    spans: list[tuple[int, int, str]]
    source: str
    fields: dict | None = None  # kb-style gold fields, where the source has them
    meta: dict = field(default_factory=dict)


# --- GROBID TEI ------------------------------------------------------------------------------------

_TEI = "{http://www.tei-c.org/ns/1.0}"


def _grobid_label(el: ET.Element, bibl_has_a: bool) -> str | None:
    tag = el.tag.replace(_TEI, "").lower()
    kind = (el.get("level") or el.get("type") or el.get("unit") or "").lower()
    if tag == "author" or tag == "orgname":
        return "author"
    if tag == "editor":
        return "editor"
    if tag == "title":
        if kind == "a":
            return "title"
        if kind == "m":
            return "container" if bibl_has_a else "title"
        if kind == "j":
            return "container"
        return "note"
    if tag == "date":
        return "date"
    if tag == "biblscope":
        return {"volume": "volume", "vol": "volume", "issue": "issue", "page": "pages", "pp": "pages",
                "pages": "pages"}.get(kind, "note")
    if tag == "publisher":
        return "publisher"
    if tag in ("pubplace",):
        return "place"
    if tag == "idno":
        return "doi" if kind == "doi" else "note"
    if tag == "ptr":
        return "url"
    if tag == "note":
        return "note"
    return None


def _inner(el: ET.Element, label: str | None, parts: list[str], spans: list, has_a: bool, pos: list[int]):
    """el's own text and its children (each followed by its tail), in order."""
    if el.text:
        parts.append(el.text)
        pos[0] += len(el.text)
    for child in el:
        _walk(child, label, parts, spans, has_a, pos)
        if child.tail:
            parts.append(child.tail)
            pos[0] += len(child.tail)


def _walk(el: ET.Element, label: str | None, parts: list[str], spans: list, has_a: bool, pos: list[int]):
    """Text of el into parts; a span for el when it is the outermost element with a kb label."""
    own = _grobid_label(el, has_a) if label is None else label
    start = pos[0]
    _inner(el, own, parts, spans, has_a, pos)
    if own is not None and label is None and pos[0] > start:
        spans.append((start, pos[0], own))


def _normalise_spaces(raw: str, spans: list) -> tuple[str, list]:
    """Collapse whitespace runs to one space and strip, moving the spans with the text."""
    out, mapping = [], []
    prev_space = True
    for ch in raw:
        if ch.isspace():
            if not prev_space:
                out.append(" ")
            mapping.append(len(out))
            prev_space = True
        else:
            mapping.append(len(out))
            out.append(ch)
            prev_space = False
    mapping.append(len(out))
    text = "".join(out)
    stripped = text.rstrip()
    new = []
    for s, e, lab in spans:
        a, b = mapping[s], mapping[e]
        while a < b and a < len(text) and text[a] == " ":
            a += 1
        b = min(b, len(stripped))
        while b > a and text[b - 1] == " ":
            b -= 1
        if b > a:
            new.append((a, b, lab))
    return stripped, new


def grobid_split(name: str) -> str:
    """'eval' for GROBID's evaluation files (and their copies in its corpus), 'dev' for one file in
    twenty of the rest (kept out of training to tune on), 'train' for the others."""
    if "evaluation-citation" in name:
        return "eval" if name.startswith("evaluation__") else "eval-copy"
    return "dev" if zlib.crc32(name.encode()) % 20 == 0 else "train"


def grobid_examples(split: str = "train") -> list[Example]:
    """GROBID's tagged references of one split: 'train', 'dev' or 'eval'."""
    root = SHARED / "grobid-citation"
    out = []
    for path in sorted(root.glob("*.xml")):
        if grobid_split(path.name) != split:
            continue
        tree = ET.parse(path)
        for bibl in tree.iter():
            if bibl.tag.replace(_TEI, "") != "bibl":
                continue
            has_a = any(t.get("level") == "a" for t in bibl.iter() if t.tag.replace(_TEI, "") == "title")
            parts, spans, pos = [], [], [0]
            _inner(bibl, None, parts, spans, has_a, pos)
            raw, spans = _normalise_spaces("".join(parts), spans)
            lead = len(raw) - len(raw.lstrip())
            if raw.strip() and spans:
                out.append(Example(raw.strip(), [(s - lead, e - lead, lab) for s, e, lab in spans],
                                   f"grobid:{path.name}"))
    return out


# --- AnyStyle --------------------------------------------------------------------------------------

_ANY_MAP = {"author": "author", "editor": "editor", "translator": "editor", "director": "editor",
            "producer": "editor", "title": "title", "container-title": "container", "journal": "container",
            "date": "date", "volume": "volume", "pages": "pages", "publisher": "publisher",
            "location": "place", "doi": "doi", "url": "url", "citation-number": "number"}
_ISSUE_START = re.compile(r"(?:\(|\b(?:no|nr|issue|iss|n|№)\.?\s*)(?=\s*\d)", re.I)


def _split_volume(text: str, start: int) -> list[tuple[int, int, str]]:
    """AnyStyle's `volume` holds volume and issue ('106(2)', 'Vol. 9, No. 3'): split them."""
    m = _ISSUE_START.search(text)
    if not m:
        return [(start, start + len(text), "volume")]
    if m.start() == 0:
        return [(start, start + len(text), "issue")]
    vol_end = len(text[:m.start()].rstrip(" ,"))
    return [(start, start + vol_end, "volume"), (start + m.start(), start + len(text), "issue")]


def anystyle_examples(files: tuple[str, ...]) -> list[Example]:
    out = []
    for name in files:
        tree = ET.parse(SHARED / "anystyle-parser" / name)
        for seq in tree.getroot().iter("sequence"):
            parts, spans, pos = [], [], 0
            for child in seq:
                text = " ".join((child.text or "").split())
                if not text:
                    continue
                if parts:
                    parts.append(" ")
                    pos += 1
                label = _ANY_MAP.get(child.tag, "note")
                if label == "volume":
                    spans.extend(_split_volume(text, pos))
                else:
                    spans.append((pos, pos + len(text), label))
                parts.append(text)
                pos += len(text)
            raw = "".join(parts)
            if raw:
                out.append(Example(raw, spans, f"anystyle:{name}"))
    return out


# --- kb's own labelled entries: field values aligned onto the raw string (kb.refs.align) ----------

_LABEL_PREFIX = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}[.)](?!\d))\s*")


def kb_examples(name: str = "refs_dev.jsonl") -> tuple[list[Example], int]:
    """kb's own labelled entries (aligned); also returns how many could not be aligned."""
    out, failed = [], 0
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line:
            continue
        row = json.loads(line)
        spans = align(row["raw"], row["fields"])
        if spans is None:
            failed += 1
            continue
        out.append(Example(row["raw"], spans, f"kb:{row['source']}", row["fields"],
                           {"style": row["style"], "id": row["id"]}))
    return out, failed


@functools.lru_cache(maxsize=1)
def _extra_files() -> tuple[str, ...]:
    return tuple(sorted(json.loads(p.read_text(encoding="utf-8"))["file"] for p in (DATA / "gold_extra").glob("*.json")))


def extra_half(file: str) -> str:
    """Halves of the gold_extra PDFs, every other file in name order, for a model trained on one half
    and measured on the other."""
    return "a" if _extra_files().index(file) % 2 == 0 else "b"


def extra_examples(without_half: str | None = None) -> tuple[list[Example], int]:
    """The labelled entries of gold_extra/ (real papers typeset elsewhere), aligned; entries without
    fields are skipped. Also returns how many could not be aligned."""
    out, failed = [], 0
    for path in sorted((DATA / "gold_extra").glob("*.json")):
        g = json.loads(path.read_text(encoding="utf-8"))
        if without_half and extra_half(g["file"]) == without_half:
            continue
        for lst in g["lists"]:
            for e in lst["entries"]:
                if not e.get("fields"):
                    continue
                spans = align(e["raw"], e["fields"])
                if spans is None:
                    failed += 1
                    continue
                out.append(Example(e["raw"], spans, f"extra:{g['file']}", e["fields"], {"style": e.get("style")}))
    return out, failed
