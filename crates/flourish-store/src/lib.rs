//! Flourish storage: the only crate that speaks SQL.
//!
//! [`Store`] is opened from a URL (`sqlite://…` or `postgres://…`); the capability traits in
//! [`traits`] (works, series, tags, statistics, the index's reads, the outbox) and in
//! `accounts/` (accounts and one small trait per thing hanging off them) are what the rest
//! of Flourish calls. The parity suite (`tests/it`) runs every trait test on both backends.
//!
//! One rule per place: `changes.rs` is the outbox rule every write calls (a new version and
//! an outbox row in the write's transaction); `series.rs` places a work in a series inside
//! the work's own transaction; `resanitize.rs` cleans stored HTML again when the sanitizer
//! changes. What only `flourish dev` uses sits in `dev/`, behind the `dev` feature.
//!
//! How two backends share one implementation: every query is written once in the SQL both
//! SQLite and PostgreSQL accept (`$1` placeholders, `RETURNING`, `ON CONFLICT`, integers for
//! timestamps), and the [`with_db!`] macro expands each method body once per driver, so the
//! compiler type-checks the code against both. Only the DDL differs, in `migrations/sqlite`
//! and `migrations/postgres`.

#![allow(async_fn_in_trait)] // used through the concrete `Store`, whose futures are Send

mod accounts;
mod archive;
mod backend;
mod backup;
mod changes;
pub mod conversation;
mod error;
pub mod library;
mod outbox;
mod request_counts;
mod resanitize;
mod rows;
mod series;
mod tags;
pub mod traits;

mod works;

#[cfg(feature = "dev")]
pub mod dev;
pub use accounts::{
    AccountRequest, AccountStore, ApiToken, ApiTokenStore, AuditEntry, AuditStore, Invitation, InvitationStore,
    LoginThrottle, MailLogStore, MailRecord, NewAccount, ORPHAN_ACCOUNT, OneTimeLinkStore, SessionRecord, SessionStore,
    SettingsStore, TokenPurpose,
};
pub use archive::ArchiveTotals;
pub use backend::{Backend, Tuning, redact_url};
pub use backup::TableRows;
pub use conversation::{
    BlockStore, CommentOrder, CommentReader, CommentStore, CommentsPage, InboxFilter, JobStore, KudosGiver, KudosList,
    KudosStore, NewReport, NotificationStore, QueueFilter, ReportStore,
};
pub use error::{Outage, StoreError};
pub use library::{
    Activity, BookmarkFilter, BookmarkIndexSource, BookmarkSort, BookmarkStore, Delivered, FilterStore, Hit,
    IndexedBookmark, ReadingStore, SavedSearch, SearchNotice, StatisticsStore, SubscriptionStore,
};
pub use resanitize::{ContentCleaning, ResanitizeReport};
pub use traits::{
    ArchiveCounts, IndexSource, OutboxEntry, OutboxStore, Page, SeriesStore, StatsStore, TagStore, WorkStore,
};
pub use works::{CreatorInvitation, WorkEditing};

use flourish_core::Limits;

/// The open database, on whichever backend its URL named.
#[derive(Clone, Debug)]
pub struct Store {
    db: backend::Db,
    limits: Limits,
    /// The kudos writer's queue, started with the first kudos (`conversation::kudos`).
    kudos: conversation::kudos::KudosWriter,
}

impl Store {
    /// Opens the database at `url` without changing it. Call [`Store::migrate`] next.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, backend::Tuning::default()).await
    }

    /// [`Store::connect`] with the memory the connections may hold set.
    pub async fn connect_with(url: &str, tuning: backend::Tuning) -> Result<Store, StoreError> {
        Ok(Store { db: backend::Db::connect(url, tuning).await?, limits: Limits::default(), kudos: Default::default() })
    }

    /// Uses `limits` to validate what is written from now on.
    pub fn with_limits(mut self, limits: Limits) -> Store {
        self.limits = limits;
        self
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Applies the embedded migrations this database lacks; returns how many were applied.
    pub async fn migrate(&self) -> Result<usize, StoreError> {
        self.db.migrate().await
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_db!(self, db => sqlx::query("SELECT 1").execute(db).await.map(|_| ()).map_err(StoreError::from))
    }

    /// A connection of its own for telling whether a networked database answers, or `None`
    /// for SQLite, a local file that cannot be unreachable. The probe does not queue behind
    /// the requests for a pooled connection, so a busy archive does not look like a dead one.
    pub fn health_probe(&self) -> Option<HealthProbe> {
        match &self.db {
            backend::Db::Sqlite(_) => None,
            backend::Db::Postgres(pool) => Some(HealthProbe { options: pool.connect_options(), conn: None }),
        }
    }

    /// Brings the query planner's statistics up to date after a bulk load (`import`,
    /// `import --archive`, `dev gen-corpus`). PostgreSQL plans from them: a freshly loaded
    /// database has none until autovacuum gets round to it (never, where it is off), and
    /// meanwhile estimated 5,161 tags for one work and read a work's tags with a full scan of
    /// the tags table (5.8 ms instead of 0.27 ms, EXPLAIN ANALYZE at 100,000 works). SQLite
    /// plans well from its indexes alone, so it is left as it is.
    pub async fn refresh_planner_statistics(&self) -> Result<(), StoreError> {
        match &self.db {
            backend::Db::Sqlite(_) => Ok(()),
            backend::Db::Postgres(pool) => {
                sqlx::query("ANALYZE").execute(pool).await.map(|_| ()).map_err(StoreError::from)
            }
        }
    }

    /// Closes every connection, waiting for queries in flight.
    pub async fn close(&self) {
        with_db!(self, db => db.close().await)
    }
}

/// See [`Store::health_probe`]. Bound its calls with a timeout: an unreachable host can
/// leave a connection attempt waiting on the network for minutes.
pub struct HealthProbe {
    options: std::sync::Arc<sqlx::postgres::PgConnectOptions>,
    conn: Option<sqlx::PgConnection>,
}

impl HealthProbe {
    /// `SELECT 1` on the probe's connection, connecting first when there is none.
    pub async fn check(&mut self) -> Result<(), StoreError> {
        use sqlx::ConnectOptions;
        // Dropped before the attempt: a connection a failed or abandoned check left behind
        // may be half-way through a query.
        let mut conn = match self.conn.take() {
            Some(conn) => conn,
            None => self.options.connect().await?,
        };
        sqlx::query("SELECT 1").execute(&mut conn).await?;
        self.conn = Some(conn);
        Ok(())
    }
}

/// Runs `$body` with `$db` bound to the backend's pool, once per backend; see the crate docs.
#[macro_export]
#[doc(hidden)]
macro_rules! with_db {
    ($store:expr, $db:ident => $body:expr) => {
        match &$store.db {
            $crate::backend::Db::Sqlite($db) => {
                #[allow(unused_imports)]
                use $crate::backend::BeginWrite as _;
                $body
            }
            $crate::backend::Db::Postgres($db) => {
                #[allow(unused_imports)]
                use $crate::backend::BeginWrite as _;
                $body
            }
        }
    };
}

/// Unicode-lowercased key that names are unique on.
pub(crate) fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// `$first, $first+1, …` for `n` values: the only dynamic SQL the store writes, and it holds
/// nothing but placeholders.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

pub(crate) fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}
