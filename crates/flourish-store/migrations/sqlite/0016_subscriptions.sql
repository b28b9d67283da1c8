-- Subscriptions (issue 16). Keep in step with migrations/postgres/0016_subscriptions.sql.
--
-- kind: work | series | creator | tag | search. target_id is the work, series, account or
-- tag (0 for a saved search, whose listing query string is in query). Tags and searches
-- are checked by a round against the search index; checked_until is how far it got.
CREATE TABLE subscriptions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    query TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL DEFAULT '',
    checked_until INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, kind, target_id, query)
);
-- Who follows a work, series or account, in account order: delivery walks it in chunks.
CREATE INDEX subscriptions_by_target ON subscriptions (kind, target_id, user_id);
CREATE INDEX subscriptions_by_check ON subscriptions (checked_until) WHERE kind IN ('tag', 'search');

-- A new work or chapter someone follows, waiting to be delivered: written in the posting
-- transaction only when a subscription matches, deleted once every subscriber has it.
-- delivered_to is the last account delivered (accounts go in id order), so delivery
-- resumes where a crash stopped it and two nodes never deliver the same chunk.
CREATE TABLE work_updates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    chapter_id INTEGER REFERENCES chapters(id) ON DELETE CASCADE,
    delivered_to INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);

-- One email digest per account, daily or weekly (Mondays).
ALTER TABLE users ADD COLUMN digest_every TEXT NOT NULL DEFAULT 'daily';
-- The secret in the address of the account's private subscriptions feed; a new one
-- revokes the old address.
ALTER TABLE users ADD COLUMN feed_secret TEXT;
CREATE UNIQUE INDEX users_by_feed_secret ON users (feed_secret);
