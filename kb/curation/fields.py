"""Which fields a correction may change, how a typed value is checked, and how corrections are laid
over the dicts the readers build, so every output shows the corrected value and nothing else changes.

Values: text (empty means "the field is empty"), a year (four digits), a DOI (`10.NNNN/...`) and
authors, each "Family, Given" or as printed; a corrected author list replaces the whole list.
"""

from __future__ import annotations

import re

from kb.cite import names
from kb.errors import KbError
from kb.ingest.papermeta import parsed_authors
from kb.store.corrections import Fixes

# paper field -> key in the paper dict's `venue`, for the venue fields
PAPER_VENUE = {"venue": "container", "volume": "volume", "issue": "issue", "publisher": "publisher",
               "place": "place"}
PAPER_FIELDS = ("title", "authors", "venue", "volume", "issue", "pages", "publisher", "place", "year", "doi")
REF_FIELDS = ("title", "authors", "container", "volume", "issue", "pages", "publisher", "place", "year", "doi",
              "url")
# another name a user may give a field: a paper's venue is a reference entry's container
ALIASES = {"paper": {"container": "venue", "author": "authors", "journal": "venue", "page_range": "pages"},
           "ref": {"venue": "container", "author": "authors", "journal": "container"}}

_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def fields_of(kind: str) -> tuple[str, ...]:
    return PAPER_FIELDS if kind == "paper" else REF_FIELDS


def field_name(kind: str, name: str) -> str:
    """The stored name of a field a user typed; an unknown one is a KbError that lists the known ones."""
    name = name.strip().lower()
    name = ALIASES[kind].get(name, name)
    if name not in fields_of(kind):
        what = "a paper" if kind == "paper" else "a reference entry"
        raise KbError(f"unknown field {name!r} for {what} (fields: {', '.join(fields_of(kind))})")
    return name


def normalise_doi(text: str) -> str:
    return _DOI_PREFIX.sub("", text.strip()).strip().rstrip(".")


def parse_year(text: str | int) -> int:
    value = str(text).strip()
    if not re.fullmatch(r"\d{4}", value) or not 1000 <= int(value) <= 2100:
        raise KbError(f"bad year {text!r}: expected four digits, e.g. 2021")
    return int(value)


def printed_form(family: str, given: str | None) -> str:
    """A printed name the citation styles read back as this family name and these initials."""
    if not given:
        return family
    want = names.from_parts(family, given)
    tries = (f"{given} {family}", f"{family} {given}", f"{family} {want.initials_dotted()}")
    for text in tries:
        got = names.parse_name(text)
        if not got.literal and got.surname.casefold() == family.casefold() and got.initials == want.initials:
            return text
    return tries[-1]


def person(text: str | dict) -> dict:
    """'Family, Given', a name as printed or {'family', 'given'} -> {'printed', 'family', 'given'}."""
    if isinstance(text, dict):
        family = re.sub(r"\s+", " ", text.get("family") or "").strip()
        given = re.sub(r"\s+", " ", text.get("given") or "").strip() or None
        if not family:
            raise KbError(f"bad author {text!r}: no family name")
        return {"printed": printed_form(family, given), "family": family, "given": given}
    text = re.sub(r"\s+", " ", text).strip()
    if "," in text:
        family, given = (part.strip() for part in text.split(",", 1))
        if not family:
            raise KbError(f"bad author {text!r}: expected \"Family, Given\" or the name as printed")
        return {"printed": printed_form(family, given or None), "family": family, "given": given or None}
    parsed = parsed_authors([text])[0]
    return {"printed": text, "family": parsed.get("family") or text, "given": parsed.get("given")}


def parse_value(kind: str, field: str, raw: object) -> object:
    """The value to store for what a user typed (a list of strings for authors); KbError when malformed."""
    if field == "authors":
        items = [raw] if isinstance(raw, str | dict) else list(raw)
        people = [person(a) for a in items if isinstance(a, dict) or str(a).strip()]
        return people if kind == "paper" else [p["printed"] for p in people]
    text = re.sub(r"\s+", " ", str(raw)).strip()
    if not text:
        return None
    if field == "year":
        year = parse_year(text)
        return year if kind == "paper" else str(year)
    if field == "pages":
        return re.sub(r"(?<=\w)\s*(?:-{1,3}|—|−)\s*(?=\w)", "–", text)  # 45-58, 45--58 -> 45–58, as printed
    if field == "doi":
        doi = normalise_doi(text)
        if not _DOI.match(doi):
            raise KbError(f"bad DOI {raw!r}: expected 10.NNNN/suffix")
        return doi
    return text


def apply_paper(paper: dict, fixes: Fixes, *, mark: bool = True) -> dict:
    """Corrected values over a paper dict (full or a search hit's brief); `corrected` says which and when."""
    for field, (value, _) in fixes.items():
        if field == "authors":
            paper["authors"] = [a["printed"] for a in value]
            if "authors_parsed" in paper:
                paper["authors_parsed"] = [{"family": a["family"], "given": a.get("given")} for a in value]
        elif field in PAPER_VENUE:
            if isinstance(paper.get("venue"), dict):
                paper["venue"][PAPER_VENUE[field]] = value
        elif field == "pages":
            if "page_range" in paper:
                paper["page_range"] = value
        elif field in paper:
            paper[field] = value
    if mark:
        paper["corrected"] = {f: fixes[f][1] for f in PAPER_FIELDS if f in fixes}
    return paper


def apply_ref(ref: dict, fixes: Fixes, *, mark: bool = True) -> dict:
    """Corrected values over a reference entry's dict (or a cited work's fields)."""
    for field, (value, _) in fixes.items():
        ref[field] = value
    if mark:
        ref["corrected"] = {f: fixes[f][1] for f in REF_FIELDS if f in fixes}
    return ref


def current_value(kind: str, item: dict, field: str) -> object:
    """What an output shows now for a field (of a paper dict from library, or a reference entry's)."""
    if kind == "paper":
        if field in PAPER_VENUE:
            return (item.get("venue") or {}).get(PAPER_VENUE[field])
        if field == "pages":
            return item.get("page_range")
        if field == "authors":
            return [{"family": a.get("family"), "given": a.get("given")} for a in item.get("authors_parsed") or []]
    return item.get(field)


def comparable(kind: str, field: str, value: object) -> object:
    """A stored value in the form current_value gives, to tell whether a correction changes anything."""
    if kind == "paper" and field == "authors":
        return [{"family": a["family"], "given": a.get("given")} for a in value or []]
    return value
