//! `flourish serve`: open the database, migrate, optionally fill the demo, listen, and shut
//! down gracefully on SIGINT or SIGTERM (requests in flight finish first).

use crate::config::Config;
use anyhow::Context;
use flourish_search::{Indexer, SearchIndex};
use flourish_store::Store;
use flourish_web::{AppState, WebConfig};
use std::sync::Arc;

pub async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database_url()).await?;
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
    indexer.start().await.context("cannot bring the search index up to date")?;
    tracing::info!(
        works = indexer.index.doc_count(),
        position = indexer.index.position(),
        ms = started.elapsed().as_millis() as u64,
        "search index ready"
    );
    Ok(indexer)
}

pub async fn run(config: Config, demo: bool) -> anyhow::Result<()> {
    let store = open_store(&config).await?;
    let applied = store.migrate().await?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    if demo {
        let added = crate::demo::seed(&store).await.context("cannot add the demo works")?;
        if added > 0 {
            tracing::info!(works = added, "demo works added");
        } else {
            tracing::info!("the archive already has works; demo content not added");
        }
    }
    let web = WebConfig {
        archive_name: config.archive.name.clone(),
        archive_description: config.archive.description.clone(),
        templates_dir: config.templates_dir.clone(),
        page_cache_bytes: config.page_cache_mb << 20,
        ..WebConfig::default()
    };
    let indexer = start_search(&config, &store).await?;
    let state = AppState::new(store.clone(), indexer.index.clone(), web).context("cannot load the templates")?;
    let background = state.start_background_tasks();
    let indexing = indexer.spawn(INDEX_POLL);
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (set `listen` or --listen)", config.listen))?;
    let addr = listener.local_addr()?;
    tracing::info!(database = %config.database_url_redacted(), "Flourish is listening on http://{addr}");
    axum::serve(listener, flourish_web::router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .context("server error")?;
    background.abort();
    indexing.abort();
    store.close().await;
    tracing::info!("Flourish stopped");
    Ok(())
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
