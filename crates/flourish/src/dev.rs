//! `flourish dev …`: tools for development and benchmarks.

use anyhow::Context;
use flourish_store::{Store, UserStore, WorkStore};
use flourish_testkit::corpus::Corpus;
use std::time::Instant;

/// Adds `works` generated works, credited to fifty generated writers.
pub async fn gen_corpus(store: &Store, works: usize, seed: u64) -> anyhow::Result<()> {
    let mut pseuds = Vec::new();
    for n in 0..50 {
        let name = format!("writer{n:03}");
        let pseud = match store.pseud(&name, &name).await? {
            Some(p) => p,
            None => store.create_user(&name).await.context("create a generated writer")?.1,
        };
        pseuds.push(pseud.id);
    }
    let mut corpus = Corpus::new(seed, pseuds);
    let started = Instant::now();
    for n in 0..works {
        store.create_work(&corpus.work(n)).await.with_context(|| format!("generated work {n}"))?;
        if (n + 1) % 1000 == 0 {
            eprintln!("{} works…", n + 1);
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{works} works generated in {secs:.1} s ({:.0} works/s)", works as f64 / secs.max(1e-9));
    Ok(())
}
