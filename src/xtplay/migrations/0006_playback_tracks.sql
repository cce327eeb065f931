-- Playback: the audio and subtitle streams probing found (JSON: {"audio": [...], "subtitles": [...]}),
-- so the player offers track choice without probing again. NULL = probed before this existed.
ALTER TABLE playback_probe ADD COLUMN tracks_json TEXT;
