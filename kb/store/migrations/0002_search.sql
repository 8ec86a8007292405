-- Search: stemmed full-text index and stored embeddings (the FAISS index is rebuilt from these).
CREATE VIRTUAL TABLE passages_fts USING fts5(stems, tokenize = 'unicode61 remove_diacritics 0');

CREATE TRIGGER passages_fts_delete AFTER DELETE ON passages BEGIN
    DELETE FROM passages_fts WHERE rowid = old.id;
END;

CREATE TABLE passage_vectors (
    passage_id INTEGER PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
    vec        BLOB NOT NULL               -- float32, L2-normalised
);

CREATE TABLE sentence_vectors (
    passage_id INTEGER PRIMARY KEY REFERENCES passages(id) ON DELETE CASCADE,
    n          INTEGER NOT NULL,           -- number of sentences
    vecs       BLOB NOT NULL               -- n float16 rows, L2-normalised, in sentence order
);
