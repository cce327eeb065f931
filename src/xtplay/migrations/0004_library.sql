-- Favorites and watch history (with resume positions), per profile.
-- Names are copied at the time of the action so an item that left the provider's catalog
-- still shows in the list (as unavailable) instead of vanishing.

CREATE TABLE favorites (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type        TEXT NOT NULL CHECK (type IN ('live', 'movie', 'series', 'episode')),
    provider_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    added_at    TEXT NOT NULL,
    PRIMARY KEY (profile_id, type, provider_id)
);
CREATE INDEX favorites_by_time ON favorites(profile_id, added_at DESC);

CREATE TABLE history (
    profile_id    INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type          TEXT NOT NULL CHECK (type IN ('live', 'movie', 'series', 'episode')),
    provider_id   TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    position_secs REAL NOT NULL DEFAULT 0,
    duration_secs REAL,
    watched       INTEGER NOT NULL DEFAULT 0,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (profile_id, type, provider_id)
);
CREATE INDEX history_by_time ON history(profile_id, updated_at DESC);
