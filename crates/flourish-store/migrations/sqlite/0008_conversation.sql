-- Readers answer (issue 15): kudos, threaded comments, who may comment, blocks,
-- notifications with their delivery preferences, and the job table every background task
-- shares (mail first). Keep in step with migrations/postgres/0008_conversation.sql.

-- Who may comment on a work: everyone | members | no_one. A moderated work holds new
-- comments until a creator approves them.
ALTER TABLE works ADD COLUMN comment_policy TEXT NOT NULL DEFAULT 'members';
ALTER TABLE works ADD COLUMN moderated BOOLEAN NOT NULL DEFAULT FALSE;
-- Of works.kudos, how many came from guests ("and N guests"), kept in the same transaction.
ALTER TABLE works ADD COLUMN guest_kudos INTEGER NOT NULL DEFAULT 0;

-- One kudos per account per work, and one per guest per work: a guest is a keyed hash of
-- the address and the work (never the address), so the same guest cannot be followed
-- from work to work.
CREATE TABLE kudos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    guest_key TEXT,
    created_at INTEGER NOT NULL,
    CHECK ((user_id IS NULL) <> (guest_key IS NULL))
);
CREATE UNIQUE INDEX kudos_once_per_user ON kudos (work_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX kudos_once_per_guest ON kudos (work_id, guest_key) WHERE guest_key IS NOT NULL;
CREATE INDEX kudos_by_time ON kudos (created_at);

-- Comments belong to a chapter and form threads: thread_id is the top-level comment's id,
-- depth 1 is top level. state: published | held (awaiting the creator: a moderated work,
-- or a comment that looks like spam). A deleted comment that has replies stays, emptied,
-- so its thread survives.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    chapter_id INTEGER NOT NULL REFERENCES chapters(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    thread_id INTEGER NOT NULL,
    depth INTEGER NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    pseud_id INTEGER REFERENCES pseuds(id) ON DELETE SET NULL,
    guest_name TEXT,
    guest_email TEXT,
    -- A keyed hash of the guest's address, rotated daily: for per-address limits only.
    guest_key TEXT,
    content TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'published',
    spam_score INTEGER NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    hidden BOOLEAN NOT NULL DEFAULT FALSE,
    frozen BOOLEAN NOT NULL DEFAULT FALSE,
    replies INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    edited_at INTEGER
);
CREATE INDEX comments_top_level ON comments (chapter_id, parent_id, id);
CREATE INDEX comments_by_thread ON comments (thread_id, depth);
CREATE INDEX comments_by_parent ON comments (parent_id);
CREATE INDEX comments_by_work_state ON comments (work_id, state);
CREATE INDEX comments_by_user ON comments (user_id, created_at);
CREATE INDEX comments_by_guest ON comments (guest_key, created_at);

-- A blocked account cannot comment on, reply to, or give kudos to the blocker's works and
-- comments, nor name the blocker as a co-creator.
CREATE TABLE blocks (
    blocker_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    blocked_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_by_blocked ON blocks (blocked_id, blocker_id);

-- One notification centre per account. unread_notifications on users is moved in the
-- same transaction, so the header shows the count without counting.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    work_id INTEGER REFERENCES works(id) ON DELETE CASCADE,
    comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
    actor TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    -- Waiting for the account's daily digest.
    digest BOOLEAN NOT NULL DEFAULT FALSE,
    read BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL
);
CREATE INDEX notifications_by_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, read);
CREATE INDEX notifications_for_digest ON notifications (digest, user_id);
ALTER TABLE users ADD COLUMN unread_notifications INTEGER NOT NULL DEFAULT 0;

-- Where each kind of event goes, per account: site | email | digest | off. No row: the
-- kind's default (flourish_core::NotificationKind::default_channel).
CREATE TABLE notification_prefs (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    channel TEXT NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- Work that must not slow a request. A worker in every node claims a due job (on
-- PostgreSQL with FOR UPDATE SKIP LOCKED) for a lease; a job whose lease ran out (its node
-- died) is claimed again. state: ready | running | done | dead.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'ready',
    attempts INTEGER NOT NULL DEFAULT 0,
    run_at INTEGER NOT NULL,
    lease_until INTEGER,
    last_error TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX jobs_due ON jobs (state, run_at);

-- Reports of works, chapters, comments and users, worked by admins and moderators (who
-- see only the queue). One per reporter per target; counted marks the reports that count
-- towards a target's monthly limit. state: open | resolved | dismissed.
ALTER TABLE users ADD COLUMN is_moderator BOOLEAN NOT NULL DEFAULT FALSE;
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    reporter_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    target_kind TEXT NOT NULL,
    target_id INTEGER NOT NULL,
    work_id INTEGER REFERENCES works(id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '',
    counted BOOLEAN NOT NULL,
    state TEXT NOT NULL DEFAULT 'open',
    outcome TEXT NOT NULL DEFAULT '',
    resolved_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    resolved_at INTEGER,
    UNIQUE (reporter_id, target_kind, target_id)
);
CREATE INDEX reports_by_target ON reports (target_kind, target_id, created_at);
CREATE INDEX reports_open ON reports (state, id);

-- Words an admin lists as spam; each in a comment raises its spam score.
CREATE TABLE spam_words (
    word TEXT PRIMARY KEY
);

-- Keys that never leave this database (not even in an archive export): the key guests'
-- addresses are hashed with.
CREATE TABLE site_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
