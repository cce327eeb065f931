-- Playback: which live format (the extension asked for) started last time, and what the provider
-- really sent for it, so the next zap asks for it first. channel_id '' is the profile's default;
-- a channel has its own row only where it differs from that default.
CREATE TABLE IF NOT EXISTS live_formats (
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    channel_id  TEXT NOT NULL DEFAULT '',
    ext         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (profile_id, channel_id)
);
