-- Themes of passages (scored by kb.themes.tagger) and where each page starts inside a passage,
-- so a quoted sentence is cited with its own page rather than the passage's range.
CREATE TABLE passage_themes (
    passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
    theme      TEXT NOT NULL,
    score      REAL NOT NULL,
    PRIMARY KEY (passage_id, theme)
) WITHOUT ROWID;
CREATE INDEX passage_themes_theme ON passage_themes(theme, score DESC);

ALTER TABLE passages ADD COLUMN page_marks TEXT NOT NULL DEFAULT '[]';  -- JSON [[char offset, physical page]]
