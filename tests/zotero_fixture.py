"""A small Zotero data directory, built inside the tests.

The tables are copied from Zotero's own resource/schema/userdata.sql (userdata version 129, the
schema of Zotero 7): only those kb reads, plus the ones that give them their context, with
Zotero's column names, types and constraints. IDs of item types, fields and creator types are
assigned at run time in a real database too (from the global schema), so kb looks them up by name.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

USERDATA = 129
KEY_CHARS = "23456789ABCDEFGHIJKLMNPQRSTUVWXYZ"  # Zotero.Utilities.generateObjectKey's alphabet

SCHEMA = """
CREATE TABLE itemTypes (
    itemTypeID INTEGER PRIMARY KEY,
    typeName TEXT,
    templateItemTypeID INT,
    display INT DEFAULT 1
);
CREATE TABLE fields (
    fieldID INTEGER PRIMARY KEY,
    fieldName TEXT,
    fieldFormatID INT
);
CREATE TABLE fieldsCombined (
    fieldID INT NOT NULL,
    fieldName TEXT NOT NULL,
    label TEXT,
    fieldFormatID INT,
    custom INT NOT NULL,
    PRIMARY KEY (fieldID)
);
CREATE TABLE creatorTypes (
    creatorTypeID INTEGER PRIMARY KEY,
    creatorType TEXT
);
CREATE TABLE version (
    schema TEXT PRIMARY KEY,
    version INT NOT NULL
);
CREATE INDEX schema ON version(schema);
CREATE TABLE libraries (
    libraryID INTEGER PRIMARY KEY,
    type TEXT NOT NULL,
    editable INT NOT NULL,
    filesEditable INT NOT NULL,
    version INT NOT NULL DEFAULT 0,
    clientVersion INT NOT NULL DEFAULT 0,
    storageVersion INT NOT NULL DEFAULT 0,
    lastSync INT NOT NULL DEFAULT 0,
    archived INT NOT NULL DEFAULT 0,
    isAdmin INT NOT NULL DEFAULT 0
);
CREATE TABLE items (
    itemID INTEGER PRIMARY KEY,
    itemTypeID INT NOT NULL,
    dateAdded TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    dateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL,
    key TEXT NOT NULL,
    version INT NOT NULL DEFAULT 0,
    clientVersion INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0,
    UNIQUE (libraryID, key),
    FOREIGN KEY (libraryID) REFERENCES libraries(libraryID) ON DELETE CASCADE
);
CREATE INDEX items_synced ON items(synced);
CREATE TABLE itemDataValues (
    valueID INTEGER PRIMARY KEY,
    value UNIQUE,
    valueNormalized TEXT
);
CREATE TABLE itemData (
    itemID INT,
    fieldID INT,
    valueID,
    PRIMARY KEY (itemID, fieldID),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (fieldID) REFERENCES fieldsCombined(fieldID),
    FOREIGN KEY (valueID) REFERENCES itemDataValues(valueID)
);
CREATE INDEX itemData_fieldID ON itemData(fieldID);
CREATE TABLE itemNotes (
    itemID INTEGER PRIMARY KEY,
    parentItemID INT,
    note TEXT,
    title TEXT,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (parentItemID) REFERENCES items(itemID) ON DELETE CASCADE
);
CREATE TABLE itemAttachments (
    itemID INTEGER PRIMARY KEY,
    parentItemID INT,
    linkMode INT,
    contentType TEXT,
    charsetID INT,
    path TEXT,
    syncState INT DEFAULT 0,
    storageModTime INT,
    storageHash TEXT,
    lastProcessedModificationTime INT,
    lastRead INT,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (parentItemID) REFERENCES items(itemID) ON DELETE CASCADE
);
CREATE INDEX itemAttachments_parentItemID ON itemAttachments(parentItemID);
CREATE TABLE tags (
    tagID INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    nameNormalized TEXT
);
CREATE TABLE itemTags (
    itemID INT NOT NULL,
    tagID INT NOT NULL,
    type INT NOT NULL,
    PRIMARY KEY (itemID, tagID),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (tagID) REFERENCES tags(tagID) ON DELETE CASCADE
);
CREATE TABLE creators (
    creatorID INTEGER PRIMARY KEY,
    firstName TEXT,
    lastName TEXT,
    fieldMode INT,
    firstNameNormalized TEXT,
    lastNameNormalized TEXT,
    UNIQUE (lastName, firstName, fieldMode)
);
CREATE TABLE itemCreators (
    itemID INT NOT NULL,
    creatorID INT NOT NULL,
    creatorTypeID INT NOT NULL DEFAULT 1,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (itemID, creatorID, creatorTypeID, orderIndex),
    UNIQUE (itemID, orderIndex),
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE,
    FOREIGN KEY (creatorID) REFERENCES creators(creatorID) ON DELETE CASCADE,
    FOREIGN KEY (creatorTypeID) REFERENCES creatorTypes(creatorTypeID)
);
CREATE TABLE collections (
    collectionID INTEGER PRIMARY KEY,
    collectionName TEXT NOT NULL,
    parentCollectionID INT DEFAULT NULL,
    clientDateModified TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    libraryID INT NOT NULL,
    key TEXT NOT NULL,
    version INT NOT NULL DEFAULT 0,
    clientVersion INT NOT NULL DEFAULT 0,
    synced INT NOT NULL DEFAULT 0,
    UNIQUE (libraryID, key),
    FOREIGN KEY (libraryID) REFERENCES libraries(libraryID) ON DELETE CASCADE,
    FOREIGN KEY (parentCollectionID) REFERENCES collections(collectionID) ON DELETE CASCADE
);
CREATE TABLE collectionItems (
    collectionID INT NOT NULL,
    itemID INT NOT NULL,
    orderIndex INT NOT NULL DEFAULT 0,
    PRIMARY KEY (collectionID, itemID),
    FOREIGN KEY (collectionID) REFERENCES collections(collectionID) ON DELETE CASCADE,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE
);
CREATE INDEX collectionItems_itemID ON collectionItems(itemID);
CREATE TABLE deletedCollections (
    collectionID INTEGER PRIMARY KEY,
    dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL,
    FOREIGN KEY (collectionID) REFERENCES collections(collectionID) ON DELETE CASCADE
);
CREATE TABLE deletedItems (
    itemID INTEGER PRIMARY KEY,
    dateDeleted DEFAULT CURRENT_TIMESTAMP NOT NULL,
    FOREIGN KEY (itemID) REFERENCES items(itemID) ON DELETE CASCADE
);
"""

ITEM_TYPES = ("annotation", "attachment", "book", "bookSection", "conferencePaper", "journalArticle", "note", "report")
FIELDS = ("title", "abstractNote", "publicationTitle", "proceedingsTitle", "bookTitle", "volume", "issue", "pages",
          "date", "DOI", "language", "publisher", "place", "extra", "url")
CREATOR_TYPES = ("author", "contributor", "editor", "seriesEditor", "translator")


class ZoteroDir:
    """A data directory: zotero.sqlite with the user library, and storage/<KEY>/ for imported files."""

    def __init__(self, root: Path, userdata: int = USERDATA):
        self.root = Path(root)
        (self.root / "storage").mkdir(parents=True, exist_ok=True)
        self.db = self.root / "zotero.sqlite"
        self._keys = 0
        with self._conn() as conn:
            conn.executescript(SCHEMA)
            conn.executemany("INSERT INTO version VALUES (?, ?)",
                             [("userdata", userdata), ("system", 32), ("compatibility", 7), ("triggers", 18)])
            conn.execute("INSERT INTO libraries(libraryID, type, editable, filesEditable) VALUES (1, 'user', 1, 1)")
            conn.executemany("INSERT INTO itemTypes(typeName) VALUES (?)", [(t,) for t in ITEM_TYPES])
            conn.executemany("INSERT INTO fields(fieldName) VALUES (?)", [(f,) for f in FIELDS])
            conn.execute("INSERT INTO fieldsCombined SELECT fieldID, fieldName, NULL, fieldFormatID, 0 FROM fields")
            conn.executemany("INSERT INTO creatorTypes(creatorType) VALUES (?)", [(t,) for t in CREATOR_TYPES])

    def _conn(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.db)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _key(self) -> str:
        self._keys += 1
        n, out = self._keys, ""
        for _ in range(8):
            n, r = divmod(n, len(KEY_CHARS))
            out = KEY_CHARS[r] + out
        return out

    def _value(self, conn: sqlite3.Connection, value: str) -> int:
        conn.execute("INSERT OR IGNORE INTO itemDataValues(value) VALUES (?)", (value,))
        return conn.execute("SELECT valueID FROM itemDataValues WHERE value = ?", (value,)).fetchone()[0]

    def _id(self, conn: sqlite3.Connection, table: str, column: str, name: str) -> int:
        id_col = {"itemTypes": "itemTypeID", "fields": "fieldID", "creatorTypes": "creatorTypeID"}[table]
        return conn.execute(f"SELECT {id_col} FROM {table} WHERE {column} = ?", (name,)).fetchone()[0]

    def add_item(self, item_type: str, fields: dict[str, str], creators: list[tuple[str, str | None, str]] = (),
                 collections: list[int] = (), tags: list[str] = (), modified: str = "2024-05-01 10:00:00") -> int:
        """A regular item; creators are (lastName, firstName or None for one field, creatorType)."""
        with self._conn() as conn:
            type_id = self._id(conn, "itemTypes", "typeName", item_type)
            cur = conn.execute("INSERT INTO items(itemTypeID, dateAdded, dateModified, clientDateModified, libraryID,"
                               " key) VALUES (?, ?, ?, ?, 1, ?)", (type_id, modified, modified, modified, self._key()))
            item_id = cur.lastrowid
            for name, value in fields.items():
                conn.execute("INSERT INTO itemData VALUES (?, ?, ?)",
                             (item_id, self._id(conn, "fields", "fieldName", name), self._value(conn, value)))
            for n, (last, first, role) in enumerate(creators):
                conn.execute("INSERT OR IGNORE INTO creators(firstName, lastName, fieldMode) VALUES (?, ?, ?)",
                             (first or "", last, 0 if first else 1))
                creator = conn.execute("SELECT creatorID FROM creators WHERE lastName = ? AND firstName = ?",
                                       (last, first or "")).fetchone()[0]
                conn.execute("INSERT INTO itemCreators VALUES (?, ?, ?, ?)",
                             (item_id, creator, self._id(conn, "creatorTypes", "creatorType", role), n))
            for cid in collections:
                conn.execute("INSERT INTO collectionItems(collectionID, itemID) VALUES (?, ?)", (cid, item_id))
            for tag in tags:
                conn.execute("INSERT OR IGNORE INTO tags(name) VALUES (?)", (tag,))
                tag_id = conn.execute("SELECT tagID FROM tags WHERE name = ?", (tag,)).fetchone()[0]
                conn.execute("INSERT INTO itemTags VALUES (?, ?, 0)", (item_id, tag_id))
        return item_id

    def add_pdf(self, parent_id: int | None, pdf: Path | None, name: str = "paper.pdf",
                modified: str = "2024-05-01 10:00:00") -> str:
        """An imported PDF (linkMode 0) in storage/<KEY>/name; pdf None leaves the file missing."""
        with self._conn() as conn:
            key = self._key()
            type_id = self._id(conn, "itemTypes", "typeName", "attachment")
            cur = conn.execute("INSERT INTO items(itemTypeID, dateAdded, dateModified, clientDateModified, libraryID,"
                               " key) VALUES (?, ?, ?, ?, 1, ?)", (type_id, modified, modified, modified, key))
            conn.execute("INSERT INTO itemAttachments(itemID, parentItemID, linkMode, contentType, path)"
                         " VALUES (?, ?, 0, 'application/pdf', ?)", (cur.lastrowid, parent_id, f"storage:{name}"))
        if pdf is not None:
            (self.root / "storage" / key).mkdir()
            shutil.copy(pdf, self.root / "storage" / key / name)
        return key

    def add_collection(self, name: str, parent: int | None = None) -> int:
        with self._conn() as conn:
            return conn.execute("INSERT INTO collections(collectionName, parentCollectionID, libraryID, key)"
                                " VALUES (?, ?, 1, ?)", (name, parent, self._key())).lastrowid

    def item_key(self, item_id: int) -> str:
        with self._conn() as conn:
            return conn.execute("SELECT key FROM items WHERE itemID = ?", (item_id,)).fetchone()[0]

    def set_field(self, item_id: int, field: str, value: str, modified: str = "2024-06-01 12:00:00") -> None:
        """Change one field as Zotero does: a new value row, and the item's modification dates."""
        with self._conn() as conn:
            conn.execute("INSERT OR REPLACE INTO itemData VALUES (?, ?, ?)",
                         (item_id, self._id(conn, "fields", "fieldName", field), self._value(conn, value)))
            conn.execute("UPDATE items SET dateModified = ?, clientDateModified = ? WHERE itemID = ?",
                         (modified, modified, item_id))

    def trash(self, item_id: int) -> None:
        with self._conn() as conn:
            conn.execute("INSERT INTO deletedItems(itemID) VALUES (?)", (item_id,))

    def set_version(self, schema: str, version: int) -> None:
        with self._conn() as conn:
            conn.execute("UPDATE version SET version = ? WHERE schema = ?", (version, schema))
