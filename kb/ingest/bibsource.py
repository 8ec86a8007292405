"""A BibTeX or CSL-JSON export whose entries name their PDFs -> plain records (kb.ingest.items).

Zotero, Better BibTeX, JabRef and Mendeley write the files of an entry as
`file = {Full Text:files/12/paper.pdf:application/pdf}`: `description:path:type`, several joined
by `;`, with `\\:`, `\\;` and `\\\\` escaping those characters inside a part. A relative path is
relative to the export file. Tags come from `keywords`, collections from JabRef's `groups`.
Exports carry no modification dates: an entry counts as changed when anything kb reads of it does.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from kb.ingest.items import (
    Attachment,
    Creator,
    Library,
    SourceError,
    SourceItem,
    doi_of,
    language_code,
    year_of,
)

_PLAIN = {"title", "journal", "journaltitle", "booktitle", "publisher", "address", "location", "volume",
          "number", "issue", "pages", "langid", "language", "keywords", "groups", "year", "date"}


def read(path: Path) -> Library:
    """The entries of a .bib or CSL-JSON file that name at least one PDF (missing ones included)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise SourceError("no such file")
    if path.is_dir():
        raise SourceError("is a directory (give a .bib or CSL-JSON file; a Zotero data directory goes with --zotero)")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise SourceError(f"cannot read the file: {exc.strerror or exc}") from exc
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _read_csl(path, text)
    return _read_bibtex(path, text)


# --- file fields ---------------------------------------------------------------------------------

def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, buf, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            buf.append(text[i:i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
        i += 1
    parts.append("".join(buf))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\([^A-Za-z0-9.])", r"\1", text)


def file_paths(value: str) -> list[str]:
    """The paths a `file` field names: 'Full Text:files/12/a.pdf:application/pdf;:/abs/b.pdf:PDF' -> both."""
    out = []
    for spec in _split_unescaped(value.strip(), ";"):
        parts = _split_unescaped(spec.strip(), ":")
        if len(parts) >= 3:
            raw = ":".join(parts[1:-1])  # an unescaped drive colon (C:\...) splits the path itself
        elif len(parts) == 2:
            raw = ":".join(parts) if len(parts[0]) == 1 else parts[1]  # 'C:\x.pdf' or 'description:path'
        else:
            raw = parts[0]
        raw = _unescape(raw).strip()
        if raw:
            out.append(raw)
    return out


def _attachments(names: list[str], base: Path) -> list[Attachment]:
    out = []
    for name in names:
        if not name.lower().endswith(".pdf"):
            continue
        path = Path(name).expanduser()
        out.append(Attachment(name, path if path.is_absolute() else base / path, name, primary=not out))
    return out


# --- BibTeX --------------------------------------------------------------------------------------

def _latex(text: str | None) -> str | None:
    if text is None:
        return None
    from pylatexenc.latex2text import LatexNodes2Text  # installed with bibtexparser

    try:
        plain = LatexNodes2Text().latex_to_text(text)
    except Exception:  # a malformed macro: keep the text without its braces rather than lose the field
        plain = text.replace("{", "").replace("}", "")
    return " ".join(plain.split()) or None


def _names(value, role: str) -> list[Creator]:
    out = []
    for n in value if isinstance(value, list) else []:
        family = _latex(" ".join([*n.von, *n.last]))
        given = _latex(" ".join(n.first))
        if n.jr:
            given = f"{given or ''}, {_latex(' '.join(n.jr))}".strip(", ")
        if family:
            out.append(Creator(family, given, role))
        elif given:
            out.append(Creator(given, None, role))
    return out


def _words(value: str | None) -> list[str]:
    return [w.strip() for w in re.split(r"[,;]", value or "") if w.strip()]


def _read_bibtex(path: Path, text: str) -> Library:
    import bibtexparser
    from bibtexparser import middlewares as mw
    from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL)  # its warnings would repeat, unasked, what the problems below say
    try:
        parsed = bibtexparser.parse_string(text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()])
    finally:
        log.setLevel(level)
    library = Library("bibtex", path.resolve())
    for block in parsed.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            library.problems.append((f"{path.name} entry {block.key}",
                                     f"line {line}: a second entry with this key (kb keeps the first)"))
        elif isinstance(block, ParsingFailedBlock):
            m = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", block.raw or "")
            library.problems.append((f"{path.name} entry {m.group(1)}" if m else path.name,
                                     f"line {line}: the entry cannot be parsed (unbalanced braces or quotes?)"))
    without = 0
    for entry in parsed.entries:
        f = {k.lower(): v for k, v in entry.fields_dict.items()}
        value = {k: fld.value for k, fld in f.items()}
        names = file_paths(value["file"]) if isinstance(value.get("file"), str) else []
        atts = _attachments(names, path.parent)
        if not atts:
            without += 1
            continue
        text_of = {k: _latex(v) for k, v in value.items() if k in _PLAIN and isinstance(v, str)}
        library.items.append(SourceItem(
            key=entry.key, item_type=entry.entry_type.lower(), title=text_of.get("title"),
            creators=_names(value.get("author"), "author") + _names(value.get("editor"), "editor"),
            container=text_of.get("journal") or text_of.get("journaltitle") or text_of.get("booktitle"),
            volume=text_of.get("volume"), issue=text_of.get("number") or text_of.get("issue"),
            pages=text_of.get("pages"), year=year_of(text_of.get("year") or text_of.get("date")),
            doi=doi_of(_unescape(value["doi"]) if isinstance(value.get("doi"), str) else None),
            lang=language_code(text_of.get("langid") or text_of.get("language")),
            publisher=text_of.get("publisher"), place=text_of.get("address") or text_of.get("location"),
            collections=_words(text_of.get("groups")), tags=_words(text_of.get("keywords")), attachments=atts))
    if without:
        library.notes.append(f"{without} entr{'y' if without == 1 else 'ies'} without a PDF file skipped")
    return library


# --- CSL-JSON ------------------------------------------------------------------------------------

def _csl_names(people, role: str) -> list[Creator]:
    out = []
    for p in people if isinstance(people, list) else []:
        if not isinstance(p, dict):
            continue
        family = _str(p.get("family")) or _str(p.get("literal"))
        given = _str(p.get("given")) if p.get("family") else None
        if family:
            out.append(Creator(family, given, role))
    return out


def _str(value) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _csl_year(issued) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            try:
                return int(parts[0][0])
            except (TypeError, ValueError):
                pass
        return year_of(_str(issued.get("raw")) or _str(issued.get("literal")))
    return year_of(_str(issued))


def _csl_files(entry: dict) -> list[str]:
    out: list[str] = []
    for value in (entry.get("file"), entry.get("attachments")):
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, dict):
                one = one.get("path") or one.get("localPath")
            if isinstance(one, str) and one.strip():
                out += file_paths(one)
    return out


def _read_csl(path: Path, text: str) -> Library:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(f"not valid JSON: {exc.msg} at line {exc.lineno}") from exc
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise SourceError("not a CSL-JSON export (expected an array of items)")
    library = Library("csl-json", path.resolve())
    without = 0
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or not _str(entry.get("id")):
            library.problems.append((f"{path.name} item {n}", "not a CSL-JSON item (no id)"))
            continue
        atts = _attachments(_csl_files(entry), path.parent)
        if not atts:
            without += 1
            continue
        keywords = entry.get("keyword")
        library.items.append(SourceItem(
            key=_str(entry["id"]), item_type=_str(entry.get("type")), title=_str(entry.get("title")),
            creators=_csl_names(entry.get("author"), "author") + _csl_names(entry.get("editor"), "editor"),
            container=_str(entry.get("container-title")), volume=_str(entry.get("volume")),
            issue=_str(entry.get("issue")), pages=_str(entry.get("page")), year=_csl_year(entry.get("issued")),
            doi=doi_of(_str(entry.get("DOI"))), lang=language_code(_str(entry.get("language"))),
            publisher=_str(entry.get("publisher")), place=_str(entry.get("publisher-place")),
            tags=[t for t in map(_str, keywords) if t] if isinstance(keywords, list) else _words(_str(keywords)),
            attachments=atts))
    if without:
        library.notes.append(f"{without} item(s) without a PDF file skipped")
    return library
