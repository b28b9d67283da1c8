//! `flourish backup DIR`, `flourish restore DIR` and the server's scheduled backups, for a
//! SQLite archive.
//!
//! A backup is a folder: `flourish.db`, a consistent copy taken with `VACUUM INTO` while
//! the archive keeps serving and writing, and `backup.json`, what it holds (rows per table)
//! so that a restore can tell a whole copy from a damaged one. The search index is not
//! copied: it is derived from the database and rebuilt on the first start after a restore.
//! Neither step ever writes over an archive: a backup goes into a new folder, a restore
//! into an empty data directory, each through a temporary name renamed at the end, so an
//! interrupted one leaves nothing that looks whole.

use crate::config::Config;
use anyhow::{Context, bail};
use flourish_store::{Store, TableRows};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const MANIFEST: &str = "backup.json";
const DATABASE: &str = "flourish.db";
const FORMAT: &str = "flourish-backup/1";
/// The note a manifest carries about the search index.
const INDEX_NOTE: &str = "not included: it is rebuilt from the database on the first start after a restore";

#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: String,
    /// When the copy was taken (RFC 3339, UTC).
    taken_at: String,
    flourish_version: String,
    database: String,
    bytes: u64,
    tables: TableRows,
    search_index: String,
}

/// What a backup wrote, for the command's summary and the scheduler's log.
pub struct Taken {
    pub dir: PathBuf,
    pub bytes: u64,
    pub works: u64,
    pub took: Duration,
}

/// Takes a backup of the archive `store` opens into `dir` (new or empty).
pub async fn backup(store: &Store, dir: &Path) -> anyhow::Result<Taken> {
    let started = Instant::now();
    if dir.join(MANIFEST).exists() || dir.join(DATABASE).exists() {
        bail!("{} already holds a backup; choose a new folder", dir.display());
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let partial = dir.join(format!("{DATABASE}.partial"));
    // Left by an interrupted backup: VACUUM INTO refuses a file that is not empty.
    let _ = std::fs::remove_file(&partial);
    store.backup_into(&partial).await.with_context(|| format!("cannot write the backup into {}", dir.display()))?;

    // Check the copy as a restore will, before calling it a backup.
    let copy = Store::connect(&sqlite_url(&partial)).await?;
    let checked = async {
        if let Err(problems) = copy.integrity_check().await? {
            bail!("the copy failed SQLite's integrity check: {}", problems.join("; "));
        }
        Ok(copy.table_rows().await?)
    }
    .await;
    copy.close().await;
    let tables = checked?;

    let bytes = std::fs::metadata(&partial)?.len();
    std::fs::rename(&partial, dir.join(DATABASE))?;
    let manifest = Manifest {
        format: FORMAT.into(),
        taken_at: now_rfc3339(),
        flourish_version: env!("CARGO_PKG_VERSION").into(),
        database: DATABASE.into(),
        bytes,
        tables,
        search_index: INDEX_NOTE.into(),
    };
    let works = manifest.tables.get("works").copied().unwrap_or(0);
    write_atomically(&dir.join(MANIFEST), &serde_json::to_vec_pretty(&manifest)?)?;
    Ok(Taken { dir: dir.to_path_buf(), bytes, works, took: started.elapsed() })
}

/// Brings the backup in `dir` back as the archive of `config`, whose data directory must
/// hold no archive.
pub async fn restore(config: &Config, dir: &Path) -> anyhow::Result<()> {
    let started = Instant::now();
    if config.database_url.as_deref().is_some_and(|url| !url.starts_with("sqlite:")) {
        bail!(
            "flourish restore brings back a SQLite archive; this configuration uses {}. To move a backup onto \
             PostgreSQL, restore it into a data directory, then `flourish export --all` it and import the export",
            config.database_url_redacted()
        );
    }
    let manifest: Manifest = {
        let path = dir.join(MANIFEST);
        let text = std::fs::read(&path)
            .with_context(|| format!("{} is not a Flourish backup: it has no {MANIFEST}", dir.display()))?;
        serde_json::from_slice(&text)
            .with_context(|| format!("{} is not a Flourish backup manifest", path.display()))?
    };
    if manifest.format != FORMAT {
        bail!("{} is a backup in the format {:?}, which this version does not read", dir.display(), manifest.format);
    }
    let target = PathBuf::from(config.database_url().trim_start_matches("sqlite://"));
    let data_dir = target.parent().map(Path::to_path_buf).unwrap_or_else(|| config.data_dir.clone());
    if let Some(found) = std::fs::read_dir(&data_dir).ok().and_then(|mut entries| entries.next()) {
        let found = found.map(|e| e.file_name().to_string_lossy().into_owned()).unwrap_or_default();
        bail!(
            "refusing to restore into {}: it is not empty (it holds {found}). Restore into a new or empty data \
             directory (--data-dir), then move it into place",
            data_dir.display()
        );
    }
    std::fs::create_dir_all(&data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;

    let partial = data_dir.join(format!("{DATABASE}.restoring"));
    std::fs::copy(dir.join(&manifest.database), &partial)
        .with_context(|| format!("cannot copy the backup's database into {}", data_dir.display()))?;
    let store = Store::connect(&sqlite_url(&partial)).await?;
    let checked = async {
        if let Err(problems) = store.integrity_check().await? {
            bail!("the backup's database is damaged: {}", problems.join("; "));
        }
        let tables = store.table_rows().await?;
        if tables != manifest.tables {
            bail!(
                "the backup's database does not hold what its manifest says: it may be incomplete or another backup's"
            );
        }
        // A backup from an older version is brought up to this one's schema.
        store.migrate().await?;
        Ok(tables)
    }
    .await;
    store.close().await;
    let tables = match checked {
        Ok(tables) => tables,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &target)?;
    println!(
        "restored the backup taken at {} ({} works, {} accounts) into {} in {:.1} s; the search index is rebuilt \
         when the archive starts",
        manifest.taken_at,
        tables.get("works").copied().unwrap_or(0),
        tables.get("users").copied().unwrap_or(0),
        data_dir.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Takes a backup every `config.backup.every` into `config.backup_dir()`, keeping the
/// newest `config.backup.keep`, for as long as the server runs. A failed backup is logged
/// and tried again at the next turn; the server goes on serving.
///
/// A timer in the one process rather than a job in the job table: scheduled backups exist
/// only for SQLite, which has one node by definition, so there is nobody to share with.
pub async fn schedule(config: Config, store: Store) {
    let Some(every) = config.backup.every else { return };
    let root = config.backup_dir();
    let mut timer = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
    timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        timer.tick().await;
        let dir = root.join(time_stamp());
        match backup(&store, &dir).await {
            Ok(taken) => {
                tracing::info!(dir = %taken.dir.display(), bytes = taken.bytes, ms = taken.took.as_millis() as u64, "backup taken");
                if let Err(e) = prune(&root, config.backup.keep.max(1) as usize) {
                    tracing::warn!(error = %e, "cannot delete old backups");
                }
            }
            Err(e) => tracing::error!(error = %format!("{e:#}"), dir = %dir.display(), "scheduled backup failed"),
        }
    }
}

/// Deletes all but the newest `keep` complete backups in `root` (their names sort by time),
/// and those a crash left incomplete over an hour ago (a younger one may be a backup
/// someone is taking by hand into the same folder).
fn prune(root: &Path, keep: usize) -> std::io::Result<()> {
    const ABANDONED: Duration = Duration::from_secs(3600);
    let mut complete = Vec::new();
    for entry in std::fs::read_dir(root)? {
        let entry = entry?;
        let path = entry.path();
        if path.join(MANIFEST).exists() {
            complete.push(path);
        } else if path.is_dir() && entry.metadata()?.modified()?.elapsed().is_ok_and(|age| age > ABANDONED) {
            std::fs::remove_dir_all(&path)?;
        }
    }
    complete.sort();
    for old in &complete[..complete.len().saturating_sub(keep)] {
        std::fs::remove_dir_all(old)?;
    }
    Ok(())
}

fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// `2026-12-07T08-15-00.250Z`: a folder name that sorts by time and is valid everywhere.
fn time_stamp() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]-[minute]-[second].[subsecond digits:3]Z");
    time::OffsetDateTime::now_utc().format(&format).unwrap_or_default()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, bytes)?;
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_keeps_the_newest_complete_backups_and_one_being_taken() {
        let root = tempfile::tempdir().unwrap();
        for name in ["2026-12-01T00-00-00Z", "2026-12-02T00-00-00Z", "2026-12-03T00-00-00Z", "2026-12-04T00-00-00Z"] {
            std::fs::create_dir(root.path().join(name)).unwrap();
            std::fs::write(root.path().join(name).join(MANIFEST), "{}").unwrap();
        }
        std::fs::create_dir(root.path().join("2026-12-05T00-00-00Z")).unwrap();
        prune(root.path(), 2).unwrap();
        let mut left: Vec<_> =
            std::fs::read_dir(root.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        assert_eq!(left, ["2026-12-03T00-00-00Z", "2026-12-04T00-00-00Z", "2026-12-05T00-00-00Z"]);
    }
}
