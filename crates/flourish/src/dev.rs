//! `flourish dev …`: tools for development and benchmarks.

use anyhow::Context;
use flourish_store::{StatsStore, Store, UserStore, WorkStore};
use flourish_testkit::corpus::Corpus;
use std::time::Instant;

/// Works stored per transaction.
const BATCH: usize = 500;

/// Adds `works` generated works (see `flourish_testkit::corpus`), credited to one generated
/// writer per fifty works, prolific writers more often.
pub async fn gen_corpus(store: &Store, works: usize, seed: u64) -> anyhow::Result<()> {
    let writers = (works / 50).clamp(10, 20_000);
    let mut pseuds = Vec::with_capacity(writers);
    for n in 0..writers {
        let name = format!("writer{n:05}");
        let pseud = match store.pseud(&name, &name).await? {
            Some(p) => p,
            None => store.create_user(&name).await.context("create a generated writer")?.1,
        };
        pseuds.push(pseud.id);
    }
    let mut corpus = Corpus::new(seed, pseuds, works);
    let started = Instant::now();
    let bar = indicatif::ProgressBar::new(works as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} works ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut n = 0;
    while n < works {
        let generated: Vec<_> = (n..(n + BATCH).min(works)).map(|i| corpus.work(i)).collect();
        let drafts: Vec<_> = generated.iter().map(|g| g.draft.clone()).collect();
        let ids = store.create_works(&drafts).await.with_context(|| format!("generated works from {n}"))?;
        let figures: Vec<_> =
            ids.iter().zip(&generated).map(|(id, g)| (*id, g.stats, g.words, g.updated_at.unix_timestamp())).collect();
        store.set_synthetic_stats(&figures).await?;
        n += generated.len();
        bar.set_position(n as u64);
    }
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    println!("{works} works generated in {secs:.1} s ({:.0} works/s)", works as f64 / secs.max(1e-9));
    Ok(())
}
