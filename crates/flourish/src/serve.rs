//! `flourish serve`: open the database, migrate, optionally fill the demo, listen, and shut
//! down gracefully on SIGINT or SIGTERM (requests in flight finish first).

use crate::config::Config;
use anyhow::Context;
use flourish_search::{Indexer, SearchIndex};
use flourish_store::{Store, WorkStore};
use flourish_web::{AppState, WebConfig};
use std::sync::Arc;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let tuning = flourish_store::Tuning { sqlite_cache_mb: config.database_cache_mb };
    let store = Store::connect_with(&config.database_url(), tuning).await?;
    Ok(store.with_limits(config.limits.clone()))
}

/// How often the indexer looks at the outbox: a post shows up in search within about this.
const INDEX_POLL: std::time::Duration = std::time::Duration::from_millis(200);

/// Opens this node's search index and brings it up to date before serving.
pub async fn start_search(config: &Config, store: &Store) -> anyhow::Result<Indexer> {
    let dir = config.index_dir();
    let index =
        SearchIndex::open(&dir).with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    let indexer = Indexer::new(Arc::new(index), store.clone());
    let started = std::time::Instant::now();
    if indexer.open().await.context("cannot bring the search index up to date")? {
        let building = indexer.clone();
        tokio::spawn(async move {
            let started = std::time::Instant::now();
            building.refresh_autocomplete().await;
            tracing::info!(ms = started.elapsed().as_millis() as u64, "autocomplete built");
        });
    }
    tracing::info!(
        works = indexer.index.doc_count(),
        position = indexer.index.position(),
        ms = started.elapsed().as_millis() as u64,
        "search index ready"
    );
    Ok(indexer)
}

/// `flourish reindex`: throws the index away and builds it again from the database.
pub async fn reindex(config: &Config, store: &Store) -> anyhow::Result<()> {
    let dir = config.index_dir();
    let index =
        SearchIndex::open(&dir).with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    let indexer = Indexer::new(Arc::new(index), store.clone());
    let started = std::time::Instant::now();
    let bar = indicatif::ProgressBar::new(store.work_count().await?);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} works ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let count = indexer.rebuild(|n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "indexed {count} works and {} bookmarks in {secs:.1} s ({:.0} works/s); the index in {} uses {}",
        indexer.index.bookmarks.doc_count(),
        count as f64 / secs.max(1e-9),
        dir.display(),
        human_bytes(dir_size(&dir))
    );
    Ok(())
}

/// Cleans HTML stored under an older sanitizer again (see flourish-store's `resanitize`):
/// at every start, where it costs one indexed count when nothing is stale, and from
/// `flourish admin resanitize`, which shows a progress bar (`bar`).
pub async fn resanitize(store: &Store, bar: bool) -> anyhow::Result<()> {
    use flourish_store::ContentCleaning;
    let (works, series) = store.stale_content().await?;
    if works == 0 && series == 0 {
        if bar {
            println!("all stored HTML is already clean under sanitizer version {}", flourish_text::SANITIZER_VERSION);
        }
        return Ok(());
    }
    tracing::info!(works, series, "cleaning HTML stored under an older sanitizer");
    let started = std::time::Instant::now();
    let progress = if bar { indicatif::ProgressBar::new(works) } else { indicatif::ProgressBar::hidden() };
    progress.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} works cleaned ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut logged = std::time::Instant::now();
    let report = store
        .resanitize(|done| {
            progress.set_position(done);
            if logged.elapsed() >= std::time::Duration::from_secs(5) {
                logged = std::time::Instant::now();
                tracing::info!(done, of = works, "cleaning stored HTML");
            }
        })
        .await?;
    progress.finish_and_clear();
    tracing::info!(
        works = report.works,
        works_changed = report.works_changed,
        series = report.series,
        series_changed = report.series_changed,
        ms = started.elapsed().as_millis() as u64,
        "stored HTML cleaned again"
    );
    if bar {
        println!(
            "cleaned {} works ({} changed) and {} series ({} changed) in {:.1} s; changed works are reindexed and their \
             downloads rebuilt",
            report.works,
            report.works_changed,
            report.series,
            report.series_changed,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
        })
        .unwrap_or(0)
}

fn human_bytes(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b => format!("{:.1} KiB", b as f64 / 1024.0),
    }
}

pub async fn run(config: Config, demo: bool) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    if config.backup.every.is_some() && store.backend() != flourish_store::Backend::Sqlite {
        anyhow::bail!(
            "backup.every schedules backups of a SQLite archive; on PostgreSQL use pg_dump or pg_basebackup (see the \
             README) and leave backup.every unset"
        );
    }
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    resanitize(&store, false).await?;
    if demo {
        let added = crate::demo::seed(&store).await.context("cannot add the demo works")?;
        if added > 0 {
            tracing::info!(works = added, "demo works added");
        } else {
            tracing::info!("the archive already has works; demo content not added");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (set `listen` or --listen)", config.listen))?;
    let addr = listener.local_addr()?;
    let mut web = web_config(&config);
    web.lexicons = config.lexicons()?;
    if config.public_url.is_none() {
        // The address actually bound (with --listen 127.0.0.1:0, the port chosen).
        web.public_url = format!("http://{addr}");
    }
    if !flourish_store::AccountStore::admin_exists(&store).await? {
        let link = flourish_web::html::account::setup_link(&store, &web.public_url).await?;
        // Printed, not only logged: this is how the first admin gets in, with no default password.
        println!("This archive has no admin yet. Open this link within a day to create one:\n\n    {link}\n");
        tracing::info!("setup link printed (the archive has no admin)");
    }
    let indexer = start_search(&config, &store).await?;
    let state = AppState::new(store.clone(), indexer.index.clone(), web).context("cannot start the web front")?;
    let background = state.start_background_tasks();
    let indexing = indexer.spawn(INDEX_POLL);
    let backups = tokio::spawn(crate::backup::schedule(config.clone(), store.clone()));
    tracing::info!(database = %config.database_url_redacted(), "Flourish is listening on http://{addr}");
    let options = flourish_web::server::ServeOptions {
        header_timeout: std::time::Duration::from_secs(config.header_timeout_secs.max(1)),
        write_timeout: std::time::Duration::from_secs(config.write_timeout_secs.max(1)),
        ..Default::default()
    };
    flourish_web::server::serve(listener, flourish_web::router(state), options, shutdown_signal()).await;
    background.abort();
    indexing.abort();
    backups.abort();
    store.close().await;
    tracing::info!("Flourish stopped");
    Ok(())
}

/// What the web front needs from the configuration.
pub fn web_config(config: &Config) -> WebConfig {
    WebConfig {
        archive_name: config.archive.name.clone(),
        archive_description: config.archive.description.clone(),
        templates_dir: config.templates_dir.clone(),
        page_cache_bytes: config.page_cache_mb << 20,
        public_url: config.public_url(),
        trust_proxy: config.trust_proxy,
        signup_mode: config.accounts.signup_mode,
        rate_limit_requests: config.rate_limit.requests,
        rate_limit_secs: config.rate_limit.per_seconds,
        smtp_url: config.mail.smtp_url.clone(),
        mail_from: config.mail.from.clone(),
        job_lease_secs: config.mail.lease_secs,
        count_hits: config.count_hits,
        requests_in_flight: config.requests_in_flight,
        requests_queued: config.requests_queued,
        ..WebConfig::default()
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
