-- Files, papers, pages and passages: the durable record of what was ingested.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE files (
    id          INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,
    sha256      TEXT NOT NULL UNIQUE,
    size        INTEGER NOT NULL,
    n_pages     INTEGER NOT NULL,
    ocr_pages   INTEGER NOT NULL DEFAULT 0,
    empty_pages INTEGER NOT NULL DEFAULT 0,
    warnings    TEXT NOT NULL DEFAULT '[]',   -- JSON list
    metadata    TEXT NOT NULL DEFAULT '{}',   -- JSON: the PDF's own metadata
    ingested_at TEXT NOT NULL
);
CREATE INDEX files_path ON files(path);

CREATE TABLE pages (
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx     INTEGER NOT NULL,               -- physical page, 0-based
    label   TEXT NOT NULL,                  -- printed page label
    PRIMARY KEY (file_id, idx)
);

CREATE TABLE papers (
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,           -- order within the file
    title       TEXT,
    authors     TEXT NOT NULL DEFAULT '[]', -- JSON list
    affiliation TEXT,
    year        INTEGER,
    lang        TEXT,
    udc         TEXT,
    doi         TEXT,
    keywords    TEXT NOT NULL DEFAULT '[]', -- JSON list
    abstract    TEXT,
    fragment    INTEGER NOT NULL DEFAULT 0,
    page_first  INTEGER NOT NULL,           -- physical, 0-based
    page_last   INTEGER NOT NULL
);
CREATE INDEX papers_file ON papers(file_id);

CREATE TABLE sections (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL,               -- front | abstract | body | references
    text       TEXT NOT NULL,               -- paragraphs joined by newlines
    page_marks TEXT NOT NULL DEFAULT '[]',  -- JSON list of [char offset, physical page]
    page_first INTEGER NOT NULL,
    page_last  INTEGER NOT NULL
);
CREATE INDEX sections_paper ON sections(paper_id);

CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    text       TEXT NOT NULL,
    section    TEXT NOT NULL,
    heading    TEXT,
    page_first INTEGER NOT NULL,
    page_last  INTEGER NOT NULL,
    lang       TEXT,
    n_words    INTEGER NOT NULL,
    sentences  TEXT NOT NULL DEFAULT '[]'   -- JSON list of [start, end] offsets
);
CREATE INDEX passages_paper ON passages(paper_id);
