-- Each browser (its session cookie's id) keeps its own choice of profile and its own recent
-- channels, so one person switching provider on a shared server does not switch another.
CREATE TABLE device_profiles (
    device_id  TEXT PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL
);
CREATE TABLE device_channels (
    device_id  TEXT NOT NULL,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    channel_id TEXT NOT NULL,
    watched_at TEXT NOT NULL,
    PRIMARY KEY (device_id, profile_id, channel_id)
);
CREATE INDEX device_channels_by_time ON device_channels (device_id, profile_id, watched_at DESC);

-- Audio and subtitle languages: the profile's preference (scope 'profile', key ''), and the
-- choice last made on one channel ('channel', its id) or one series ('series', its id).
CREATE TABLE track_choices (
    profile_id    INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    scope         TEXT NOT NULL CHECK (scope IN ('profile', 'channel', 'series')),
    key           TEXT NOT NULL,
    audio_lang    TEXT,
    subtitle_lang TEXT,               -- a language, 'off', or NULL (no choice)
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (profile_id, scope, key)
) WITHOUT ROWID;
