-- What a bibliography needs of a paper: author names split into family and given names, the
-- venue (journal or proceedings, volume, issue, publisher, place) and the printed page range;
-- and the running headers and footers of every page, which name the journal and the issue.
-- Rows stored before this migration keep NULL here: names are then parsed from `authors` when
-- read, and the venue stays unknown until the file is ingested again (`kb ingest --force`).
ALTER TABLE papers ADD COLUMN authors_parsed TEXT;            -- JSON [{"family", "given"}], one per entry of authors
ALTER TABLE papers ADD COLUMN container TEXT;                 -- journal or proceedings title, as printed
ALTER TABLE papers ADD COLUMN volume TEXT;
ALTER TABLE papers ADD COLUMN issue TEXT;
ALTER TABLE papers ADD COLUMN publisher TEXT;
ALTER TABLE papers ADD COLUMN place TEXT;
ALTER TABLE papers ADD COLUMN page_range TEXT;                -- printed page range, "45–58"
ALTER TABLE pages ADD COLUMN margins TEXT NOT NULL DEFAULT '[]';  -- JSON [{"text", "where", "y", "x", "size"}]
