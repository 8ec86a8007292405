-- Reference managers as sources: a Zotero data directory, or a BibTeX / CSL-JSON export whose
-- entries name their PDFs. One row per item and attachment as last applied, so that running
-- `kb ingest --zotero DIR` again does only what changed; the item's collections and tags, which
-- `kb search --collection/--tag` filter on; and, per paper, what kb itself had read from the PDF
-- for the fields the item's metadata replaced.
CREATE TABLE sources (
    id       INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,                -- zotero | bibtex | csl-json
    location TEXT NOT NULL UNIQUE          -- resolved path of the data directory or export file
);

CREATE TABLE source_items (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    item_key   TEXT NOT NULL,              -- Zotero item key (<libraryID>/<key> in a group library), BibTeX key, CSL id
    attachment TEXT NOT NULL,              -- Zotero attachment key; in an export, the file as the entry names it
    item_type  TEXT,                       -- as the source names it: journalArticle, inproceedings, paper-conference
    modified   TEXT,                       -- Zotero dateModified / clientDateModified, newest of item and attachment
    record     TEXT NOT NULL,              -- JSON: metadata, creators, collections and tags as last applied
    sha256     TEXT NOT NULL,              -- the attachment's content when last applied
    size       INTEGER NOT NULL,           -- and its size and mtime: an unchanged stat is not hashed again
    mtime_ns   INTEGER NOT NULL,
    file_id    INTEGER REFERENCES files(id) ON DELETE SET NULL,
    paper_id   INTEGER REFERENCES papers(id) ON DELETE SET NULL,  -- the paper that took the item's metadata
    UNIQUE (source_id, item_key, attachment)
);
CREATE INDEX source_items_file ON source_items(file_id);
CREATE INDEX source_items_paper ON source_items(paper_id);

CREATE TABLE item_collections (
    item_id    INTEGER NOT NULL REFERENCES source_items(id) ON DELETE CASCADE,
    collection TEXT NOT NULL,              -- its path from the top: "Parent/Child"
    PRIMARY KEY (item_id, collection)
) WITHOUT ROWID;

CREATE TABLE item_tags (
    item_id INTEGER NOT NULL REFERENCES source_items(id) ON DELETE CASCADE,
    tag     TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
) WITHOUT ROWID;
CREATE INDEX item_tags_tag ON item_tags(tag);

ALTER TABLE papers ADD COLUMN extracted TEXT;  -- JSON: kb's own reading of the fields an item's metadata replaced
