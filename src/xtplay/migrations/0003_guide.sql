-- Programme guide: XMLTV sources, the channels and programmes they declare, how catalog
-- channels map onto them, and the record of each refresh.
--
-- A refresh writes its programmes under a new run id while readers keep using the current
-- run of that source (guide_current); the swap is one small transaction. A broken guide
-- therefore never replaces a good one.

CREATE TABLE guide_sources (            -- XMLTV URLs the user added (xmltv.php is implicit)
    id          INTEGER PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    url         TEXT NOT NULL,          -- shown form, credentials redacted
    secret      BLOB NOT NULL,          -- the URL as entered, encrypted by the vault (it may hold a password)
    added_at    INTEGER NOT NULL,
    UNIQUE (profile_id, url)
);

CREATE TABLE guide_current (            -- the run whose rows readers see, per source
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,          -- 'xtream', 'url:<guide_sources.id>', 'short'
    run_id      INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (profile_id, source)
) WITHOUT ROWID;

CREATE TABLE guide_channels (           -- <channel> elements (and ids only seen on programmes)
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    run_id      INTEGER NOT NULL,
    channel_key TEXT NOT NULL,
    names       TEXT NOT NULL DEFAULT '',   -- display names, one per line
    icon        TEXT,
    fetched_at  INTEGER,                    -- short-EPG channels: when last asked
    PRIMARY KEY (profile_id, source, run_id, channel_key)
) WITHOUT ROWID;

-- Programmes are stored in blocks: one row holds up to 64 programmes of one channel starting
-- within the same 6-hour slot, as a JSON list of [start, stop, title, description, extra]
-- (times UTC epoch seconds; extra = subtitle, category, episode, icon, lang joined by U+001F).
-- A 500,000-programme guide is then ~80,000 rows: ingest costs little more than parsing, and
-- now/next, a channel's day and the grid read one or two blocks per channel.
CREATE TABLE programme_blocks (         -- rowid order = write order: a run's rows are contiguous
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    run_id      INTEGER NOT NULL,       -- guide_runs.id (0 for short-EPG rows); names the source
    channel_key TEXT NOT NULL,          -- the XMLTV channel id
    first_start INTEGER NOT NULL,       -- earliest start in the block
    last_stop   INTEGER NOT NULL,       -- latest stop in the block
    count       INTEGER NOT NULL,
    data        BLOB NOT NULL
);
CREATE INDEX programme_blocks_by_channel ON programme_blocks (profile_id, run_id, channel_key, first_start, last_stop);

CREATE TABLE guide_map (                -- catalog live channel → guide channel
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    provider_id TEXT NOT NULL,
    source      TEXT NOT NULL,
    channel_key TEXT NOT NULL,
    matched_by  TEXT NOT NULL CHECK (matched_by IN ('id', 'name', 'short')),
    PRIMARY KEY (profile_id, provider_id)
) WITHOUT ROWID;

CREATE TABLE guide_runs (
    id          INTEGER PRIMARY KEY,
    profile_id  INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed')),
    channels    INTEGER NOT NULL DEFAULT 0,
    programmes  INTEGER NOT NULL DEFAULT 0,
    error       TEXT
);
CREATE INDEX guide_runs_by_profile ON guide_runs (profile_id, started_at);
