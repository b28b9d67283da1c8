-- Creator statistics (issue 16). Keep in step with migrations/postgres/0017_statistics.sql.
--
-- A hit is one visitor per work (chapter_id 0) or chapter per day. A visitor is 64 bits
-- of a keyed hash, made with a key that changes daily, of an account or of an address and browser;
-- the rows only exist to count each visitor once and are deleted when their day is over,
-- so nothing that could tell readers apart outlives the day. day is unix days (UTC).
CREATE TABLE hit_visitors (
    day INTEGER NOT NULL,
    work_id INTEGER NOT NULL,
    chapter_id INTEGER NOT NULL,
    visitor INTEGER NOT NULL,
    PRIMARY KEY (day, work_id, chapter_id, visitor)
);

-- Hits per work (chapter_id 0) and per chapter per day, kept for the creator's charts.
CREATE TABLE work_hits_daily (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    chapter_id INTEGER NOT NULL,
    day INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (work_id, chapter_id, day)
);

-- Per-day counts of the other statistics come from the rows themselves.
CREATE INDEX kudos_by_work_time ON kudos (work_id, created_at);
CREATE INDEX subscriptions_by_work_time ON subscriptions (kind, target_id, created_at);
