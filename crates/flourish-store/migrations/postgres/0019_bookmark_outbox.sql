-- Bookmarks in the search index (issue 16): every bookmark write adds a row here in its
-- transaction, as work writes do to the outbox; the indexer follows it. (A change to a
-- bookmarked work reaches its bookmarks through the works' outbox.) Keep in step with
-- migrations/sqlite/0019_bookmark_outbox.sql.
CREATE TABLE bookmark_outbox (
    id BIGSERIAL PRIMARY KEY,
    bookmark_id BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
