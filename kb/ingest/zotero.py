"""A Zotero data directory -> plain records (kb.ingest.items): metadata, collections, tags, PDFs.

zotero.sqlite is opened read-only and immutable: a running Zotero holds an exclusive lock on it,
and kb must neither wait for that lock nor disturb it. Only the tables and columns below are read;
they have had this shape since Zotero 5.0 (userdata schema 80), and the newest schema kb was
checked against is NEWEST_CHECKED. A newer schema is read when every one of them is still there.
"""

from __future__ import annotations

import os
import sqlite3
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

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

MIN_USERDATA = 80  # Zotero 5.0: creators, tags and attachments in today's form
NEWEST_CHECKED = 129

REQUIRED = {
    "version": ("schema", "version"),
    "libraries": ("libraryID", "type"),
    "items": ("itemID", "itemTypeID", "dateAdded", "dateModified", "clientDateModified", "libraryID", "key"),
    "itemTypes": ("itemTypeID", "typeName"),
    "fields": ("fieldID", "fieldName"),
    "itemData": ("itemID", "fieldID", "valueID"),
    "itemDataValues": ("valueID", "value"),
    "creators": ("creatorID", "firstName", "lastName", "fieldMode"),
    "creatorTypes": ("creatorTypeID", "creatorType"),
    "itemCreators": ("itemID", "creatorID", "creatorTypeID", "orderIndex"),
    "collections": ("collectionID", "collectionName", "parentCollectionID"),
    "collectionItems": ("collectionID", "itemID"),
    "tags": ("tagID", "name"),
    "itemTags": ("itemID", "tagID"),
    "itemAttachments": ("itemID", "parentItemID", "linkMode", "contentType", "path"),
    "deletedItems": ("itemID",),
}

# itemAttachments.linkMode (Zotero.Attachments.LINK_MODE_*)
IMPORTED_FILE, IMPORTED_URL, LINKED_FILE = 0, 1, 2
CONTAINER_FIELDS = ("publicationTitle", "proceedingsTitle", "bookTitle", "encyclopediaTitle", "dictionaryTitle",
                    "websiteTitle")
NOT_BIBLIOGRAPHIC = ("note", "annotation", "attachment")


def read(directory: Path) -> Library:
    """Every item of the data directory that has a PDF (or whose PDF is gone), with its metadata."""
    directory = Path(directory).expanduser()
    if not directory.exists():
        raise SourceError("no such directory")
    if not directory.is_dir():
        raise SourceError("not a directory (give the Zotero data directory, which holds zotero.sqlite and storage/)")
    db_path = directory / "zotero.sqlite"
    if not db_path.is_file():
        raise SourceError("no zotero.sqlite in this directory: not a Zotero data directory (Zotero shows it "
                          "under Settings → Advanced → Files and Folders)")
    if not os.access(db_path, os.R_OK):
        raise SourceError("cannot read zotero.sqlite: permission denied")
    try:
        conn = sqlite3.connect(f"file:{quote(str(db_path.resolve()))}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise SourceError(_explain(exc)) from exc
    try:
        conn.row_factory = sqlite3.Row
        notes = check_schema(conn)
        library = _read_items(conn, directory)
    except sqlite3.Error as exc:
        raise SourceError(_explain(exc)) from exc
    finally:
        conn.close()
    library.notes[:0] = notes
    return library


def _explain(exc: sqlite3.Error) -> str:
    text = str(exc)
    if "not a database" in text or "encrypted" in text:
        return f"zotero.sqlite is not a readable SQLite database ({text})"
    if "malformed" in text:
        return (f"zotero.sqlite cannot be read ({text}): it may have changed while kb read it; "
                "try again, or with Zotero closed")
    if "locked" in text or "busy" in text:
        return f"zotero.sqlite is locked by another program ({text}); try again with Zotero closed"
    return f"cannot read zotero.sqlite: {text}"


def check_schema(conn: sqlite3.Connection) -> list[str]:
    """The schema versions kb can read; raises SourceError naming what is wrong, returns remarks."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "version" not in tables or "items" not in tables:
        raise SourceError("zotero.sqlite has no version or items table: not a Zotero database")
    row = conn.execute("SELECT version FROM version WHERE schema = 'userdata'").fetchone()
    try:
        version = int(row[0]) if row is not None else None
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise SourceError("zotero.sqlite records no userdata schema version: not a Zotero database kb can read")
    if version < MIN_USERDATA:
        raise SourceError(f"Zotero userdata schema version {version} is older than Zotero 5 (kb reads "
                          f"{MIN_USERDATA}–{NEWEST_CHECKED}); open the library in Zotero 5 or later once to upgrade it")
    missing = []
    for table, columns in REQUIRED.items():
        have = {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
        missing += [f"{table}.{c}" for c in columns if c not in have] if have else [table]
    if missing:
        raise SourceError(f"Zotero userdata schema version {version} is not one kb can read (checked "
                          f"{MIN_USERDATA}–{NEWEST_CHECKED}): missing {', '.join(missing[:4])}"
                          + (f" and {len(missing) - 4} more" if len(missing) > 4 else ""))
    if version > NEWEST_CHECKED:
        return [f"Zotero userdata schema version {version} is newer than kb was checked against "
                f"({NEWEST_CHECKED}); every table and column kb reads is there"]
    return []


def _read_items(conn: sqlite3.Connection, directory: Path) -> Library:
    library = Library("zotero", directory.resolve())
    rows = conn.execute(
        "SELECT i.itemID, i.key, i.libraryID, l.type AS library_type, t.typeName, i.dateModified, "
        "i.clientDateModified, i.itemID IN (SELECT itemID FROM deletedItems) AS trashed "
        "FROM items i JOIN itemTypes t ON t.itemTypeID = i.itemTypeID "
        "JOIN libraries l ON l.libraryID = i.libraryID WHERE l.type != 'feed'").fetchall()
    user_libraries = {r["libraryID"] for r in rows if r["library_type"] == "user"}
    fields = _fields(conn)
    creators = _creators(conn)
    collections = _collections(conn)
    tags: dict[int, list[str]] = defaultdict(list)
    for r in conn.execute("SELECT itemID, name FROM itemTags JOIN tags USING (tagID) ORDER BY itemID, name"):
        tags[r[0]].append(r[1])
    by_id: dict[int, SourceItem] = {}
    for r in rows:
        if r["typeName"] in ("note", "annotation"):
            continue
        key = r["key"] if r["libraryID"] in user_libraries else f"{r['libraryID']}/{r['key']}"
        if r["trashed"]:
            library.trashed.add(key)
            continue
        data = fields.get(r["itemID"], {})
        bibliographic = r["typeName"] not in NOT_BIBLIOGRAPHIC
        item = SourceItem(key=key, item_type=r["typeName"], title=_clean(data.get("title")),
                          modified=max(r["dateModified"] or "", r["clientDateModified"] or "") or None,
                          collections=collections.get(r["itemID"], []), tags=tags.get(r["itemID"], []),
                          bibliographic=bibliographic)
        if bibliographic:
            _fill(item, data, creators.get(r["itemID"], []))
        by_id[r["itemID"]] = item
    _attach(conn, directory, by_id)
    library.items = [item for item in by_id.values() if item.attachments]
    without = sum(1 for item in by_id.values() if item.bibliographic and not item.attachments)
    if without:
        library.notes.append(f"{without} item(s) without a PDF attachment skipped")
    return library


def _clean(value) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


def _fields(conn: sqlite3.Connection) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = defaultdict(dict)
    for r in conn.execute("SELECT d.itemID, f.fieldName, v.value FROM itemData d JOIN fields f USING (fieldID) "
                          "JOIN itemDataValues v USING (valueID)"):
        out[r[0]][r[1]] = r[2]
    return out


def _creators(conn: sqlite3.Connection) -> dict[int, list[Creator]]:
    out: dict[int, list[Creator]] = defaultdict(list)
    for r in conn.execute("SELECT ic.itemID, c.firstName, c.lastName, c.fieldMode, t.creatorType FROM itemCreators ic "
                          "JOIN creators c USING (creatorID) JOIN creatorTypes t USING (creatorTypeID) "
                          "ORDER BY ic.itemID, ic.orderIndex"):
        family, given = _clean(r["lastName"]), _clean(r["firstName"])
        if r["fieldMode"] == 1 or not family:  # one-field name: an organisation, or a name Zotero could not split
            family, given = family or given, None
        if family:
            out[r["itemID"]].append(Creator(family, given, r["creatorType"]))
    return out


def _collections(conn: sqlite3.Connection) -> dict[int, list[str]]:
    """itemID -> the paths ("Parent/Child") of the collections it is in; trashed collections left out."""
    rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT collectionID, collectionName, parentCollectionID FROM collections")}
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    trashed = ({r[0] for r in conn.execute("SELECT collectionID FROM deletedCollections")}
               if "deletedCollections" in tables else set())

    def path(cid: int) -> str | None:
        names, seen = [], set()
        while cid is not None and cid in rows and cid not in seen:
            if cid in trashed:
                return None
            seen.add(cid)
            names.append(rows[cid][0].replace("/", "∕"))  # a slash in a name must not read as a level
            cid = rows[cid][1]
        return "/".join(reversed(names)) if names else None

    paths = {cid: path(cid) for cid in rows}
    out: dict[int, list[str]] = defaultdict(list)
    for cid, item_id in conn.execute("SELECT collectionID, itemID FROM collectionItems"):
        if paths.get(cid):
            out[item_id].append(paths[cid])
    return {k: sorted(set(v)) for k, v in out.items()}


def _fill(item: SourceItem, data: dict[str, str], creators: list[Creator]) -> None:
    item.creators = creators
    item.container = next((_clean(data[f]) for f in CONTAINER_FIELDS if _clean(data.get(f))), None)
    item.volume, item.issue = _clean(data.get("volume")), _clean(data.get("issue"))
    item.pages, item.publisher, item.place = _clean(data.get("pages")), _clean(data.get("publisher")), \
        _clean(data.get("place"))
    item.year = year_of(data.get("date"))
    item.doi = doi_of(data.get("DOI")) or _extra_doi(data.get("extra"))
    item.lang = language_code(data.get("language"))


def _extra_doi(extra: str | None) -> str | None:
    """Item types without a DOI field keep it in Extra as 'DOI: 10.…' (Zotero's own convention)."""
    for line in (extra or "").splitlines():
        if line.strip().lower().startswith("doi:"):
            return doi_of(line)
    return None


def _attach(conn: sqlite3.Connection, directory: Path, by_id: dict[int, SourceItem]) -> None:
    """PDF attachments onto their parent items (a standalone PDF is its own item), first added first."""
    rows = conn.execute(
        "SELECT a.itemID, a.parentItemID, a.linkMode, a.contentType, a.path, i.key, i.dateModified, "
        "i.clientDateModified, i.itemID IN (SELECT itemID FROM deletedItems) AS trashed FROM itemAttachments a "
        "JOIN items i ON i.itemID = a.itemID ORDER BY i.dateAdded, i.itemID").fetchall()
    for r in rows:
        if r["trashed"] or r["linkMode"] not in (IMPORTED_FILE, IMPORTED_URL, LINKED_FILE):
            continue
        stored = r["path"] or ""
        if not (r["contentType"] == "application/pdf" or stored.lower().endswith(".pdf")):
            continue
        owner = by_id.get(r["parentItemID"] if r["parentItemID"] is not None else r["itemID"])
        if owner is None:  # a note's attachment, or the parent is in the trash
            continue
        att = _attachment(directory, r["key"], r["linkMode"], stored)
        att.primary = not owner.attachments
        att.modified = max(r["dateModified"] or "", r["clientDateModified"] or "") or None
        owner.attachments.append(att)
        if att.modified and (owner.modified or "") < att.modified:
            owner.modified = att.modified


def _attachment(directory: Path, key: str, link_mode: int, stored: str) -> Attachment:
    if link_mode in (IMPORTED_FILE, IMPORTED_URL):
        name = stored.removeprefix("storage:")
        shown = f"storage/{key}/{name}"
        if not stored.startswith("storage:") or not name or "/" in name or "\\" in name or name in (".", ".."):
            return Attachment(key, None, shown or key, f"attachment path {stored!r} is not a file in storage/{key}/")
        return Attachment(key, directory / "storage" / key / name, shown)
    if stored.startswith("attachments:"):
        return Attachment(key, None, stored, f"linked file {stored!r} is relative to Zotero's base directory for "
                          "linked attachments, which is a Zotero preference kb cannot see")
    if not os.path.isabs(stored):
        return Attachment(key, None, stored or key, f"linked file path {stored!r} is not absolute")
    return Attachment(key, Path(stored), stored)
