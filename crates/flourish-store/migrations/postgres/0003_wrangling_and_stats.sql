-- Wrangling: metatags (a work tagged with a subtag matches every metatag above it) and
-- parents (fandom → characters and relationships; a relationship's characters).
CREATE TABLE meta_tags (
    sub_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    meta_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (sub_id, meta_id)
);
CREATE INDEX meta_tags_by_meta ON meta_tags (meta_id, sub_id);

CREATE TABLE tag_parents (
    child_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    parent_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (child_id, parent_id)
);
CREATE INDEX tag_parents_by_parent ON tag_parents (parent_id, child_id);

-- Reader statistics. They stay zero until hits, kudos, comments and bookmarks exist; the
-- search index and the sort orders already read them.
ALTER TABLE works ADD COLUMN hits BIGINT NOT NULL DEFAULT 0;
ALTER TABLE works ADD COLUMN kudos BIGINT NOT NULL DEFAULT 0;
ALTER TABLE works ADD COLUMN comments BIGINT NOT NULL DEFAULT 0;
ALTER TABLE works ADD COLUMN bookmarks BIGINT NOT NULL DEFAULT 0;

-- Bumped by every wrangling change (canonical, synonym, metatag, parent), in the same
-- transaction, so search indexes know to reload the tag graph before applying the works
-- the change touched.
CREATE TABLE wrangling_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);
INSERT INTO wrangling_generation (id, value) VALUES (1, 0);
