-- What each list of a profile's catalog was when it was last stored: a digest of its bytes and
-- the provider's ETag / Last-Modified when it sends them. A re-sync asks with those validators
-- (a 304 costs nothing) or compares the digest of what it got, and leaves an unchanged type
-- alone: nothing is parsed or written. A version counts only while the library still holds as
-- many items of the type as were stored from it. Written only after the type's catalog committed, so a
-- crash between the two only makes the next sync do the full work.
CREATE TABLE list_versions (
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    action TEXT NOT NULL,            -- the list, in Xtream's words: get_vod_streams, get_vod_categories …
    type TEXT NOT NULL,              -- the catalog type it fills: live, movie or series
    digest TEXT NOT NULL,            -- BLAKE2b-128 of the body, hex
    etag TEXT,
    last_modified TEXT,
    items INTEGER,                   -- items of the type stored from this list (NULL for categories)
    stored_at INTEGER NOT NULL,
    PRIMARY KEY (profile_id, action)
) WITHOUT ROWID;
