-- References: parsed bibliography entries, de-duplicated works, and in-text citations.
CREATE TABLE works (
    id           INTEGER PRIMARY KEY,
    doi          TEXT,
    match_key    TEXT NOT NULL,              -- normalised first author + year + title
    fields       TEXT NOT NULL               -- JSON: the fullest parsed record seen for the work
);
CREATE INDEX works_doi ON works(doi);
CREATE INDEX works_key ON works(match_key);

CREATE TABLE refs (
    id         INTEGER PRIMARY KEY,
    paper_id   INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    n          TEXT,                         -- the printed label, e.g. "12"
    raw        TEXT NOT NULL,
    authors    TEXT NOT NULL DEFAULT '[]',   -- JSON list
    title      TEXT,
    container  TEXT,
    year       TEXT,
    volume     TEXT,
    issue      TEXT,
    pages      TEXT,
    publisher  TEXT,
    place      TEXT,
    doi        TEXT,
    url        TEXT,
    accessed   TEXT,
    type       TEXT,
    style      TEXT,
    parsed_ok  INTEGER NOT NULL DEFAULT 0,
    page       INTEGER,                      -- physical page where the entry starts
    work_id    INTEGER REFERENCES works(id) ON DELETE SET NULL
);
CREATE INDEX refs_paper ON refs(paper_id);
CREATE INDEX refs_work ON refs(work_id);

CREATE TABLE citations (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    ref_id     INTEGER NOT NULL REFERENCES refs(id) ON DELETE CASCADE,
    marker     TEXT NOT NULL,                -- as printed: "[3, с. 15]", "(Li et al., 2023)"
    locator    TEXT                          -- "с. 15", "p. 5"
);
CREATE INDEX citations_passage ON citations(passage_id);
CREATE INDEX citations_ref ON citations(ref_id);
