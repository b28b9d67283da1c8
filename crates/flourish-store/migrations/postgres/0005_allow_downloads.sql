-- Creators may switch off downloads of a work (issue 6).
ALTER TABLE works ADD COLUMN allow_downloads BOOLEAN NOT NULL DEFAULT TRUE;
