-- Filter profiles (issue 16): what a reader never wants to see, applied inside the search
-- query. One default per account at most. Keep in step with
-- migrations/postgres/0013_filter_profiles.sql.
CREATE TABLE filter_profiles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    hide_read BOOLEAN NOT NULL DEFAULT FALSE,
    hide_kudosed BOOLEAN NOT NULL DEFAULT FALSE,
    hide_anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    max_fandoms INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX filter_profiles_by_name ON filter_profiles (user_id, name_key);
CREATE UNIQUE INDEX filter_profiles_one_default ON filter_profiles (user_id) WHERE is_default;

CREATE TABLE filter_profile_tags (
    profile_id INTEGER NOT NULL REFERENCES filter_profiles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, tag_id)
);

CREATE TABLE filter_profile_creators (
    profile_id INTEGER NOT NULL REFERENCES filter_profiles(id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (profile_id, user_id)
);
