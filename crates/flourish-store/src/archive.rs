//! Whole-archive export and import: every account, pseud, tag (with its wrangling), work,
//! chapter and series, as one JSON Lines file per table, rows in key order, ids kept. The
//! same archive exports to the same bytes on either backend, so an archive moves from
//! SQLite to PostgreSQL (or back) and can be checked by exporting again.
//!
//! Operational tables are not carried: sessions, one-time links, login failures, the
//! outbox (rebuilt: every imported work is queued for indexing), the mail and audit logs,
//! the job queue, and the site's secret keys (a new archive makes its own).
//!
//! The format has a version: a table or column a later version added is read from older
//! exports as absent (the table empty, the column at its schema default).
//!
//! One column list per table drives both directions, so a column added by a migration is
//! added here once.

use crate::{Store, StoreError, with_db};
use sqlx::{AssertSqlSafe, Row};
use std::io::{BufRead, Write};
use std::path::Path;

/// The kind of a column's values, for reading them from rows and binding them back.
#[derive(Clone, Copy)]
enum Ty {
    Int,
    OptInt,
    Text,
    OptText,
    Bool,
}

struct Table {
    name: &'static str,
    columns: &'static [(&'static str, Ty)],
    /// The primary key's columns: the order rows are written in.
    key: &'static [&'static str],
    /// Has an identity `id` whose sequence PostgreSQL must move past imported ids.
    identity: bool,
    /// The format version that added the table; older exports do not have its file.
    since: u32,
    /// Columns added after the table, with the format version that added each: rows from
    /// older exports lack them, and the column's default in the schema applies.
    added: &'static [(&'static str, u32)],
}

use Ty::*;

/// In dependency order: a table comes after every table it references.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("username_key", Text),
            ("created_at", Int),
            ("email", OptText),
            ("email_key", OptText),
            ("password_hash", OptText),
            ("confirmed", Bool),
            ("is_admin", Bool),
            ("status", Text),
            ("unread_notifications", Int),
            ("is_moderator", Bool),
            ("digest_every", Text),
            ("feed_secret", OptText),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[("unread_notifications", 2), ("is_moderator", 2), ("digest_every", 4), ("feed_secret", 4)],
    },
    Table {
        name: "pseuds",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("name", Text),
            ("name_key", Text),
            ("is_default", Bool),
            ("description", Text),
            ("created_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[],
    },
    Table {
        name: "tags",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("name_key", Text),
            ("kind", Text),
            ("canonical", Bool),
            ("synonym_of", OptInt),
            ("created_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[],
    },
    Table {
        name: "meta_tags",
        columns: &[("sub_id", Int), ("meta_id", Int)],
        key: &["sub_id", "meta_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "tag_parents",
        columns: &[("child_id", Int), ("parent_id", Int)],
        key: &["child_id", "parent_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "works",
        columns: &[
            ("id", Int),
            ("title", Text),
            ("summary", Text),
            ("notes", Text),
            ("end_notes", Text),
            ("language", Text),
            ("complete", Bool),
            ("expected_chapters", OptInt),
            ("chapter_count", Int),
            ("posted", Bool),
            ("restricted", Bool),
            ("published_at", Int),
            ("updated_at", Int),
            ("word_count", Int),
            ("version", Int),
            ("created_at", Int),
            ("content_hash", OptText),
            ("hits", Int),
            ("kudos", Int),
            ("comments", Int),
            ("bookmarks", Int),
            ("hidden", Bool),
            ("allow_downloads", Bool),
            ("comment_policy", Text),
            ("moderated", Bool),
            ("guest_kudos", Int),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[("comment_policy", 2), ("moderated", 2), ("guest_kudos", 2)],
    },
    Table {
        name: "work_creators",
        columns: &[("work_id", Int), ("pseud_id", Int), ("position", Int)],
        key: &["work_id", "pseud_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "work_tags",
        columns: &[("work_id", Int), ("tag_id", Int), ("position", Int)],
        key: &["work_id", "tag_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "chapters",
        columns: &[
            ("id", Int),
            ("work_id", Int),
            ("position", Int),
            ("title", Text),
            ("summary", Text),
            ("notes", Text),
            ("end_notes", Text),
            ("content", Text),
            ("sanitizer_version", Int),
            ("word_count", Int),
            ("published_at", Int),
            ("created_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[],
    },
    Table {
        name: "series",
        columns: &[
            ("id", Int),
            ("title", Text),
            ("summary", Text),
            ("notes", Text),
            ("complete", Bool),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 1,
        added: &[],
    },
    Table {
        name: "series_creators",
        columns: &[("series_id", Int), ("pseud_id", Int), ("position", Int)],
        key: &["series_id", "pseud_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "series_works",
        columns: &[("series_id", Int), ("work_id", Int), ("position", Int)],
        key: &["series_id", "work_id"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "settings",
        columns: &[("name", Text), ("value", Text)],
        key: &["name"],
        identity: false,
        since: 1,
        added: &[],
    },
    Table {
        name: "kudos",
        columns: &[("id", Int), ("work_id", Int), ("user_id", OptInt), ("guest_key", OptText), ("created_at", Int)],
        key: &["id"],
        identity: true,
        since: 2,
        added: &[],
    },
    Table {
        name: "comments",
        columns: &[
            ("id", Int),
            ("work_id", Int),
            ("chapter_id", Int),
            ("parent_id", OptInt),
            ("thread_id", Int),
            ("depth", Int),
            ("user_id", OptInt),
            ("pseud_id", OptInt),
            ("guest_name", OptText),
            ("guest_email", OptText),
            ("guest_key", OptText),
            ("content", Text),
            ("content_hash", Text),
            ("state", Text),
            ("spam_score", Int),
            ("deleted", Bool),
            ("hidden", Bool),
            ("frozen", Bool),
            ("replies", Int),
            ("created_at", Int),
            ("edited_at", OptInt),
        ],
        key: &["id"],
        identity: true,
        since: 2,
        added: &[],
    },
    Table {
        name: "blocks",
        columns: &[("blocker_id", Int), ("blocked_id", Int), ("created_at", Int)],
        key: &["blocker_id", "blocked_id"],
        identity: false,
        since: 2,
        added: &[],
    },
    Table {
        name: "notifications",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("kind", Text),
            ("work_id", OptInt),
            ("comment_id", OptInt),
            ("actor", Text),
            ("title", Text),
            ("body", Text),
            ("url", Text),
            ("digest", Bool),
            ("read", Bool),
            ("created_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 2,
        added: &[],
    },
    Table {
        name: "notification_prefs",
        columns: &[("user_id", Int), ("kind", Text), ("channel", Text)],
        key: &["user_id", "kind"],
        identity: false,
        since: 2,
        added: &[],
    },
    // Open reports move with the archive, so moving it never empties the moderators' queue.
    Table {
        name: "reports",
        columns: &[
            ("id", Int),
            ("reporter_id", Int),
            ("target_kind", Text),
            ("target_id", Int),
            ("work_id", OptInt),
            ("reason", Text),
            ("details", Text),
            ("counted", Bool),
            ("state", Text),
            ("outcome", Text),
            ("resolved_by", OptInt),
            ("created_at", Int),
            ("resolved_at", OptInt),
        ],
        key: &["id"],
        identity: true,
        since: 2,
        added: &[],
    },
    Table {
        name: "bookmarks",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("pseud_id", Int),
            ("work_id", OptInt),
            ("series_id", OptInt),
            ("external_url", OptText),
            ("external", OptText),
            ("notes", Text),
            ("private", Bool),
            ("rec", Bool),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 3,
        added: &[],
    },
    Table {
        name: "readings",
        columns: &[
            ("user_id", Int),
            ("work_id", Int),
            ("first_visit_at", Int),
            ("last_visit_at", Int),
            ("visits", Int),
            ("chapter_id", OptInt),
            ("paragraph", OptInt),
            ("chapters_then", Int),
            ("updated_then", Int),
        ],
        key: &["user_id", "work_id"],
        identity: false,
        since: 3,
        added: &[],
    },
    Table {
        name: "marked_later",
        columns: &[("user_id", Int), ("work_id", Int), ("created_at", Int)],
        key: &["user_id", "work_id"],
        identity: false,
        since: 3,
        added: &[],
    },
    Table {
        name: "reading_settings",
        columns: &[("user_id", Int), ("keep_history", Bool), ("keep_position", Bool)],
        key: &["user_id"],
        identity: false,
        since: 3,
        added: &[],
    },
    Table {
        name: "reading_preferences",
        columns: &[
            ("user_id", Int),
            ("whole_work", Bool),
            ("hide_warnings", Bool),
            ("hide_freeforms", Bool),
            ("font_size", Text),
            ("line_spacing", Text),
            ("font", Text),
            ("theme", Text),
            ("time_zone", Text),
        ],
        key: &["user_id"],
        identity: false,
        since: 3,
        added: &[("time_zone", 4)],
    },
    Table {
        name: "filter_profiles",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("name", Text),
            ("name_key", Text),
            ("is_default", Bool),
            ("hide_read", Bool),
            ("hide_kudosed", Bool),
            ("hide_anonymous", Bool),
            ("max_fandoms", OptInt),
            ("created_at", Int),
            ("updated_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 3,
        added: &[],
    },
    Table {
        name: "subscriptions",
        columns: &[
            ("id", Int),
            ("user_id", Int),
            ("kind", Text),
            ("target_id", Int),
            ("query", Text),
            ("name", Text),
            ("checked_until", Int),
            ("created_at", Int),
        ],
        key: &["id"],
        identity: true,
        since: 4,
        added: &[],
    },
    Table {
        name: "filter_profile_tags",
        columns: &[("profile_id", Int), ("tag_id", Int)],
        key: &["profile_id", "tag_id"],
        identity: false,
        since: 3,
        added: &[],
    },
    Table {
        name: "filter_profile_creators",
        columns: &[("profile_id", Int), ("user_id", Int)],
        key: &["profile_id", "user_id"],
        identity: false,
        since: 3,
        added: &[],
    },
    Table {
        name: "bookmark_tag_names",
        columns: &[("bookmark_id", Int), ("name", Text), ("name_key", Text), ("position", Int)],
        key: &["bookmark_id", "name_key"],
        identity: false,
        since: 3,
        added: &[],
    },
];

/// The file that marks a directory as an export, and says which format it is in.
const MANIFEST: &str = "flourish-archive.json";
/// 2 added the conversation (kudos, comments, blocks, notifications, reports, the moderator
/// role), 3 bookmarks, reading history and filter profiles, 4 subscriptions, the digest
/// and feed settings and the time zone; older exports are still read.
const FORMAT_VERSION: u32 = 4;
/// Rows read or written per statement.
const BATCH: usize = 500;

/// What an export or import moved, per table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArchiveTotals(pub Vec<(&'static str, u64)>);

impl std::fmt::Display for ArchiveTotals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(t, n)| format!("{n} {t}")).collect();
        f.write_str(&parts.join(", "))
    }
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Archive(format!("{}: {e}", path.display()))
}

fn column_list(columns: &[(&str, Ty)]) -> String {
    columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

/// The columns of `t` an export in format `version` carries.
fn columns_in(t: &Table, version: u32) -> Vec<(&'static str, Ty)> {
    t.columns
        .iter()
        .filter(|(name, _)| t.added.iter().all(|(added, since)| added != name || *since <= version))
        .copied()
        .collect()
}

/// One row of `t` as a JSON object (keys in column order).
macro_rules! row_json {
    ($row:expr, $t:expr) => {{
        let mut object = serde_json::Map::new();
        for (i, (name, ty)) in $t.columns.iter().enumerate() {
            let value = match ty {
                Int => serde_json::Value::from($row.try_get::<i64, _>(i)?),
                OptInt => $row.try_get::<Option<i64>, _>(i)?.map_or(serde_json::Value::Null, serde_json::Value::from),
                Text => serde_json::Value::from($row.try_get::<String, _>(i)?),
                OptText => {
                    $row.try_get::<Option<String>, _>(i)?.map_or(serde_json::Value::Null, serde_json::Value::from)
                }
                Bool => serde_json::Value::from($row.try_get::<bool, _>(i)?),
            };
            object.insert((*name).to_owned(), value);
        }
        serde_json::Value::Object(object)
    }};
}

impl Store {
    /// Writes the whole archive into `dir` (created if needed; must not hold an export
    /// already, so nothing is overwritten).
    pub async fn export_archive(&self, dir: &Path) -> Result<ArchiveTotals, StoreError> {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
        if dir.join(MANIFEST).exists() {
            return Err(StoreError::Archive(format!(
                "{} already holds an export; choose an empty directory",
                dir.display()
            )));
        }
        let mut counts = ArchiveTotals::default();
        for t in TABLES {
            let path = dir.join(format!("{}.jsonl", t.name));
            let file = std::fs::File::create(&path).map_err(|e| io(&path, e))?;
            let mut out = std::io::BufWriter::new(file);
            let sql = format!(
                "SELECT {} FROM {} ORDER BY {} LIMIT $1 OFFSET $2",
                column_list(t.columns),
                t.name,
                t.key.join(", ")
            );
            let mut offset = 0i64;
            loop {
                let lines: Vec<String> = with_db!(self, db => {
                    let rows = sqlx::query(AssertSqlSafe(sql.clone())).bind(BATCH as i64).bind(offset).fetch_all(db).await?;
                    let mut lines = Vec::with_capacity(rows.len());
                    for row in &rows {
                        lines.push(row_json!(row, t).to_string());
                    }
                    lines
                });
                for line in &lines {
                    writeln!(out, "{line}").map_err(|e| io(&path, e))?;
                }
                offset += lines.len() as i64;
                if lines.len() < BATCH {
                    break;
                }
            }
            out.flush().map_err(|e| io(&path, e))?;
            counts.0.push((t.name, offset as u64));
        }
        let manifest = serde_json::json!({ "format": "flourish-archive", "version": FORMAT_VERSION });
        let path = dir.join(MANIFEST);
        std::fs::write(&path, format!("{manifest}\n")).map_err(|e| io(&path, e))?;
        Ok(counts)
    }

    /// Reads an export into this archive, which must have no accounts or works yet; all in
    /// one transaction, so a bad file leaves the archive as it was.
    pub async fn import_archive(&self, dir: &Path) -> Result<ArchiveTotals, StoreError> {
        let manifest_path = dir.join(MANIFEST);
        let manifest = std::fs::read_to_string(&manifest_path).map_err(|_| {
            StoreError::Archive(format!("{} is not a Flourish export (it has no {MANIFEST})", dir.display()))
        })?;
        let manifest: serde_json::Value = serde_json::from_str(&manifest)
            .map_err(|e| StoreError::Archive(format!("{}: {e}", manifest_path.display())))?;
        let version = manifest["version"].as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(0);
        if manifest["format"] != "flourish-archive" || !(1..=FORMAT_VERSION).contains(&version) {
            return Err(StoreError::Archive(format!(
                "{} is in a format this Flourish cannot read ({manifest})",
                manifest_path.display()
            )));
        }
        let at = crate::now();
        let counts = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            // Everything inside one block, so any error rolls the whole import back at once.
            let result: Result<ArchiveTotals, StoreError> = async {
                let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
                let (works,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM works").fetch_one(&mut *tx).await?;
                if users + works > 0 {
                    return Err(StoreError::Archive(
                        "this archive already has accounts or works; import an export into a new, empty archive".into(),
                    ));
                }
                let mut counts = ArchiveTotals::default();
                // A synonym may point at a tag made after it: synonyms are linked once every
                // tag is in.
                let mut synonyms: Vec<(i64, i64)> = Vec::new();
                for t in TABLES {
                    if t.since > version {
                        continue;
                    }
                    let columns = columns_in(t, version);
                    let path = dir.join(format!("{}.jsonl", t.name));
                    let file = std::fs::File::open(&path).map_err(|e| io(&path, e))?;
                    let mut batch: Vec<serde_json::Value> = Vec::with_capacity(BATCH);
                    let mut n = 0u64;
                    let mut lines = std::io::BufReader::new(file).lines().enumerate().peekable();
                    while let Some((i, line)) = lines.next() {
                        let line = line.map_err(|e| io(&path, e))?;
                        if line.trim().is_empty() {
                            continue;
                        }
                        let value: serde_json::Value = serde_json::from_str(&line)
                            .map_err(|e| StoreError::Archive(format!("{} line {}: {e}", path.display(), i + 1)))?;
                        check_row(t, &columns, &value).map_err(|m| StoreError::Archive(format!("{} line {}: {m}", path.display(), i + 1)))?;
                        batch.push(value);
                        if batch.len() == BATCH || lines.peek().is_none() {
                            let width = columns.len();
                            // The fixed vocabulary is in every new archive already, with the same ids.
                            let conflict = if t.name == "tags" { " ON CONFLICT (id) DO NOTHING" } else { "" };
                            let values: Vec<String> = (0..batch.len())
                                .map(|r| format!("({})", crate::placeholders(r * width + 1, width)))
                                .collect();
                            let sql = format!("INSERT INTO {} ({}) VALUES {}{conflict}", t.name, column_list(&columns), values.join(", "));
                            let mut q = sqlx::query(AssertSqlSafe(sql));
                            for row in &batch {
                                for (name, ty) in &columns {
                                    let v = &row[*name];
                                    if t.name == "tags" && *name == "synonym_of" {
                                        if let (Some(id), Some(of)) = (row["id"].as_i64(), v.as_i64()) {
                                            synonyms.push((id, of));
                                        }
                                        q = q.bind(None::<i64>);
                                        continue;
                                    }
                                    q = match ty {
                                        Int => q.bind(v.as_i64()),
                                        OptInt => q.bind(v.as_i64()),
                                        Text | OptText => q.bind(v.as_str().map(str::to_owned)),
                                        Bool => q.bind(v.as_bool()),
                                    };
                                }
                            }
                            q.execute(&mut *tx).await?;
                            n += batch.len() as u64;
                            batch.clear();
                        }
                    }
                    counts.0.push((t.name, n));
                    if t.name == "tags" {
                        for (id, of) in synonyms.drain(..) {
                            sqlx::query("UPDATE tags SET synonym_of = $2 WHERE id = $1").bind(id).bind(of).execute(&mut *tx).await?;
                        }
                    }
                }
                if self.backend() == crate::Backend::Postgres {
                    for t in TABLES.iter().filter(|t| t.identity) {
                        let sql = format!(
                            "SELECT setval(pg_get_serial_sequence('{0}', 'id'), GREATEST(COALESCE(MAX(id), 0), 1)) FROM {0}",
                            t.name
                        );
                        sqlx::query(AssertSqlSafe(sql)).execute(&mut *tx).await?;
                    }
                }
                // Every work goes to the search indexes, and wrangling counts as changed.
                sqlx::query("INSERT INTO outbox (work_id, version, created_at) SELECT id, version, $1 FROM works ORDER BY id")
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE wrangling_generation SET value = value + 1").execute(&mut *tx).await?;
                Ok(counts)
            }
            .await;
            match result {
                Ok(counts) => {
                    tx.commit().await?;
                    counts
                }
                Err(e) => {
                    tx.rollback().await?;
                    return Err(e);
                }
            }
        });
        self.refresh_planner_statistics().await?;
        Ok(counts)
    }
}

/// A row must have every column of its format, `columns`, with a value of the column's kind.
fn check_row(t: &Table, columns: &[(&str, Ty)], row: &serde_json::Value) -> Result<(), String> {
    let object = row.as_object().ok_or("not a JSON object")?;
    for (name, ty) in columns {
        let v = object.get(*name).ok_or_else(|| format!("no {name:?}"))?;
        let ok = match ty {
            Int => v.is_i64(),
            OptInt => v.is_i64() || v.is_null(),
            Text => v.is_string(),
            OptText => v.is_string() || v.is_null(),
            Bool => v.is_boolean(),
        };
        if !ok {
            return Err(format!(
                "{name:?} is {v}, which is not a {}",
                match ty {
                    Int | OptInt => "number",
                    Text | OptText => "string",
                    Bool => "boolean",
                }
            ));
        }
    }
    if let Some(extra) = object.keys().find(|k| !columns.iter().any(|(c, _)| c == k)) {
        return Err(format!("{extra:?} is not a column of {}", t.name));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_checked_before_any_is_written() {
        let t = TABLES.iter().find(|t| t.name == "settings").unwrap();
        let c = columns_in(t, FORMAT_VERSION);
        assert!(check_row(t, &c, &serde_json::json!({"name": "a", "value": "b"})).is_ok());
        assert!(check_row(t, &c, &serde_json::json!({"name": "a"})).unwrap_err().contains("no \"value\""));
        assert!(check_row(t, &c, &serde_json::json!({"name": 1, "value": "b"})).unwrap_err().contains("not a string"));
        assert!(
            check_row(t, &c, &serde_json::json!({"name": "a", "value": "b", "x": 1}))
                .unwrap_err()
                .contains("not a column")
        );
        assert!(check_row(t, &c, &serde_json::json!([1])).is_err());
    }

    #[test]
    fn older_formats_lack_the_columns_added_after_them() {
        let works = TABLES.iter().find(|t| t.name == "works").unwrap();
        let v1: Vec<&str> = columns_in(works, 1).iter().map(|(n, _)| *n).collect();
        let v2: Vec<&str> = columns_in(works, 2).iter().map(|(n, _)| *n).collect();
        assert!(!v1.contains(&"comment_policy") && v2.contains(&"comment_policy"));
        assert_eq!(v2.len(), works.columns.len());
        // A table is listed after every table it references, and a newer table never
        // claims columns added later than itself.
        for t in TABLES {
            assert!(t.added.iter().all(|(_, since)| *since > t.since), "{}", t.name);
        }
    }
}
