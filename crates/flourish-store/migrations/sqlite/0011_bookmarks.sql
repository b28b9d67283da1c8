-- Bookmarks (issue 16): one per account per work, series or external work. An external
-- work lives in its bookmark's row (its address in external_url, the rest as JSON), never
-- fetched. The bookmarker's own tags are tags like any other (found or created as
-- additional tags), so they can be searched and wrangled. works.bookmarks counts the
-- public bookmarks of a work, recounted in each bookmark's transaction.
-- Keep in step with migrations/postgres/0011_bookmarks.sql.
CREATE TABLE bookmarks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    pseud_id INTEGER NOT NULL REFERENCES pseuds(id) ON DELETE CASCADE,
    work_id INTEGER REFERENCES works(id) ON DELETE CASCADE,
    series_id INTEGER REFERENCES series(id) ON DELETE CASCADE,
    external_url TEXT,
    external TEXT,
    notes TEXT NOT NULL DEFAULT '',
    private BOOLEAN NOT NULL DEFAULT FALSE,
    rec BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((work_id IS NOT NULL) + (series_id IS NOT NULL) + (external_url IS NOT NULL) = 1)
);
CREATE UNIQUE INDEX bookmarks_once_per_work ON bookmarks (user_id, work_id) WHERE work_id IS NOT NULL;
CREATE UNIQUE INDEX bookmarks_once_per_series ON bookmarks (user_id, series_id) WHERE series_id IS NOT NULL;
CREATE UNIQUE INDEX bookmarks_once_per_external ON bookmarks (user_id, external_url) WHERE external_url IS NOT NULL;
CREATE INDEX bookmarks_by_user ON bookmarks (user_id, created_at);
CREATE INDEX bookmarks_by_work ON bookmarks (work_id, created_at) WHERE work_id IS NOT NULL;
CREATE INDEX bookmarks_by_series ON bookmarks (series_id) WHERE series_id IS NOT NULL;

CREATE TABLE bookmark_tags (
    bookmark_id INTEGER NOT NULL REFERENCES bookmarks(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (bookmark_id, tag_id)
);
CREATE INDEX bookmark_tags_by_tag ON bookmark_tags (tag_id, bookmark_id);
