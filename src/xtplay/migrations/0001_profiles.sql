-- Profiles (one provider account each) and small app-wide state.
-- Every per-profile table in later migrations references profiles(id) ON DELETE CASCADE.

CREATE TABLE profiles (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE COLLATE NOCASE,
    url                 TEXT NOT NULL,
    username            TEXT NOT NULL,
    secret              BLOB,               -- vault blob: version | nonce | AES-GCM ciphertext
    user_agent          TEXT,               -- NULL: the default player-like agent
    created_at          TEXT NOT NULL,      -- ISO 8601, UTC
    updated_at          TEXT NOT NULL,
    last_used_at        TEXT,
    account_json        TEXT,               -- account info from the last login (never a password)
    account_checked_at  TEXT,
    sync_interval_hours INTEGER NOT NULL DEFAULT 24 CHECK (sync_interval_hours >= 0),
    adult_enabled       INTEGER NOT NULL DEFAULT 0 CHECK (adult_enabled IN (0, 1)),
    timezone            TEXT
);

-- Key/value state: active profile id, access password hash, etc.
CREATE TABLE app_state (
    key   TEXT PRIMARY KEY,
    value TEXT
);
