-- A bookmarker's tags are kept with the bookmark, not in the archive's tag list: made as
-- tags, a private bookmark's tags were offered to everyone by autocomplete and had a tag
-- page of their own. Keep in step with migrations/sqlite/0015_bookmark_tags_kept_apart.sql.
CREATE TABLE bookmark_tag_names (
    bookmark_id BIGINT NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (bookmark_id, name_key)
);
CREATE INDEX bookmark_tag_names_by_key ON bookmark_tag_names (name_key, bookmark_id);
INSERT INTO bookmark_tag_names (bookmark_id, name, name_key, position)
    SELECT bt.bookmark_id, t.name, t.name_key, bt.position FROM bookmark_tags bt JOIN tags t ON t.id = bt.tag_id;
-- The tags only bookmarks made go: no work, wrangling or filter profile names them.
DELETE FROM tags WHERE id IN (SELECT tag_id FROM bookmark_tags)
    AND kind = 'freeform' AND canonical = FALSE AND synonym_of IS NULL
    AND id NOT IN (SELECT tag_id FROM work_tags)
    AND id NOT IN (SELECT synonym_of FROM tags WHERE synonym_of IS NOT NULL)
    AND id NOT IN (SELECT sub_id FROM meta_tags) AND id NOT IN (SELECT meta_id FROM meta_tags)
    AND id NOT IN (SELECT child_id FROM tag_parents) AND id NOT IN (SELECT parent_id FROM tag_parents)
    AND id NOT IN (SELECT tag_id FROM filter_profile_tags);
DROP TABLE bookmark_tags;
