-- Leaner full-text indexes, cheaper to fill at every sync (the movie write is a sync's longest
-- step). Search never ranks by bm25, so no index keeps per-row token counts (columnsize=0);
-- genre, cast and plot are only matched by whole words and word prefixes, never by phrase,
-- so that index keeps no token positions either (detail=none). The names keep their
-- positions: a substring longer than three letters is a phrase of trigrams.
-- Each type's index is refilled from its own items (the shared content view holds them all).

DROP TABLE live_names;
DROP TABLE movie_names;
DROP TABLE series_names;
DROP TABLE movie_texts;
DROP TABLE series_texts;

CREATE VIRTUAL TABLE live_names USING fts5 (
    search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram', columnsize = 0
);
CREATE VIRTUAL TABLE movie_names USING fts5 (
    search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram', columnsize = 0
);
CREATE VIRTUAL TABLE series_names USING fts5 (
    search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram', columnsize = 0
);
CREATE VIRTUAL TABLE movie_texts USING fts5 (
    genre, "cast", plot, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
    detail = none, columnsize = 0
);
CREATE VIRTUAL TABLE series_texts USING fts5 (
    genre, "cast", plot, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2',
    detail = none, columnsize = 0
);

INSERT INTO live_names (rowid, search_name) SELECT id, ' ' || search_name FROM items WHERE type = 'live';
INSERT INTO movie_names (rowid, search_name) SELECT id, ' ' || search_name FROM items WHERE type = 'movie';
INSERT INTO series_names (rowid, search_name) SELECT id, ' ' || search_name FROM items WHERE type = 'series';
INSERT INTO movie_texts (rowid, genre, "cast", plot) SELECT id, genre, "cast", plot FROM items
WHERE type = 'movie' AND (genre IS NOT NULL OR "cast" IS NOT NULL OR plot IS NOT NULL);
INSERT INTO series_texts (rowid, genre, "cast", plot) SELECT id, genre, "cast", plot FROM items
WHERE type = 'series' AND (genre IS NOT NULL OR "cast" IS NOT NULL OR plot IS NOT NULL);
