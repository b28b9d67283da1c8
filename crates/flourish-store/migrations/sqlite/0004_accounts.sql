-- Accounts (issue 5): credentials and standing on users, sessions shared by every node,
-- one-time links, invitations and the request queue, login throttling, the audit log,
-- site settings, mail written while no SMTP server is set, co-creator consent, and works
-- hidden by an admin. Keep in step with migrations/postgres/0004_accounts.sql.

ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN email_key TEXT;
-- An argon2id PHC string; NULL for accounts made by imports, which cannot log in.
ALTER TABLE users ADD COLUMN password_hash TEXT;
ALTER TABLE users ADD COLUMN confirmed BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN is_admin BOOLEAN NOT NULL DEFAULT FALSE;
-- active | suspended | banned
ALTER TABLE users ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
CREATE UNIQUE INDEX users_by_email ON users (email_key);

-- Only a hash of the session id is stored, so a leaked database holds no usable session.
CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    remember BOOLEAN NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- One-time links: email confirmation, password reset, first-admin setup. Hashed like sessions.
CREATE TABLE account_tokens (
    token_hash TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

CREATE TABLE invitations (
    code TEXT PRIMARY KEY,
    email TEXT,
    created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    used_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    used_at INTEGER
);

CREATE TABLE account_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,
    reason TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending',
    created_at INTEGER NOT NULL
);

-- Failed logins by address and by account, counted across every node.
CREATE TABLE login_failures (
    throttle_key TEXT NOT NULL,
    at INTEGER NOT NULL
);
CREATE INDEX login_failures_by_key ON login_failures (throttle_key, at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);

CREATE TABLE settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE mail_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent BOOLEAN NOT NULL,
    created_at INTEGER NOT NULL
);

-- A creator named on a work joins its credits only after accepting.
CREATE TABLE creator_invitations (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    pseud_id INTEGER NOT NULL REFERENCES pseuds(id) ON DELETE CASCADE,
    invited_by INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (work_id, pseud_id)
);

ALTER TABLE works ADD COLUMN hidden BOOLEAN NOT NULL DEFAULT FALSE;
