-- How each reader likes pages shown (issue 16); no row means the defaults. Keep in step
-- with migrations/postgres/0014_reading_preferences.sql.
CREATE TABLE reading_preferences (
    user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    whole_work BOOLEAN NOT NULL,
    hide_warnings BOOLEAN NOT NULL,
    hide_freeforms BOOLEAN NOT NULL,
    font_size TEXT NOT NULL,
    line_spacing TEXT NOT NULL,
    font TEXT NOT NULL,
    theme TEXT NOT NULL
);
