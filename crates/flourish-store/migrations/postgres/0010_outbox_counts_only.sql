-- A change to a work's counts alone (kudos, comments) is marked, so the search indexer can
-- apply those at a bounded pace while cached pages still follow every row at once.
ALTER TABLE outbox ADD COLUMN counts_only BOOLEAN NOT NULL DEFAULT FALSE;
