"""The parsed form of one bibliography entry: the Reference record every parser fills in, the
names of its bibliographic FIELDS (what the evaluation scores and the store keeps), and MAX_LEN,
beyond which a string is a splitting accident rather than one entry. A field that cannot be read
stays None; `parsed_ok` says whether the entry reads as a reference at all."""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("authors", "title", "container", "year", "volume", "issue", "pages", "publisher", "place",
          "doi", "url", "accessed", "type")
MAX_LEN = 3000  # a longer "entry" is a splitting accident, not one reference


@dataclass
class Reference:
    raw: str
    authors: list[str] = field(default_factory=list)
    title: str | None = None
    container: str | None = None
    year: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    publisher: str | None = None
    place: str | None = None
    doi: str | None = None
    url: str | None = None
    accessed: str | None = None
    type: str | None = None
    style: str | None = None
    parsed_ok: bool = False

    def fields(self) -> dict:
        return {k: list(self.authors) if k == "authors" else getattr(self, k) for k in FIELDS}
