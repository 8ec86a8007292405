-- Document frequency of each stem, kept with the full-text rows (fts5vocab recounts posting
-- lists on every look-up, which costs milliseconds per common stem).
CREATE TABLE stem_df (
    term TEXT PRIMARY KEY,
    df   INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO stem_df(term, df) SELECT term, doc FROM passages_fts_vocab;
