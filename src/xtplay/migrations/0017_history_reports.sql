-- Which player reported a position, and its report's number: a report of the same player
-- that arrives after a later one (a page leaving, a retried request) never rolls it back.
ALTER TABLE history ADD COLUMN play_session TEXT;
ALTER TABLE history ADD COLUMN play_seq INTEGER NOT NULL DEFAULT 0;
