-- Playlist profiles: an M3U address or file (and XMLTV guides) instead of an Xtream login.
-- For such a profile `secret` seals {"m3u": location, "xmltv": [locations]} (the location
-- usually embeds a username and password or a token), `url` holds only what may be shown
-- (the host, or the file's name) and `username` is empty.
ALTER TABLE profiles ADD COLUMN kind TEXT NOT NULL DEFAULT 'xtream' CHECK (kind IN ('xtream', 'm3u'));

-- What playback needs of the last playlist read: each entry's URL, headers, catch-up template
-- and DRM mark, each series' episodes, the categories and rows of every list. Sealed by the
-- vault like a password (the stream URLs carry the account's credentials); `digest`, `etag`
-- and `last_modified` let the next read ask with validators and rewrite nothing when the
-- playlist did not change.
CREATE TABLE playlist_index (
    profile_id    INTEGER PRIMARY KEY REFERENCES profiles (id) ON DELETE CASCADE,
    digest        TEXT NOT NULL,     -- BLAKE2b-128 of the playlist body, hex
    etag          TEXT,
    last_modified TEXT,
    secret        BLOB NOT NULL,     -- vault blob of the index's JSON
    entries       INTEGER NOT NULL,
    stored_at     INTEGER NOT NULL
);
