//! Configuration, in layers: defaults < `flourish.toml` < `FLOURISH_*` environment <
//! command-line flags. Unknown keys are warned about, not fatal; a bad value names its key
//! and where it came from. Any environment variable may instead be given as `NAME_FILE`
//! holding the path of a file with the value (for secrets such as the database URL).

use anyhow::{Context, bail};
use flourish_core::Limits;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The file `flourish config default` prints: every key, its default, what it does.
pub const DEFAULT_FILE: &str = include_str!("flourish.default.toml");

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `None`: SQLite at `data_dir/flourish.db`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates_dir: Option<PathBuf>,
    pub log_format: LogFormat,
    /// Memory for rendered work pages served to guests, in MiB; 0 turns the cache off.
    pub page_cache_mb: u64,
    /// SQLite's page cache, in MiB, over all its connections (pages it misses come from
    /// the kernel's file cache).
    pub database_cache_mb: u32,
    /// Count hits on work pages for creators' statistics (off the request path).
    pub count_hits: bool,
    /// The address readers use (links in mail; `https` makes cookies Secure). Unset: the
    /// listen address over http.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Read client addresses from X-Forwarded-For (only behind a reverse proxy).
    pub trust_proxy: bool,
    /// Seconds a client may take to send a request's headers before the connection is
    /// closed (a client that trickles them, slowloris, holds nothing for long).
    pub header_timeout_secs: u64,
    /// Seconds a client may leave an answer unread before the connection is closed (a
    /// client that reads slowly, or not at all, holds nothing for long).
    pub write_timeout_secs: u64,
    /// Requests worked on at once; 0 is no bound.
    pub requests_in_flight: usize,
    /// Requests waiting for a place (each at most two seconds); the rest get 503.
    pub requests_queued: usize,
    pub archive: ArchiveConfig,
    pub accounts: AccountsConfig,
    pub rate_limit: RateLimitConfig,
    pub mail: MailConfig,
    pub suggestions: SuggestionsConfig,
    pub limits: Limits,
    pub backup: BackupConfig,
}

/// Scheduled backups of a SQLite archive, taken by the server while it runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BackupConfig {
    /// How often ("1d", "6h", "30m"); unset, no scheduled backups.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "write_duration",
        deserialize_with = "read_duration"
    )]
    pub every: Option<std::time::Duration>,
    /// How many scheduled backups to keep; older ones are deleted.
    pub keep: u32,
    /// Where they go; unset, `backups` in the data directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
}

impl Default for BackupConfig {
    fn default() -> Self {
        BackupConfig { every: None, keep: 7, dir: None }
    }
}

fn read_duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<std::time::Duration>, D::Error> {
    let text = String::deserialize(d)?;
    let every = humantime::parse_duration(&text)
        .map_err(|e| serde::de::Error::custom(format!("{e}: write a duration such as \"1d\", \"6h\" or \"30m\"")))?;
    if every.is_zero() {
        return Err(serde::de::Error::custom("write a duration longer than zero, or leave backup.every unset"));
    }
    Ok(Some(every))
}

fn write_duration<S: serde::Serializer>(every: &Option<std::time::Duration>, s: S) -> Result<S::Ok, S::Error> {
    match every {
        Some(every) => s.serialize_str(&humantime::format_duration(*every).to_string()),
        None => s.serialize_none(),
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SuggestionsConfig {
    /// A folder of the archive's own lexicons (`*.txt`), read beside the bundled ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lexicon_dir: Option<PathBuf>,
}

impl Config {
    /// The bundled lexicons and the archive's own.
    pub fn lexicons(&self) -> anyhow::Result<Vec<flourish_text::lexicon::Lexicon>> {
        flourish_text::lexicon::Lexicon::bundled_and_dir(self.suggestions.lexicon_dir.as_deref())
            .map_err(|e| anyhow::anyhow!("suggestions.lexicon_dir: {e}"))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AccountsConfig {
    /// How people join until an admin chooses otherwise on the settings page.
    pub signup_mode: flourish_core::SignupMode,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        AccountsConfig { signup_mode: flourish_core::SignupMode::Open }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RateLimitConfig {
    /// Requests per client address per `per_seconds`; 0 turns the limit off.
    pub requests: u32,
    pub per_seconds: u64,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig { requests: 300, per_seconds: 300 }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MailConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp_url: Option<String>,
    pub from: String,
    /// Seconds a node holds a queued mail (or other background job) before another node,
    /// or this one restarted, may take it again: how long a crash delays a message.
    pub lease_secs: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            smtp_url: None,
            from: "Flourish <noreply@localhost>".into(),
            lease_secs: flourish_web::jobs::DEFAULT_LEASE_SECS,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ArchiveConfig {
    pub name: String,
    pub description: String,
}

impl Default for ArchiveConfig {
    fn default() -> Self {
        ArchiveConfig { name: "Flourish".into(), description: "A fan fiction archive".into() }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            templates_dir: None,
            log_format: LogFormat::Text,
            page_cache_mb: 64,
            database_cache_mb: flourish_store::Tuning::default().sqlite_cache_mb,
            count_hits: true,
            public_url: None,
            trust_proxy: false,
            header_timeout_secs: 10,
            write_timeout_secs: 30,
            requests_in_flight: flourish_web::state::DEFAULT_REQUESTS_IN_FLIGHT,
            requests_queued: flourish_web::state::DEFAULT_REQUESTS_QUEUED,
            archive: ArchiveConfig::default(),
            accounts: AccountsConfig::default(),
            rate_limit: RateLimitConfig::default(),
            mail: MailConfig::default(),
            suggestions: SuggestionsConfig::default(),
            limits: Limits::default(),
            backup: BackupConfig::default(),
        }
    }
}

/// Values from command-line flags.
#[derive(Default)]
pub struct Overrides {
    pub listen: Option<String>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
}

/// Environment variables and the key each sets. One list, so the docs, the loader and the
/// unknown-variable warning agree.
const ENV_KEYS: &[(&str, &str)] = &[
    ("FLOURISH_LISTEN", "listen"),
    ("FLOURISH_DATA_DIR", "data_dir"),
    ("FLOURISH_DATABASE_URL", "database_url"),
    ("FLOURISH_TEMPLATES_DIR", "templates_dir"),
    ("FLOURISH_LOG_FORMAT", "log_format"),
    ("FLOURISH_PAGE_CACHE_MB", "page_cache_mb"),
    ("FLOURISH_DATABASE_CACHE_MB", "database_cache_mb"),
    ("FLOURISH_COUNT_HITS", "count_hits"),
    ("FLOURISH_PUBLIC_URL", "public_url"),
    ("FLOURISH_TRUST_PROXY", "trust_proxy"),
    ("FLOURISH_HEADER_TIMEOUT_SECS", "header_timeout_secs"),
    ("FLOURISH_WRITE_TIMEOUT_SECS", "write_timeout_secs"),
    ("FLOURISH_REQUESTS_IN_FLIGHT", "requests_in_flight"),
    ("FLOURISH_REQUESTS_QUEUED", "requests_queued"),
    ("FLOURISH_ACCOUNTS_SIGNUP_MODE", "accounts.signup_mode"),
    ("FLOURISH_RATE_LIMIT_REQUESTS", "rate_limit.requests"),
    ("FLOURISH_RATE_LIMIT_PER_SECONDS", "rate_limit.per_seconds"),
    ("FLOURISH_MAIL_SMTP_URL", "mail.smtp_url"),
    ("FLOURISH_MAIL_FROM", "mail.from"),
    ("FLOURISH_MAIL_LEASE_SECS", "mail.lease_secs"),
    ("FLOURISH_SUGGESTIONS_LEXICON_DIR", "suggestions.lexicon_dir"),
    ("FLOURISH_BACKUP_EVERY", "backup.every"),
    ("FLOURISH_BACKUP_KEEP", "backup.keep"),
    ("FLOURISH_BACKUP_DIR", "backup.dir"),
    ("FLOURISH_ARCHIVE_NAME", "archive.name"),
    ("FLOURISH_ARCHIVE_DESCRIPTION", "archive.description"),
    ("FLOURISH_LIMITS_TITLE", "limits.title"),
    ("FLOURISH_LIMITS_SUMMARY", "limits.summary"),
    ("FLOURISH_LIMITS_NOTES", "limits.notes"),
    ("FLOURISH_LIMITS_CHAPTER", "limits.chapter"),
    ("FLOURISH_LIMITS_TAGS_PER_WORK", "limits.tags_per_work"),
    ("FLOURISH_LIMITS_TAG_NAME", "limits.tag_name"),
    ("FLOURISH_LIMITS_COMMENT", "limits.comment"),
];

/// `FLOURISH_*` variables that are not configuration keys but are read elsewhere.
const OTHER_ENV: &[&str] = &["FLOURISH_CONFIG", "FLOURISH_LOG", "FLOURISH_TEST_DATABASE_URL"];

impl Config {
    /// Loads the configuration from every layer, reading the real environment.
    pub fn load(file: Option<&Path>, flags: &Overrides) -> anyhow::Result<Config> {
        let env: BTreeMap<String, String> = std::env::vars().filter(|(k, _)| k.starts_with("FLOURISH_")).collect();
        Self::load_from(file, &env, flags)
    }

    pub fn load_from(file: Option<&Path>, env: &BTreeMap<String, String>, flags: &Overrides) -> anyhow::Result<Config> {
        let mut table = Table::new();
        // Where each key was set, to name it in errors.
        let mut sources: BTreeMap<String, String> = BTreeMap::new();

        let path = match file {
            Some(p) => Some(p.to_path_buf()),
            None => Some(PathBuf::from("flourish.toml")).filter(|p| p.exists()),
        };
        if let Some(path) = &path {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
            table = text.parse::<Table>().map_err(|e| {
                anyhow::anyhow!(
                    "the configuration file {} is not valid TOML: {}",
                    path.display(),
                    e.to_string().trim_end()
                )
            })?;
            for key in leaf_keys(&table, "") {
                sources.insert(key, path.display().to_string());
            }
        }

        for (name, value) in env {
            let (name, value) = match name.strip_suffix("_FILE") {
                Some(base) if ENV_KEYS.iter().any(|(n, _)| *n == base) => {
                    let contents =
                        std::fs::read_to_string(value).with_context(|| format!("cannot read {name}={value}"))?;
                    (base.to_owned(), contents.trim().to_owned())
                }
                _ => (name.clone(), value.clone()),
            };
            match ENV_KEYS.iter().find(|(n, _)| *n == name) {
                Some((_, key)) => {
                    set_path(&mut table, key, env_value(&value));
                    sources.insert(key.to_string(), format!("the environment variable {name}"));
                }
                None if OTHER_ENV.contains(&name.as_str()) => {}
                None => eprintln!("warning: ignoring the unknown environment variable {name}"),
            }
        }

        let flag_values = [
            ("listen", flags.listen.clone()),
            ("data_dir", flags.data_dir.as_ref().map(|p| p.display().to_string())),
            ("database_url", flags.database_url.clone()),
        ];
        for (key, value) in flag_values {
            if let Some(v) = value {
                set_path(&mut table, key, Value::String(v));
                sources.insert(key.into(), format!("the --{} flag", key.replace('_', "-")));
            }
        }

        let mut unknown = Vec::new();
        let mut note_unknown = |p: serde_ignored::Path<'_>| unknown.push(p.to_string());
        let deserializer = serde_ignored::Deserializer::new(Value::Table(table), &mut note_unknown);
        let config: Config = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let key = e.path().to_string();
            let from = sources
                .iter()
                .filter(|(k, _)| key == **k || key.starts_with(&format!("{k}.")))
                .map(|(_, s)| s.as_str())
                .next()
                .unwrap_or("the configuration");
            anyhow::anyhow!("invalid configuration key `{key}` (set in {from}): {}", e.inner())
        })?;
        for key in unknown {
            let from = sources.get(&key).map_or("the configuration".to_owned(), Clone::clone);
            eprintln!("warning: ignoring the unknown configuration key `{key}` in {from}");
        }
        if config.archive.name.trim().is_empty() {
            bail!("invalid configuration key `archive.name`: the archive needs a name");
        }
        Ok(config)
    }

    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("flourish.db").display()))
    }

    /// This node's search index: derived data, rebuilt when missing (`flourish reindex`).
    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }

    /// Where scheduled backups go.
    pub fn backup_dir(&self) -> PathBuf {
        self.backup.dir.clone().unwrap_or_else(|| self.data_dir.join("backups"))
    }

    /// The address readers use: `public_url`, or the listen address over http.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    pub fn database_url_redacted(&self) -> String {
        flourish_store::redact_url(&self.database_url())
    }

    /// The configuration as TOML, with the database password hidden.
    pub fn to_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = Some(self.database_url_redacted());
        toml::to_string_pretty(&shown).unwrap_or_default()
    }
}

/// Environment values are strings; numbers and booleans become TOML numbers and booleans
/// so `FLOURISH_LIMITS_TITLE=300` sets an integer.
fn env_value(s: &str) -> Value {
    if let Ok(n) = s.parse::<i64>() {
        Value::Integer(n)
    } else if let Ok(b) = s.parse::<bool>() {
        Value::Boolean(b)
    } else {
        Value::String(s.to_owned())
    }
}

fn set_path(table: &mut Table, dotted: &str, value: Value) {
    let mut parts: Vec<&str> = dotted.split('.').collect();
    let last = parts.pop().expect("non-empty key");
    let mut current = table;
    for part in parts {
        let entry = current.entry(part).or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        current = entry.as_table_mut().expect("just made a table");
    }
    current.insert(last.to_owned(), value);
}

fn leaf_keys(table: &Table, prefix: &str) -> Vec<String> {
    table
        .iter()
        .flat_map(|(k, v)| {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match v {
                Value::Table(t) => leaf_keys(t, &key),
                _ => vec![key],
            }
        })
        .collect()
}

/// The flags every command that opens the archive takes.
#[derive(clap::Args, Default, Clone)]
pub struct DatabaseArgs {
    /// Where data lives: the SQLite database and the search index.
    // Global, so `flourish admin resanitize --data-dir D` reads as well as `admin --data-dir D resanitize`.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DATABASE (default: SQLite in the data directory).
    #[arg(long, global = true)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides { data_dir: self.data_dir.clone(), database_url: self.database_url.clone(), listen: None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(file: Option<&str>, env: &[(&str, &str)], flags: Overrides) -> anyhow::Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flourish.toml");
        if let Some(text) = file {
            std::fs::write(&path, text).unwrap();
        }
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        // Always name a file, so a developer's own ./flourish.toml cannot leak into tests.
        let empty = dir.path().join("empty.toml");
        std::fs::write(&empty, "").unwrap();
        Config::load_from(Some(if file.is_some() { &path } else { &empty }), &env, &flags)
    }

    #[test]
    fn the_printed_default_file_is_the_default_configuration() {
        let parsed = load(Some(DEFAULT_FILE), &[], Overrides::default()).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn layers_override_in_order() {
        let file = "listen = \"127.0.0.1:9000\"\ndata_dir = \"/from/file\"\n[archive]\nname = \"File Archive\"\n[limits]\ntitle = 100\n";
        let env = [("FLOURISH_DATA_DIR", "/from/env"), ("FLOURISH_LIMITS_TITLE", "300")];
        let flags = Overrides { data_dir: Some("/from/flag".into()), ..Default::default() };
        let c = load(Some(file), &env, flags).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.data_dir, PathBuf::from("/from/flag"));
        assert_eq!(c.archive.name, "File Archive");
        assert_eq!(c.limits.title, 300);
        assert_eq!(c.limits.summary, 1_250, "untouched keys keep their defaults");
        assert_eq!(c.database_url(), "sqlite:///from/flag/flourish.db");
    }

    #[test]
    fn a_bad_value_names_its_key_and_its_file() {
        let err = load(Some("[limits]\ntitle = \"long\"\n"), &[], Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("`limits.title`") && err.contains("flourish.toml"), "{err}");
        let err = load(None, &[("FLOURISH_LISTEN", "localhost")], Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("`listen`") && err.contains("FLOURISH_LISTEN"), "{err}");
        let err = load(Some("listen = [1"), &[], Overrides::default()).unwrap_err().to_string();
        assert!(err.contains("not valid TOML") && err.contains("flourish.toml"), "{err}");
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("db-url");
        std::fs::write(&secret, "postgres://flo:pw@db/flourish\n").unwrap();
        let c = load(None, &[("FLOURISH_DATABASE_URL_FILE", secret.to_str().unwrap())], Overrides::default()).unwrap();
        assert_eq!(c.database_url(), "postgres://flo:pw@db/flourish");
        assert!(!c.to_toml().contains(":pw@"));
    }
}
