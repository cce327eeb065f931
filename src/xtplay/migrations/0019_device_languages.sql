-- The language each browser chose in Settings (a code such as 'fr'); a browser without a row
-- follows its Accept-Language header.
CREATE TABLE device_languages (
    device_id  TEXT PRIMARY KEY,
    language   TEXT NOT NULL,
    updated_at TEXT NOT NULL
) WITHOUT ROWID;
