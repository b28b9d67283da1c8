-- Reading history and Marked for Later (issue 16), private to each reader. A row per
-- reader per work, rewritten on each visit (in batches, off the request path). The work's
-- chapter count and update time at the last visit are kept, so blurbs can say "2 new
-- chapters since you read". Keep in step with migrations/postgres/0012_reading_history.sql.
CREATE TABLE readings (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    first_visit_at INTEGER NOT NULL,
    last_visit_at INTEGER NOT NULL,
    visits INTEGER NOT NULL,
    chapter_id INTEGER REFERENCES chapters(id) ON DELETE SET NULL,
    paragraph INTEGER,
    chapters_then INTEGER NOT NULL,
    updated_then INTEGER NOT NULL,
    PRIMARY KEY (user_id, work_id)
);
CREATE INDEX readings_by_recency ON readings (user_id, last_visit_at);

-- Marked for Later is its own list: marking, unmarking and clearing the history leave
-- each other alone.
CREATE TABLE marked_later (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, work_id)
);
CREATE INDEX marked_later_by_time ON marked_later (user_id, created_at);

-- What each reader lets the archive keep; no row means the defaults (both on).
CREATE TABLE reading_settings (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    keep_history BOOLEAN NOT NULL,
    keep_position BOOLEAN NOT NULL
);
