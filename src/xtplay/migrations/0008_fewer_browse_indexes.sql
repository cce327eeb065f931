-- Fewer browse indexes, cheaper to fill at every sync (each one cost the 100,000-movie write
-- about 0.5 s). A category sorted by name, rating or date no longer has an index of its own:
-- a small category is read whole through items_by_position and sorted, a large one walks the
-- type's sort index, which now ends with the category so that rows of other categories are
-- skipped inside the index (catalog.items chooses by the category's size).

DROP INDEX items_by_name;
DROP INDEX items_by_rating;
DROP INDEX items_by_added;
DROP INDEX items_all_by_name;
DROP INDEX items_all_by_rating;
DROP INDEX items_all_by_added;

CREATE INDEX items_all_by_name ON items (profile_id, type, search_name, position, category_id);
CREATE INDEX items_all_by_rating ON items (profile_id, type, coalesce(rating, -1), position, category_id);
CREATE INDEX items_all_by_added ON items (profile_id, type, coalesce(added, 0), position, category_id);
