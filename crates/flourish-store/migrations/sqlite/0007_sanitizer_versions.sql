-- The sanitizer version each work's and series' own HTML fields were cleaned with, as
-- chapters have had from the start (issue 20): rows below flourish_text::SANITIZER_VERSION
-- are cleaned again at start. Existing rows (and rows from an archive export, which does
-- not carry the column) count as version 1. Keep in step with the other backend's file.
ALTER TABLE works ADD COLUMN sanitizer_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE series ADD COLUMN sanitizer_version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX works_by_sanitizer_version ON works (sanitizer_version);
CREATE INDEX chapters_by_sanitizer_version ON chapters (sanitizer_version);
CREATE INDEX series_by_sanitizer_version ON series (sanitizer_version);
