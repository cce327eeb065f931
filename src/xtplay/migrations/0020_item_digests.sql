-- A digest of the row each item was last stored from (the panel's raw object without its
-- number, and how its category read), so a re-sync reads and writes only the items whose digest
-- differs: with 1 % of 100,000 movies changed, the other 99 % were read into rows, packed and
-- compared for nothing. It lives in the item's own row, written by the same statement as the
-- row, so no digest can outlive or precede what it describes (a deleted item takes it along, a
-- crashed sync leaves both as they were). NULL (items stored before this migration, or from a
-- playlist) never matches: the next re-sync reads those items and stores their digests.
ALTER TABLE items ADD COLUMN digest INTEGER;
-- Only channels keep the panel's number (typing digits zaps to it). A movie's or a series' number
-- was only its place in the panel's list, which `position` keeps, nothing showed it, and a
-- panel renumbers every item after one it removed: each re-sync rewrote nearly every movie for it.
UPDATE items SET num = NULL WHERE type <> 'live' AND num IS NOT NULL;
