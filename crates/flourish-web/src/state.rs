//! What every request shares ([`AppState`]: the store, the search index, templates,
//! caches, the mailer) and what the web front is configured with ([`WebConfig`]).

use crate::{auth, downloads, mail, page_cache, rate_limit, settings, templates};
use flourish_search::SearchIndex;
use flourish_store::Store;
use std::path::PathBuf;
use std::sync::Arc;

/// What the web front needs to know about the archive it serves.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub archive_name: String,
    pub archive_description: String,
    /// A folder whose templates replace the embedded ones of the same name.
    pub templates_dir: Option<PathBuf>,
    /// Works per page in listings.
    pub per_page: u32,
    /// Memory for rendered work pages served to guests, in bytes; 0 turns the cache off.
    pub page_cache_bytes: u64,
    /// The address readers use, for links in mail (`https://archive.example.org`). An
    /// `https` address also marks cookies Secure.
    pub public_url: String,
    /// Read the client's address from `X-Forwarded-For` (set only behind a reverse proxy).
    pub trust_proxy: bool,
    /// How people join until an admin changes it on the settings page.
    pub signup_mode: flourish_core::SignupMode,
    /// Requests per client address per `rate_limit_secs`; 0 turns the limit off.
    pub rate_limit_requests: u32,
    pub rate_limit_secs: u64,
    /// `smtps://user:password@host`; unset, mail goes to the log and the admin page.
    pub smtp_url: Option<String>,
    pub mail_from: String,
    /// Seconds a claimed background job is this node's before another may take it.
    pub job_lease_secs: u32,
    /// Password hashes computed at once (each takes a core for ~25 ms).
    pub concurrent_hashes: usize,
    /// What tag suggestions read stories against: the bundled lexicons and the archive's own.
    pub lexicons: Vec<flourish_text::lexicon::Lexicon>,
    /// Count hits on work pages for their creators' statistics.
    pub count_hits: bool,
    /// Requests worked on at once, and more kept waiting for a place, before the rest are
    /// answered 503 (`admission`); 0 in flight is no bound.
    pub requests_in_flight: usize,
    pub requests_queued: usize,
}

impl WebConfig {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// `path` as an absolute URL on this archive.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            archive_name: "Flourish".into(),
            archive_description: "A fan fiction archive".into(),
            templates_dir: None,
            per_page: 20,
            page_cache_bytes: 64 << 20,
            public_url: "http://127.0.0.1:8080".into(),
            trust_proxy: false,
            signup_mode: flourish_core::SignupMode::Open,
            rate_limit_requests: 300,
            rate_limit_secs: 300,
            smtp_url: None,
            mail_from: "Flourish <noreply@localhost>".into(),
            job_lease_secs: crate::jobs::DEFAULT_LEASE_SECS,
            // Half the cores hash passwords at most; the other half keep serving readers
            // during a burst of logins.
            concurrent_hashes: std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1)),
            lexicons: flourish_text::lexicon::Lexicon::bundled(),
            count_hits: true,
            requests_in_flight: DEFAULT_REQUESTS_IN_FLIGHT,
            requests_queued: DEFAULT_REQUESTS_QUEUED,
        }
    }
}

/// Requests a node works on at once by default. Two cores are busy with a few dozen
/// requests; more in flight only lengthen the line inside the node (see `admission`).
pub const DEFAULT_REQUESTS_IN_FLIGHT: usize = 128;
/// Requests kept waiting for a place by default; each waits at most two seconds.
pub const DEFAULT_REQUESTS_QUEUED: usize = 512;

/// Why the web front cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Templates(#[from] templates::TemplateError),
    #[error(transparent)]
    Mail(#[from] mail::MailConfigError),
}

/// Shared by every request.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    /// The search index every listing reads; kept current by [`flourish_search::Indexer`].
    pub search: Arc<SearchIndex>,
    pub config: WebConfig,
    pub templates: templates::Templates,
    pub page_cache: Arc<page_cache::PageCache>,
    pub passwords: auth::password::Passwords,
    pub mailer: mail::Mailer,
    pub rate_limiter: Option<rate_limit::Limiter>,
    pub downloads: downloads::DownloadCache,
    /// Members' page views on their way to their reading history.
    pub visits: crate::visit_log::VisitLog,
    pub hits: crate::hit_log::HitLog,
    /// Whether the database answers; see `db_health`.
    pub db_health: crate::db_health::DbHealth,
    /// The bound on requests worked on at once; see `admission`.
    pub admission: Option<crate::admission::Admission>,
    /// The key guests' addresses are hashed with (`visitors`), read once from the database.
    pub(crate) secrets: tokio::sync::OnceCell<String>,
    pub(crate) site: std::sync::Mutex<Option<(std::time::Instant, settings::SiteSettings)>>,
    /// The front page's totals per kind of viewer (guest, member), recounted at most once a
    /// minute: they take a moment on a large archive and need not be exact to the second.
    counts: std::sync::Mutex<[Option<(std::time::Instant, flourish_store::ArchiveCounts)>; 2]>,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, search: Arc<SearchIndex>, config: WebConfig) -> Result<AppState, StateError> {
        let templates = templates::Templates::new(config.templates_dir.clone())?;
        let page_cache = Arc::new(page_cache::PageCache::new(config.page_cache_bytes));
        let mailer = mail::Mailer::new(config.smtp_url.as_deref(), &config.mail_from)?;
        // Downloads share the page cache's memory budget (at least 16 MiB: books are large).
        let downloads = downloads::DownloadCache::new(config.page_cache_bytes.max(16 << 20));
        let rate_limiter = rate_limit::Limiter::new(
            config.rate_limit_requests,
            std::time::Duration::from_secs(config.rate_limit_secs.max(1)),
        );
        let admission = crate::admission::Admission::new(config.requests_in_flight, config.requests_queued);
        Ok(AppState(Arc::new(Inner {
            store,
            search,
            passwords: auth::password::Passwords::new(config.concurrent_hashes),
            config,
            templates,
            page_cache,
            mailer,
            rate_limiter,
            downloads,
            visits: Default::default(),
            hits: Default::default(),
            db_health: Default::default(),
            admission,
            secrets: Default::default(),
            site: Default::default(),
            counts: Default::default(),
        })))
    }

    /// The archive's totals as `viewer` may see them, from a cache at most a minute old.
    pub async fn archive_counts(
        &self,
        viewer: flourish_core::Viewer,
    ) -> Result<flourish_store::ArchiveCounts, flourish_store::StoreError> {
        const FRESH: std::time::Duration = std::time::Duration::from_secs(60);
        let slot = usize::from(viewer.is_member());
        if let Some((at, counts)) = self.counts.lock().expect("counts lock")[slot]
            && at.elapsed() < FRESH
        {
            return Ok(counts);
        }
        let counts = flourish_store::StatsStore::counts(&self.store, viewer).await?;
        self.counts.lock().expect("counts lock")[slot] = Some((std::time::Instant::now(), counts));
        Ok(counts)
    }

    /// Starts what runs beside the requests: the outbox watcher that keeps cached pages
    /// current, the reading history's writer, and the job worker (mail, digests). Call once, inside the runtime that serves.
    pub fn start_background_tasks(&self) -> tokio::task::JoinHandle<()> {
        let state = self.clone();
        tokio::spawn(async move {
            let forget = async {
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(60)).await;
                    if let Some(limiter) = &state.rate_limiter {
                        limiter.forget_idle();
                    }
                }
            };
            // The archive-wide request counts, where several nodes may share a client.
            let share_counts = async {
                let Some(limiter) = state.rate_limiter.as_ref().filter(|_| state.store.is_shared()) else { return };
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    limiter.shared.sync(&state.store).await;
                }
            };
            tokio::join!(
                page_cache::watch_outbox(state.store.clone(), state.page_cache.clone()),
                forget,
                share_counts,
                state.visits.run(state.store.clone()),
                state.hits.run(state.store.clone()),
                state.db_health.watch(state.store.clone()),
                crate::jobs::run(state.clone())
            );
        })
    }
}
