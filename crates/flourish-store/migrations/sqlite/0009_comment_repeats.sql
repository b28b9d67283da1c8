-- A new comment looks for the same text by the same person in the last day (a repeat on
-- the same chapter is refused; elsewhere it raises the spam score). Without this index
-- that read scanned every comment on each post.
CREATE INDEX comments_by_hash ON comments (content_hash, created_at);
