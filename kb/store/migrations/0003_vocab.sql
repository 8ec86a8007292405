-- Document frequencies of stems, for weighting how much of a query a passage covers.
CREATE VIRTUAL TABLE passages_fts_vocab USING fts5vocab(passages_fts, 'row');
