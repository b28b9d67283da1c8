//! `flourish dev …`: tools for development and benchmarks. They stay in the release binary:
//! benchmarks, and admins trying Flourish at scale, run `flourish dev gen-corpus`.

pub mod corpus;
pub mod score;

use anyhow::Context;
use corpus::Corpus;
use flourish_store::dev::SyntheticStats;
use flourish_store::{AccountStore, Store, WorkStore};
use std::path::Path;
use std::time::Instant;

/// Works stored per transaction.
const BATCH: usize = 500;

/// Adds `works` generated works (see [`corpus`]), credited to one generated
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
    store.refresh_planner_statistics().await?;
    let secs = started.elapsed().as_secs_f64();
    println!("{works} works generated in {secs:.1} s ({:.0} works/s)", works as f64 / secs.max(1e-9));
    Ok(())
}

/// `flourish dev bench-queries`: the discovery benchmark's queries (a)–(d), answered in
/// process by the search index and — for (a)–(c) — by the SQL baseline (FTS5 + GROUP BY)
/// in the same run. Prints p50/p99 of each and writes the same queries as URL paths to
/// `paths` for the HTTP half of `bench/discovery.sh`.
pub async fn bench_queries(
    store: &Store,
    index_dir: &std::path::Path,
    iterations: usize,
    paths: Option<&std::path::Path>,
    baseline: bool,
) -> anyhow::Result<()> {
    use flourish_core::TagKind;
    use flourish_search::{Indexer, Kept, SearchIndex, Sort, WorkQuery};
    use flourish_store::dev::baseline::BaselineQuery;
    use std::sync::Arc;

    let index = Arc::new(SearchIndex::open(index_dir)?);
    let indexer = Indexer::new(index.clone(), store.clone());
    indexer.start().await?;
    println!("index: {} works", index.doc_count());
    let started = Instant::now();
    store.baseline_prepare().await?;
    println!("baseline FTS5 table ready in {:.1} s", started.elapsed().as_secs_f64());

    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let base = WorkQuery { page: 1, per_page: 20, ..WorkQuery::default() };
    let top = |results: &flourish_search::SearchResults, kind: TagKind| -> Vec<i64> {
        results
            .facets
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, f)| f.iter().map(|f| f.id).collect())
            .unwrap_or_default()
    };
    let all = index.search(&base, now)?;
    let fandom = *top(&all, TagKind::Fandom).first().context("the archive has no fandoms; run dev gen-corpus first")?;
    let in_fandom = index.search(&WorkQuery { include: vec![fandom], ..base.clone() }, now)?;
    let character = *top(&in_fandom, TagKind::Character).first().context("no characters")?;
    let freeforms = top(&in_fandom, TagKind::Freeform);
    anyhow::ensure!(freeforms.len() >= 4, "too few additional tags to build query (b)");

    struct Case {
        name: &'static str,
        search: WorkQuery,
        baseline: BaselineQuery,
        path: String,
    }
    let words = (1_000, 50_000);
    let cases = [
        Case {
            name: "(a) fandom listing by kudos, with counts",
            search: WorkQuery { include: vec![fandom], sort: Some(Sort::Kudos), ..base.clone() },
            baseline: BaselineQuery { include: vec![fandom], by_kudos: true, ..Default::default() },
            path: format!("/works?include={fandom}&sort=kudos"),
        },
        Case {
            name: "(b) 3 included, 3 excluded, word range, with counts",
            search: WorkQuery {
                include: vec![fandom, character, freeforms[0]],
                exclude: freeforms[1..4].to_vec(),
                words_from: Some(words.0),
                words_to: Some(words.1),
                ..base.clone()
            },
            baseline: BaselineQuery {
                include: vec![fandom, character, freeforms[0]],
                exclude: freeforms[1..4].to_vec(),
                words: Some(words),
                ..Default::default()
            },
            path: format!(
                "/works?include={fandom}&include={character}&include={}&exclude={}&exclude={}&exclude={}&words_from={}&words_to={}",
                freeforms[0], freeforms[1], freeforms[2], freeforms[3], words.0, words.1
            ),
        },
        Case {
            name: "(c) free text, a common word, with counts",
            search: WorkQuery { text: "night".into(), ..base.clone() },
            baseline: BaselineQuery { text: Some("night".into()), ..Default::default() },
            path: "/works/search?q=night".into(),
        },
    ];
    let mut lines = vec![];
    for case in &cases {
        // Counted afresh each time (everything kept forgotten first); right after a write
        // (the sidebar made again from each segment's kept counts); and asked again with
        // nothing written (the sidebar kept).
        let mut search_times = vec![];
        let mut total = 0;
        for _ in 0..iterations {
            index.forget(Kept::CountsToo);
            let t = Instant::now();
            total = index.search(&case.search, now)?.total;
            search_times.push(t.elapsed());
        }
        let mut written_times = vec![];
        for _ in 0..iterations {
            index.forget(Kept::Sidebars);
            let t = Instant::now();
            std::hint::black_box(index.search(&case.search, now)?);
            written_times.push(t.elapsed());
        }
        let mut kept_times = vec![];
        for _ in 0..iterations {
            let t = Instant::now();
            std::hint::black_box(index.search(&case.search, now)?);
            kept_times.push(t.elapsed());
        }
        let (w50, w99) = percentiles(&mut written_times);
        let (k50, k99) = percentiles(&mut kept_times);
        let kept = format!(
            "    after a write p50 {:>8.2} ms  p99 {:>8.2} ms\n    asked again   p50 {:>8.2} ms  p99 {:>8.2} ms",
            ms(w50),
            ms(w99),
            ms(k50),
            ms(k99)
        );
        let mut sql_times = vec![];
        let mut sql_total = 0;
        for _ in 0..if baseline { (iterations / 10).max(5) } else { 0 } {
            let t = Instant::now();
            sql_total = store.baseline_listing(&case.baseline).await?.total;
            sql_times.push(t.elapsed());
        }
        let (s50, s99) = percentiles(&mut search_times);
        if sql_times.is_empty() {
            println!(
                "{}: {total} works\n    search index  p50 {:>8.2} ms  p99 {:>8.2} ms\n{kept}",
                case.name,
                ms(s50),
                ms(s99)
            );
            lines.push(case.path.clone());
            continue;
        }
        let (q50, q99) = percentiles(&mut sql_times);
        println!("{}: {total} works (SQL: {sql_total})", case.name);
        println!(
            "    search index  p50 {:>8.2} ms  p99 {:>8.2} ms\n{kept}\n    SQL baseline  p50 {:>8.2} ms  p99 {:>8.2} ms\n    → the index (counting afresh) is {:.0}× faster at p50, {:.0}× at p99",
            ms(s50),
            ms(s99),
            ms(q50),
            ms(q99),
            q50.as_secs_f64() / s50.as_secs_f64().max(1e-9),
            q99.as_secs_f64() / s99.as_secs_f64().max(1e-9)
        );
        lines.push(case.path.clone());
    }
    let mut times = vec![];
    for _ in 0..iterations {
        let t = Instant::now();
        std::hint::black_box(index.autocomplete("si", None, 10));
        times.push(t.elapsed());
    }
    let (a50, a99) = percentiles(&mut times);
    println!("(d) autocomplete \"si\": p50 {:.3} ms  p99 {:.3} ms", ms(a50), ms(a99));
    lines.push("/api/v1/tags/autocomplete?term=si".into());
    // (e) The unfiltered listing under a reader's filter profile muting 50 tags and 20
    // creators, counted afresh, beside the same listing without it: interleaved, so both
    // see the same machine.
    {
        use flourish_search::Mute;
        use flourish_store::{IndexSource, TagStore};
        let tags: Vec<i64> = store
            .all_tags()
            .await?
            .into_iter()
            .filter(|t| matches!(t.kind, TagKind::Freeform | TagKind::Character | TagKind::Relationship))
            .map(|t| t.id.0)
            .step_by(7)
            .take(50)
            .collect();
        let listed: Vec<flourish_core::WorkId> =
            index.search(&WorkQuery { per_page: 100, ..base.clone() }, now)?.hits.iter().map(|h| h.id).collect();
        let mut creators: Vec<i64> =
            store.works_for_index(&listed).await?.iter().flat_map(|w| w.creators.iter().map(|p| p.user_id.0)).collect();
        creators.sort_unstable();
        creators.dedup();
        creators.truncate(20);
        let muted = WorkQuery {
            mute: Some(Mute { tags: tags.clone(), creators: creators.clone(), ..Mute::default() }),
            ..base.clone()
        };
        // Each listing counted from whichever side of a segment is smaller (as served), and
        // from every match (as before that), interleaved in one run.
        let mut times: [[Vec<std::time::Duration>; 2]; 2] = Default::default();
        let (mut plain_total, mut muted_total) = (0, 0);
        for _ in 0..iterations {
            for (side, either) in [true, false].into_iter().enumerate() {
                index.count_from_either_side(either);
                index.forget(Kept::CountsToo);
                let t = Instant::now();
                plain_total = index.search(&base, now)?.total;
                times[side][0].push(t.elapsed());
                index.forget(Kept::CountsToo);
                let t = Instant::now();
                muted_total = index.search(&muted, now)?.total;
                times[side][1].push(t.elapsed());
            }
        }
        index.count_from_either_side(true);
        println!(
            "(e) /works with counts, counted afresh: {plain_total} works; under a profile muting {} tags and {} creators: {muted_total}",
            tags.len(),
            creators.len()
        );
        let mut p99s = [[0.0; 2]; 2];
        for (side, name) in ["counting the smaller side (served)", "counting every match (before)"].iter().enumerate() {
            let (p50, p99) = percentiles(&mut times[side][0]);
            let (m50, m99) = percentiles(&mut times[side][1]);
            p99s[side] = [ms(p99), ms(m99)];
            println!(
                "  {name}\n    no profile    p50 {:>8.2} ms  p99 {:>8.2} ms\n    with profile  p50 {:>8.2} ms  p99 {:>8.2} ms\n    → with the profile {:.2}× at p50, {:.2}× at p99",
                ms(p50),
                ms(p99),
                ms(m50),
                ms(m99),
                m50.as_secs_f64() / p50.as_secs_f64().max(1e-9),
                m99.as_secs_f64() / p99.as_secs_f64().max(1e-9)
            );
        }
        println!(
            "    → p99 now ÷ before: {:.2}× without the profile, {:.2}× with it",
            p99s[0][0] / p99s[1][0].max(1e-9),
            p99s[0][1] / p99s[1][1].max(1e-9)
        );
    }
    if let Some(paths) = paths {
        std::fs::write(paths, lines.join("\n") + "\n")?;
    }
    Ok(())
}

fn percentiles(times: &mut [std::time::Duration]) -> (std::time::Duration, std::time::Duration) {
    times.sort_unstable();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1).min(times.len() - 1)];
    (at(0.50), at(0.99))
}

fn ms(d: std::time::Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `flourish dev add-accounts`: confirmed accounts `PREFIX1`…`PREFIXn` sharing one
/// password, for load tests of logging in.
/// What `dev add-accounts` does besides making the accounts.
#[derive(Default)]
pub struct AccountOptions<'a> {
    /// Write an API token for each account here, one a line.
    pub tokens: Option<&'a Path>,
    /// Date them this many days back.
    pub joined_days_ago: u32,
}

pub async fn add_accounts(
    store: &Store,
    count: usize,
    prefix: &str,
    password: &str,
    options: AccountOptions<'_>,
) -> anyhow::Result<()> {
    use flourish_store::ApiTokenStore;
    use flourish_store::dev::SyntheticAccounts;
    use flourish_web::auth::tokens;
    let passwords = flourish_web::auth::password::Passwords::new(1);
    let hash = passwords.hash(password).await?;
    let joined = time::OffsetDateTime::now_utc().unix_timestamp() - i64::from(options.joined_days_ago) * 86_400;
    let mut token_lines = String::new();
    for i in 1..=count {
        let username = format!("{prefix}{i}");
        let email = format!("{username}@example.org");
        let new = flourish_store::NewAccount {
            username: &username,
            email: &email,
            password_hash: &hash,
            confirmed: true,
            is_admin: false,
            invitation: None,
        };
        let (account, _) = store.register(&new).await.with_context(|| format!("cannot create {username}"))?;
        if options.joined_days_ago > 0 {
            store.set_joined(account.id, joined).await?;
        }
        if options.tokens.is_some() {
            let token = tokens::random_token();
            store.create_api_token(account.id, "load test", &tokens::hash_token(&token)).await?;
            token_lines.push_str(&token);
            token_lines.push('\n');
        }
    }
    if let Some(path) = options.tokens {
        std::fs::write(path, token_lines).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("created {count} accounts, {prefix}1 to {prefix}{count}");
    Ok(())
}

/// `flourish dev seed-comments`: `comments` comments on the work's last chapter, in
/// `threads` threads (each top-level comment, then replies to the newest comment of a
/// thread, so threads grow deep as well as wide), written in turn by PREFIX1, PREFIX2, ….
pub async fn seed_comments(
    store: &Store,
    work: flourish_core::WorkId,
    comments: usize,
    threads: usize,
    prefix: &str,
) -> anyhow::Result<()> {
    use flourish_core::{Commenter, NewComment, TextFormat};
    use flourish_store::CommentStore;
    let mut writers = Vec::new();
    for i in 1.. {
        let Some(user) = store.user_by_name(&format!("{prefix}{i}")).await? else { break };
        writers.push(user.id);
    }
    anyhow::ensure!(!writers.is_empty(), "no accounts named {prefix}1, {prefix}2, …: run dev add-accounts first");
    let started = Instant::now();
    let mut last_in_thread: Vec<Option<flourish_core::CommentId>> = vec![None; threads];
    for n in 0..comments {
        let thread = n % threads;
        let by = writers[n % writers.len()];
        let new = NewComment {
            work,
            chapter: None,
            parent: last_in_thread[thread],
            content: format!(
                "Comment {n}: the part where the mandrakes answered back made me laugh out loud, and then \
                 the greenhouse scene broke my heart a little. Thread {thread}, and I am still thinking about it."
            ),
            format: TextFormat::Plain,
            by: Commenter::Member { user: by, pseud: None },
        };
        let comment = store.add_comment(&new).await.with_context(|| format!("comment {n}"))?;
        last_in_thread[thread] = Some(comment.id);
    }
    println!(
        "posted {comments} comments in {threads} threads on work {work} in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `flourish dev bench-password`: the argon2id parameters and what hashing and verifying
/// one password costs on this machine, single-threaded (a login verifies once).
pub async fn bench_password(iterations: usize) -> anyhow::Result<()> {
    use flourish_web::auth::password::{LANES, MEMORY_KIB, PASSES, Passwords};
    let passwords = Passwords::new(1);
    let hash = passwords.hash("a benchmark passphrase").await?;
    let mut hash_ms = Vec::with_capacity(iterations);
    let mut verify_ms = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let started = Instant::now();
        passwords.hash("a benchmark passphrase").await?;
        hash_ms.push(started.elapsed().as_secs_f64() * 1e3);
        let started = Instant::now();
        anyhow::ensure!(passwords.verify("a benchmark passphrase", Some(&hash)).await, "verify failed");
        verify_ms.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!("argon2id m={MEMORY_KIB} KiB, t={PASSES}, p={LANES}");
    println!("hash   median {:.1} ms over {iterations}", median(&mut hash_ms));
    println!("verify median {:.1} ms over {iterations} (the cost of one login)", median(&mut verify_ms));
    Ok(())
}

/// `flourish dev bench-export`: builds one stored work's downloads `iterations` times each
/// and prints the median build time and size per format (what a first download costs).
pub async fn bench_export(store: &Store, work: flourish_core::WorkId, iterations: usize) -> anyhow::Result<()> {
    use flourish_core::Viewer;
    let w = store.work(work, Viewer::Member(flourish_core::UserId(0))).await?.context("no such posted work")?;
    let chapters = store.chapters(work, Viewer::Member(flourish_core::UserId(0))).await?;
    let url = format!("http://127.0.0.1:8080/works/{work}");
    let book = flourish_export::Book { work: &w, chapters: &chapters, archive_name: "Flourish", work_url: &url };
    println!("work {work}: {} words, {} chapters", w.word_count, chapters.len());
    for format in flourish_export::Format::ALL {
        let mut ms = Vec::with_capacity(iterations);
        let mut size = 0;
        for _ in 0..iterations {
            let started = Instant::now();
            size = flourish_export::export(&book, format)?.len();
            ms.push(started.elapsed().as_secs_f64() * 1e3);
        }
        ms.sort_by(f64::total_cmp);
        println!("{:<8} median {:>7.1} ms  ({} bytes)", format.label(), ms[ms.len() / 2], size);
    }
    Ok(())
}

/// `flourish export --work ID --format F --output FILE`: one posted work as a download,
/// exactly as the web serves it.
pub async fn export_work(
    store: &Store,
    config: &crate::config::Config,
    work: i64,
    format: &str,
    output: &std::path::Path,
) -> anyhow::Result<()> {
    use flourish_core::Viewer;
    let format = flourish_export::Format::from_extension(format)
        .with_context(|| format!("unknown format {format:?}: use epub, html, txt or md"))?;
    // The command line reads as a member would: members-only works too, not drafts.
    let viewer = Viewer::Member(flourish_core::UserId(0));
    let w = store.work(flourish_core::WorkId(work), viewer).await?.with_context(|| format!("no posted work {work}"))?;
    let chapters = store.chapters(w.id, viewer).await?;
    let url = format!("{}/works/{}", config.public_url().trim_end_matches('/'), w.id);
    let book =
        flourish_export::Book { work: &w, chapters: &chapters, archive_name: &config.archive.name, work_url: &url };
    let bytes = flourish_export::export(&book, format)?;
    std::fs::write(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    println!("wrote {} ({} bytes, {})", output.display(), bytes.len(), format.label());
    Ok(())
}

/// The subscriptions figure: `followers` new accounts follow `work`, a chapter is posted,
/// and the update is delivered the way every node's worker does it (chunks of
/// [`flourish_web::following::DELIVERY_CHUNK`] with a pause between) while two readers
/// read the work's first chapter; then the digest round queues its jobs. Prints the times
/// and the readers' latency alone and during the delivery.
pub async fn bench_followers(
    store: &Store,
    work: flourish_core::WorkId,
    followers: u32,
    chunk: u32,
    pause: std::time::Duration,
) -> anyhow::Result<()> {
    use flourish_core::Viewer;
    use flourish_store::dev::SyntheticAccounts;
    use flourish_store::{JobStore, SubscriptionStore};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    let chapter = store.chapter_index(work, Viewer::Guest).await?.first().map(|c| c.id).context("no such work")?;
    println!("delivery in chunks of {chunk} followers, {} ms apart", pause.as_millis());
    let started = Instant::now();
    // Every tenth follower by the digest, the rest by email at once.
    store.seed_followers(work, "follower", followers, 10).await?;
    println!("seeded {followers} followers of work {work} in {:.1} s", started.elapsed().as_secs_f64());

    // Readers: the queries of a chapter page, back to back, timed one by one.
    let read = |stop: Arc<AtomicBool>| {
        let store = store.clone();
        tokio::spawn(async move {
            let mut times = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let _ = store.work(work, Viewer::Guest).await;
                let _ = store.chapter_index(work, Viewer::Guest).await;
                let _ = store.chapter(work, chapter, Viewer::Guest).await;
                times.push(t.elapsed());
            }
            times
        })
    };
    let readers = |stop: &Arc<AtomicBool>| (0..2).map(|_| read(stop.clone())).collect::<Vec<_>>();
    let collect = async |tasks: Vec<tokio::task::JoinHandle<Vec<Duration>>>| {
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap_or_default());
        }
        all.sort();
        all
    };
    let pct = |v: &[Duration], p: f64| v.get(((v.len() as f64 * p) as usize).min(v.len().saturating_sub(1))).copied();
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0);

    let stop = Arc::new(AtomicBool::new(false));
    let tasks = readers(&stop);
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::Relaxed);
    let alone = collect(tasks).await;

    let jobs_before = store.pending_jobs().await?;
    let stop = Arc::new(AtomicBool::new(false));
    let tasks = readers(&stop);
    let posted = Instant::now();
    store
        .add_chapter(
            work,
            &flourish_core::ChapterDraft {
                title: "The Lamp Relit".into(),
                content: "<p>It caught on the third try, and the room remembered its corners.</p>".into(),
                ..Default::default()
            },
        )
        .await?;
    let mut notified = 0u64;
    let mut steps = 0u32;
    while let Some(step) = store.deliver_updates(chunk).await? {
        notified += step.notified;
        steps += 1;
        tokio::time::sleep(pause).await;
    }
    let delivered = posted.elapsed();
    stop.store(true, Ordering::Relaxed);
    let during = collect(tasks).await;
    let mails = store.pending_jobs().await? - jobs_before;
    let digest_started = Instant::now();
    let today = time::OffsetDateTime::now_utc().date().to_string();
    let digests = store.queue_digests(&today, 0, true).await?;
    let digest_time = digest_started.elapsed();

    println!(
        "chapter posted → {notified} notifications written and {mails} emails queued in {:.2} s ({steps} transactions)",
        delivered.as_secs_f64()
    );
    println!("digest round: {digests} digest emails queued in {:.2} s", digest_time.as_secs_f64());
    println!("composed and queued, in all: {:.2} s (goal: under 60 s)", (delivered + digest_time).as_secs_f64());
    println!(
        "reader (a chapter page's queries): alone p50 {:.2} ms p99 {:.2} ms ({} reads); during delivery p50 {:.2} ms p99 {:.2} ms ({} reads)",
        ms(pct(&alone, 0.5)),
        ms(pct(&alone, 0.99)),
        alone.len(),
        ms(pct(&during, 0.5)),
        ms(pct(&during, 0.99)),
        during.len()
    );
    println!("reader p99 during / alone: {:.2}×", ms(pct(&during, 0.99)) / ms(pct(&alone, 0.99)));
    Ok(())
}
