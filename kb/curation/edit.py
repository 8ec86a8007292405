"""`kb edit`: store or clear the corrections of one paper or one reference entry.

Everything typed is checked before anything is written, and the writes are one transaction, so an
unknown id, an unknown field or a bad year changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from kb import library
from kb.curation import fields
from kb.errors import KbError
from kb.store import corrections, db


@dataclass
class Change:
    """What one `kb edit` did to one paper or reference entry."""

    kind: str  # paper | ref
    id: int
    paper_id: int
    set: list[str] = field(default_factory=list)
    cleared: list[str] = field(default_factory=list)
    not_corrected: list[str] = field(default_factory=list)  # --clear of a field that had no correction

    def line(self) -> str:
        what = f"paper {self.id}" if self.kind == "paper" else f"ref {self.id} (paper {self.paper_id})"
        parts = []
        if self.set:
            parts.append("corrected " + ", ".join(self.set))
        if self.cleared:
            parts.append("cleared " + ", ".join(self.cleared))
        if self.not_corrected:
            parts.append("no correction to clear for " + ", ".join(self.not_corrected))
        return f"{what}: " + "; ".join(parts)

    def as_json(self, conn: sqlite3.Connection) -> dict:
        """The change and the item as every output now shows it."""
        if self.kind == "paper":
            item = {"paper": library.get_paper(conn, self.id, with_passages=False)}
            item["paper"].pop("sections", None)
        else:
            item = {"ref": next(r for r in library.list_refs(conn, self.paper_id) if r["id"] == self.id)}
        return {"set": self.set, "cleared": self.cleared, "not_corrected": self.not_corrected, **item}


def _target(conn: sqlite3.Connection, kind: str, item_id: int) -> tuple[corrections.Key, int]:
    """The correction key of a paper or reference entry, and its paper's id."""
    if kind == "paper":
        key = corrections.paper_key(conn, item_id)
        if key is None:
            raise KbError(f"no paper with id {item_id} (see `kb papers`)")
        return key, item_id
    found = corrections.ref_key(conn, item_id)
    if found is None:
        raise KbError(f"no reference entry with id {item_id} (see `kb refs --json`)")
    return found


def checked_values(kind: str, values: Mapping[str, object]) -> dict[str, object]:
    """field -> value to store, for what was typed; KbError for an unknown field or a malformed value."""
    out: dict[str, object] = {}
    for name, raw in values.items():
        name_ = fields.field_name(kind, name)
        value = fields.parse_value(kind, name_, raw)
        if name_ in out and out[name_] != value:
            raise KbError(f"two different values given for {name_}")
        out[name_] = value
    return out


def checked_clears(kind: str, names: Sequence[str]) -> list[str] | None:
    """The fields to clear; None for `all`."""
    if any(n.strip().lower() == "all" for n in names):
        return None
    return list(dict.fromkeys(fields.field_name(kind, n) for n in names))


def edit(conn: sqlite3.Connection, kind: str, item_id: int, values: Mapping[str, object],
         clear: Sequence[str] = ()) -> Change:
    """Clear, then set, the corrections of a paper (`kind` "paper") or a reference entry ("ref")."""
    key, paper_id = _target(conn, kind, item_id)
    if not values and not clear:
        raise KbError("nothing to change: give a field to correct (--title, --author, --year, ...) "
                      "or --clear FIELD")
    to_set = checked_values(kind, values)
    to_clear = checked_clears(kind, clear) if clear else []
    order = fields.fields_of(kind)
    change = Change(kind, item_id, paper_id, sorted(to_set, key=order.index))
    at = corrections.now()
    with db.transaction(conn):
        if clear:
            change.cleared = corrections.clear(conn, key, to_clear)
            if to_clear is not None:
                change.not_corrected = [f for f in to_clear if f not in change.cleared]
        for name, value in to_set.items():
            corrections.put(conn, key, name, value, at)
    change.cleared = sorted(change.cleared, key=order.index)
    return change
