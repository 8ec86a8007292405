-- Corrections made by hand (`kb edit`), kept apart from what ingest extracted, which stays as it
-- was read. A correction is keyed by what re-ingesting the same file reproduces: the file's
-- content hash (files.sha256), the paper's order within the file (papers.seq) and, for a
-- reference entry, its order within the paper's list (refs.seq) — never by row ids, which
-- `kb ingest --force` renumbers. So corrections outlive `kb ingest`, `--force` and `kb reindex`;
-- a file whose content changed is another file, and the old corrections apply to nothing.
CREATE TABLE corrections (
    sha256       TEXT NOT NULL,               -- the file the paper was read from (files.sha256)
    paper_seq    INTEGER NOT NULL,            -- papers.seq
    ref_seq      INTEGER NOT NULL DEFAULT -1, -- refs.seq of a reference entry; -1: the paper itself
    field        TEXT NOT NULL,               -- title, authors, venue, year, ... (kb/curation/fields.py)
    value        TEXT NOT NULL,               -- JSON; null: the field is empty
    corrected_at TEXT NOT NULL,               -- ISO 8601, UTC
    PRIMARY KEY (sha256, paper_seq, ref_seq, field)
) WITHOUT ROWID;
