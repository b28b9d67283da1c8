-- Flourish schema, SQLite dialect. Keep in step with migrations/postgres/0001_init.sql:
-- the same tables, columns and indexes, so the store's portable SQL runs on both.
-- Timestamps are Unix seconds (UTC). `*_key` columns hold the Unicode-lowercased name that
-- uniqueness is checked on, computed in Rust so both backends agree.

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    username_key TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE pseuds (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    description TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    UNIQUE (user_id, name_key)
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('rating', 'warning', 'category', 'fandom', 'relationship', 'character', 'freeform')),
    canonical BOOLEAN NOT NULL DEFAULT FALSE,
    synonym_of INTEGER REFERENCES tags(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX tags_synonym_of ON tags (synonym_of);

CREATE TABLE works (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    end_notes TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL,
    complete BOOLEAN NOT NULL,
    expected_chapters INTEGER,
    chapter_count INTEGER NOT NULL DEFAULT 0,
    posted BOOLEAN NOT NULL,
    restricted BOOLEAN NOT NULL,
    published_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    word_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL
);
CREATE INDEX works_by_updated ON works (updated_at DESC, id DESC);

CREATE TABLE work_creators (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    pseud_id INTEGER NOT NULL REFERENCES pseuds(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (work_id, pseud_id)
);
CREATE INDEX work_creators_by_pseud ON work_creators (pseud_id, work_id);

CREATE TABLE work_tags (
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (work_id, tag_id)
);
CREATE INDEX work_tags_by_tag ON work_tags (tag_id, work_id);

CREATE TABLE chapters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    end_notes TEXT NOT NULL DEFAULT '',
    content TEXT NOT NULL,
    sanitizer_version INTEGER NOT NULL,
    word_count INTEGER NOT NULL,
    published_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (work_id, position)
);

CREATE TABLE series (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    complete BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE series_creators (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    pseud_id INTEGER NOT NULL REFERENCES pseuds(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (series_id, pseud_id)
);

CREATE TABLE series_works (
    series_id INTEGER NOT NULL REFERENCES series(id) ON DELETE CASCADE,
    work_id INTEGER NOT NULL REFERENCES works(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (series_id, work_id)
);
CREATE INDEX series_works_by_work ON series_works (work_id);

-- Every write that changes what readers see adds a row here in the same transaction;
-- search indexers tail it (see DESIGN.md).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    work_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

-- The fixed vocabulary (flourish-core's vocabulary.rs), canonical from the start.
INSERT INTO tags (name, name_key, kind, canonical, created_at) VALUES
    ('General Audiences', 'general audiences', 'rating', TRUE, 0),
    ('Teen And Up Audiences', 'teen and up audiences', 'rating', TRUE, 0),
    ('Mature', 'mature', 'rating', TRUE, 0),
    ('Explicit', 'explicit', 'rating', TRUE, 0),
    ('Not Rated', 'not rated', 'rating', TRUE, 0),
    ('Creator Chose Not To Use Archive Warnings', 'creator chose not to use archive warnings', 'warning', TRUE, 0),
    ('No Archive Warnings Apply', 'no archive warnings apply', 'warning', TRUE, 0),
    ('Graphic Depictions Of Violence', 'graphic depictions of violence', 'warning', TRUE, 0),
    ('Major Character Death', 'major character death', 'warning', TRUE, 0),
    ('Rape/Non-Con', 'rape/non-con', 'warning', TRUE, 0),
    ('Underage Sex', 'underage sex', 'warning', TRUE, 0),
    ('F/F', 'f/f', 'category', TRUE, 0),
    ('F/M', 'f/m', 'category', TRUE, 0),
    ('Gen', 'gen', 'category', TRUE, 0),
    ('M/M', 'm/m', 'category', TRUE, 0),
    ('Multi', 'multi', 'category', TRUE, 0),
    ('Other', 'other', 'category', TRUE, 0);
