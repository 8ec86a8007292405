"""The hand-written rules: one bibliography entry (raw text) -> fields, for GOST (7.1-2003,
7.0.5-2008, R 7.0.100-2018), APA, Harvard, Vancouver, IEEE and ACL/Chicago/MLA-style author-year
entries. parse_rules drops the list label, takes out the identifiers that look the same in every
style (access date, DOI, URL), recognises the entry's style family from its punctuation and hands
it to that family's parser, which reads it area by area. What cannot be read stays None. An entry
with neither a title nor authors, or text that reads as no reference at all, is flagged
`parsed_ok = False` and keeps only its raw text (and a URL or DOI when it has one). Nothing here
raises on odd input, and every pattern is bounded so that long garbage stays fast."""

from __future__ import annotations

import re

from kb.refs.identifiers import take_identifiers
from kb.refs.kinds import infer_type
from kb.refs.numbers import fallback_year
from kb.refs.plausible import plausible, reads_as_text
from kb.refs.reference import MAX_LEN, Reference
from kb.refs.rules.author_date import parse_author_date
from kb.refs.rules.comma import parse_comma
from kb.refs.rules.gost import parse_gost
from kb.refs.rules.quoted import QUOTED, parse_quoted
from kb.refs.rules.recognise import gost_variant, recognise
from kb.refs.rules.vancouver import parse_vancouver
from kb.refs.text import NAME_EDGE, clean

_STYLE_LABEL = {"comma": "other"}  # the labels' vocabulary: informal comma-separated lists are 'other'
LABEL = re.compile(r"^\s*(?:[-–•]\s*)?(?:\[\d{1,3}\]|\d{1,3}[.)](?!\d))\s*")
DITTO = re.compile(r"^\s*(?:[—–_-]\s*){2,}\.?,?\s*")


def entry_text(raw: str) -> str:
    """The entry on one line, soft hyphens and its list label ('1.', '[12]', '- ') gone."""
    return LABEL.sub("", " ".join(raw.replace("\u00ad", "").split()))


def checked(ref: Reference) -> Reference:
    """ref with parsed_ok set; an entry that reads as no reference keeps only what is certain
    (a bare URL is a web page, but nothing describes it)."""
    ref.parsed_ok = bool(ref.title or ref.authors) and plausible(ref)
    if ref.parsed_ok:
        return ref
    raw = ref.raw
    bare_url = bool(ref.url) and len(raw) < 300 and reads_as_text(raw)
    return Reference(raw=raw, url=ref.url, doi=ref.doi, type="web" if bare_url else None)


def parse_rules(raw: str, previous: Reference | None = None) -> Reference:
    """Parse one entry with the hand-written rules alone. `previous` is the entry above it in the
    same list: an IEEE '———' (same authors as above) takes its authors."""
    ref = Reference(raw=raw)
    if not raw or not raw.strip() or len(raw) > MAX_LEN:
        return ref
    try:
        _parse_into(ref, raw, previous)
    except (AttributeError, IndexError, ValueError, TypeError, RecursionError):
        ref = Reference(raw=raw)
    return checked(ref)


def _parse_into(ref: Reference, raw: str, previous: Reference | None) -> None:
    s = entry_text(raw)
    ditto = DITTO.match(s)
    if ditto:
        s = s[ditto.end():]
    printed = s
    s = take_identifiers(s, ref)
    style, m = recognise(s)
    if ditto and style != "ieee" and (q := QUOTED.search(s)):
        style, m = "ieee", q
    if style in ("apa", "harvard", "other") and m is not None:
        parse_author_date(s, ref, m, "acl" if style == "other" else style)
    elif style == "ieee":
        parse_quoted(s, ref)
    elif style == "vancouver":
        parse_vancouver(s, ref)
    elif style == "comma":
        parse_comma(s, ref)
    else:
        parse_gost(s, ref)
        style = gost_variant(printed)
    if ditto:
        ref.authors = list(previous.authors) if previous else []
    ref.style = _STYLE_LABEL.get(style, style)
    if style == "ieee" and m is not None and m.group(0).rstrip().endswith((".”", ".\"", "”.")):
        ref.style = "other"  # MLA / Chicago: 'Author. “Title.” Journal'
    if ref.year is None:
        ref.year = fallback_year(s, ref)
    ref.type = infer_type(ref, s, style)
    ref.title, ref.container = clean(ref.title), clean(ref.container)
    ref.publisher, ref.place = clean(ref.publisher, NAME_EDGE), clean(ref.place, NAME_EDGE)
