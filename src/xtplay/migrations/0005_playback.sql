-- Playback: what probing found out about each movie/episode, so the decision
-- (play as is, remux, or transcode) is made once per item.
CREATE TABLE IF NOT EXISTS playback_probe (
    profile_id   INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    type         TEXT NOT NULL CHECK (type IN ('movie', 'episode')),
    provider_id  TEXT NOT NULL,
    format_name  TEXT,
    video_codec  TEXT,
    audio_codec  TEXT,
    duration     REAL,
    mode         TEXT NOT NULL CHECK (mode IN ('direct', 'remux', 'transcode')),
    probed_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (profile_id, type, provider_id)
);

-- One random key that signs the per-item tokens of proxy URLs handed to external players
-- (mpv, VLC) and to our own ffmpeg, so they work when an access password is set.
CREATE TABLE IF NOT EXISTS playback_key (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    key  BLOB NOT NULL
);
