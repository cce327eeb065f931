-- tvg-shift: a playlist channel whose guide is off by some hours. The playlist's shifts are
-- kept in clear beside its sealed index (channel id → seconds; no credential in them), and
-- each guide match carries its channel's shift, applied whenever the guide is read.
ALTER TABLE playlist_index ADD COLUMN shifts TEXT NOT NULL DEFAULT '{}';
ALTER TABLE guide_map ADD COLUMN shift_secs INTEGER NOT NULL DEFAULT 0;
