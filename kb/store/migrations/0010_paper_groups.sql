-- One paper, several sources: the same work ingested from several files (the publisher's PDF and
-- a scan, a paper alone and inside its volume, a copy with another cover page) is one paper with
-- several sources. Each copy keeps its own row in `papers` with its own pages and citations,
-- which are never rewritten; a group only says which rows are one work and which one is shown.
--
-- paper_fingerprints: what a copy is recognised by. `work_key` is the normalised title, first
-- author's family name and year (NULL when any is unknown); `minhash` is the MinHash signature
-- (128 little-endian uint32) of the word 3-grams of its passages, `n_shingles` how many there were.
-- paper_bands: the signature cut into 32 bands of 4 values, one hashed row per band, so that the
-- papers sharing a band with a new one are found by an index look-up, not by a scan.
CREATE TABLE paper_fingerprints (
    paper_id   INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    work_key   TEXT,
    n_shingles INTEGER NOT NULL,
    minhash    BLOB NOT NULL
);
CREATE INDEX paper_fingerprints_key ON paper_fingerprints(work_key) WHERE work_key IS NOT NULL;

CREATE TABLE paper_bands (
    band     INTEGER NOT NULL,
    hash     INTEGER NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, paper_id)
) WITHOUT ROWID;
CREATE INDEX paper_bands_paper ON paper_bands(paper_id);

-- paper_groups: one row per member of a group of copies (a paper in no group has no row).
-- `group_id` labels the group; `canonical_id` is the member shown for all of them (born-digital
-- over OCR, a final version over a preprint, else the first ingested), kept current whenever a
-- member comes or goes. `matched_id`, `reason` (key | text | key+text) and `score` (estimated
-- Jaccard of the two texts) say why the member joined: NULL for the member it was matched to first.
CREATE TABLE paper_groups (
    paper_id     INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    group_id     INTEGER NOT NULL,
    canonical_id INTEGER NOT NULL,
    matched_id   INTEGER,
    reason       TEXT,
    score        REAL,
    created_at   TEXT NOT NULL               -- ISO 8601, UTC
);
CREATE INDEX paper_groups_group ON paper_groups(group_id);

-- paper_splits: pairs `kb dedup --split` said are different papers. Keyed like corrections by
-- what re-ingesting reproduces (file content hash, paper order in the file), so `kb ingest
-- --force` and `kb dedup --apply` never group the pair again. Stored with (a) < (b).
CREATE TABLE paper_splits (
    sha_a    TEXT NOT NULL,
    seq_a    INTEGER NOT NULL,
    sha_b    TEXT NOT NULL,
    seq_b    INTEGER NOT NULL,
    split_at TEXT NOT NULL,
    PRIMARY KEY (sha_a, seq_a, sha_b, seq_b)
) WITHOUT ROWID;
