-- The local library of a profile's catalog: categories, items (+ FTS5 trigram index),
-- details fetched on demand, episodes, sync runs, search history and saved filter presets.
-- Favorites and history (0004) are keyed by (profile_id, type, provider_id) without a foreign
-- key to items and keep their own copy of the name, so a sync that removes an item that left
-- the provider never touches them (they list it as unavailable).

CREATE TABLE categories (
    profile_id   INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (type IN ('live', 'movie', 'series')),
    provider_id  TEXT NOT NULL,           -- '' is the "uncategorised" bucket
    name         TEXT NOT NULL,
    parent_id    TEXT,
    position     INTEGER NOT NULL,        -- provider order
    is_adult     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (profile_id, type, provider_id)
) WITHOUT ROWID;

CREATE TABLE items (
    id             INTEGER PRIMARY KEY,
    profile_id     INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type           TEXT NOT NULL CHECK (type IN ('live', 'movie', 'series')),
    provider_id    TEXT NOT NULL,
    name           TEXT NOT NULL,
    search_name    TEXT NOT NULL,         -- casefolded, accents stripped: sort key and trigram index
    category_id    TEXT NOT NULL DEFAULT '',
    position       INTEGER NOT NULL,      -- provider order within the type
    num            INTEGER,
    logo           TEXT,
    rating         REAL,
    year           INTEGER,
    genre          TEXT,
    plot           TEXT,
    "cast"         TEXT,
    added          INTEGER,               -- unix seconds
    container      TEXT,
    epg_channel_id TEXT,
    archive_days   INTEGER NOT NULL DEFAULT 0,
    is_adult       INTEGER NOT NULL DEFAULT 0,  -- item flag or its category's
    UNIQUE (profile_id, type, provider_id)
);
-- Keyset pages: one index per sort, within a category and over the whole type.
CREATE INDEX items_by_position ON items (profile_id, type, category_id, position);
CREATE INDEX items_all_by_position ON items (profile_id, type, position);
CREATE INDEX items_by_name ON items (profile_id, type, category_id, search_name, position);
CREATE INDEX items_all_by_name ON items (profile_id, type, search_name, position);
CREATE INDEX items_by_rating ON items (profile_id, type, category_id, coalesce(rating, -1), position);
CREATE INDEX items_all_by_rating ON items (profile_id, type, coalesce(rating, -1), position);
CREATE INDEX items_by_added ON items (profile_id, type, category_id, coalesce(added, 0), position);
CREATE INDEX items_all_by_added ON items (profile_id, type, coalesce(added, 0), position);
CREATE INDEX items_by_num ON items (profile_id, num) WHERE type = 'live';

-- Names: one trigram index per type (substring search without wading through other types).
-- The indexed text is the folded name after one space, so the trigram " hd" finds a word
-- starting with "hd" anywhere, the first word included.
CREATE VIEW item_search_names AS SELECT id, ' ' || search_name AS search_name FROM items;
CREATE VIRTUAL TABLE live_names USING fts5 (search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE movie_names USING fts5 (search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram');
CREATE VIRTUAL TABLE series_names USING fts5 (search_name, content = 'item_search_names', content_rowid = 'id', tokenize = 'trigram');
-- Genre, cast and plot of movies and series: whole words, case and accents folded by the tokenizer.
CREATE VIRTUAL TABLE movie_texts USING fts5 (
    genre, "cast", plot, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE series_texts USING fts5 (
    genre, "cast", plot, content = 'items', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER items_names_insert AFTER INSERT ON items BEGIN
    INSERT INTO live_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'live';
    INSERT INTO movie_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'movie';
    INSERT INTO series_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'series';
END;
CREATE TRIGGER items_names_delete AFTER DELETE ON items BEGIN
    INSERT INTO live_names (live_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'live';
    INSERT INTO movie_names (movie_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'movie';
    INSERT INTO series_names (series_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'series';
END;
CREATE TRIGGER items_names_update AFTER UPDATE OF search_name ON items BEGIN
    INSERT INTO live_names (live_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'live';
    INSERT INTO movie_names (movie_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'movie';
    INSERT INTO series_names (series_names, rowid, search_name) SELECT 'delete', old.id, ' ' || old.search_name WHERE old.type = 'series';
    INSERT INTO live_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'live';
    INSERT INTO movie_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'movie';
    INSERT INTO series_names (rowid, search_name) SELECT new.id, ' ' || new.search_name WHERE new.type = 'series';
END;
CREATE TRIGGER movie_texts_insert AFTER INSERT ON items
WHEN new.type = 'movie' AND (new.genre IS NOT NULL OR new."cast" IS NOT NULL OR new.plot IS NOT NULL) BEGIN
    INSERT INTO movie_texts (rowid, genre, "cast", plot) VALUES (new.id, new.genre, new."cast", new.plot);
END;
CREATE TRIGGER movie_texts_delete AFTER DELETE ON items
WHEN old.type = 'movie' AND (old.genre IS NOT NULL OR old."cast" IS NOT NULL OR old.plot IS NOT NULL) BEGIN
    INSERT INTO movie_texts (movie_texts, rowid, genre, "cast", plot) VALUES ('delete', old.id, old.genre, old."cast", old.plot);
END;
CREATE TRIGGER movie_texts_update AFTER UPDATE OF genre, "cast", plot ON items WHEN new.type = 'movie' BEGIN
    INSERT INTO movie_texts (movie_texts, rowid, genre, "cast", plot)
    SELECT 'delete', old.id, old.genre, old."cast", old.plot
    WHERE old.genre IS NOT NULL OR old."cast" IS NOT NULL OR old.plot IS NOT NULL;
    INSERT INTO movie_texts (rowid, genre, "cast", plot)
    SELECT new.id, new.genre, new."cast", new.plot
    WHERE new.genre IS NOT NULL OR new."cast" IS NOT NULL OR new.plot IS NOT NULL;
END;

CREATE TRIGGER series_texts_insert AFTER INSERT ON items
WHEN new.type = 'series' AND (new.genre IS NOT NULL OR new."cast" IS NOT NULL OR new.plot IS NOT NULL) BEGIN
    INSERT INTO series_texts (rowid, genre, "cast", plot) VALUES (new.id, new.genre, new."cast", new.plot);
END;
CREATE TRIGGER series_texts_delete AFTER DELETE ON items
WHEN old.type = 'series' AND (old.genre IS NOT NULL OR old."cast" IS NOT NULL OR old.plot IS NOT NULL) BEGIN
    INSERT INTO series_texts (series_texts, rowid, genre, "cast", plot) VALUES ('delete', old.id, old.genre, old."cast", old.plot);
END;
CREATE TRIGGER series_texts_update AFTER UPDATE OF genre, "cast", plot ON items WHEN new.type = 'series' BEGIN
    INSERT INTO series_texts (series_texts, rowid, genre, "cast", plot)
    SELECT 'delete', old.id, old.genre, old."cast", old.plot
    WHERE old.genre IS NOT NULL OR old."cast" IS NOT NULL OR old.plot IS NOT NULL;
    INSERT INTO series_texts (rowid, genre, "cast", plot)
    SELECT new.id, new.genre, new."cast", new.plot
    WHERE new.genre IS NOT NULL OR new."cast" IS NOT NULL OR new.plot IS NOT NULL;
END;

-- Distinct words of the names, for typo-tolerant search (candidates by prefix or suffix).
CREATE TABLE search_terms (
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    term       TEXT NOT NULL,
    rterm      TEXT NOT NULL,             -- the term reversed, for suffix lookups
    PRIMARY KEY (profile_id, term)
) WITHOUT ROWID;
CREATE INDEX search_terms_reversed ON search_terms (profile_id, rterm);

CREATE TABLE details (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type        TEXT NOT NULL CHECK (type IN ('movie', 'series')),
    provider_id TEXT NOT NULL,
    fetched_at  INTEGER NOT NULL,
    data        TEXT NOT NULL,            -- JSON of the normalised info
    PRIMARY KEY (profile_id, type, provider_id)
) WITHOUT ROWID;

CREATE TABLE episodes (
    profile_id    INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    series_id     TEXT NOT NULL,
    episode_id    TEXT NOT NULL,
    season        INTEGER NOT NULL,
    episode_num   INTEGER NOT NULL,
    title         TEXT NOT NULL,
    container     TEXT,
    plot          TEXT,
    duration_secs INTEGER,
    air_date      TEXT,
    rating        REAL,
    image         TEXT,
    PRIMARY KEY (profile_id, series_id, episode_id)
) WITHOUT ROWID;
CREATE INDEX episodes_by_id ON episodes (profile_id, episode_id);

CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
    counts      TEXT NOT NULL DEFAULT '{}',   -- JSON {type: count}
    errors      TEXT NOT NULL DEFAULT '{}',   -- JSON {type: message}
    seconds     REAL
);
CREATE INDEX sync_runs_by_profile ON sync_runs (profile_id, id);

CREATE TABLE search_history (
    profile_id   INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    query        TEXT NOT NULL,
    last_used_at INTEGER NOT NULL,
    uses         INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (profile_id, query)
) WITHOUT ROWID;

CREATE TABLE saved_filters (
    id         INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    filters    TEXT NOT NULL,             -- JSON of search() keyword arguments
    created_at INTEGER NOT NULL,
    UNIQUE (profile_id, name)
);
