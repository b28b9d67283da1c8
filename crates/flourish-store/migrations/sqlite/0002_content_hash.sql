-- A fingerprint of a work's chapter texts, so importing the same story twice is noticed.
ALTER TABLE works ADD COLUMN content_hash TEXT;
CREATE INDEX works_by_content_hash ON works (content_hash);
