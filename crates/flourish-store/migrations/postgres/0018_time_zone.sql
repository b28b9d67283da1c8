-- The time zone a member reads dates in (issue 16): an IANA name. Keep in step with
-- migrations/sqlite/0018_time_zone.sql.
ALTER TABLE reading_preferences ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
