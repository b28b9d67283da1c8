//! `flourish import FILE…`: story files become works. Each file is stored whole, in one
//! transaction, or not at all; a failing file does not stop the others, but makes the
//! command exit non-zero.

use crate::config::{Config, DatabaseArgs};
use anyhow::{Context, bail};
use clap::Args;
use flourish_core::{Pseud, Rating, WorkDraft, WorkId};
use flourish_store::{AccountStore, Store, WorkStore};
use flourish_text::pipeline::{FileRequest, Suggestions, fingerprint, read_work};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Args, Clone)]
pub struct ImportArgs {
    /// Story files: plain text, Markdown, HTML or EPUB; a folder imports every story file
    /// in it and its subfolders.
    #[arg(required_unless_present = "archive", conflicts_with = "archive")]
    pub files: Vec<PathBuf>,
    /// Instead of story files: a whole archive written by `flourish export --all`, read
    /// into this archive, which must be new and empty.
    #[arg(long, value_name = "DIR")]
    pub archive: Option<PathBuf>,
    /// The account to credit, as USER or USER/PSEUD; a missing account is created.
    #[arg(long, required_unless_present = "archive", default_value = "")]
    pub pseud: String,
    /// Fandom tags (repeat, or separate with commas); otherwise the file's own header must name one.
    #[arg(long, value_delimiter = ',')]
    pub fandom: Vec<String>,
    /// General, Teen, Mature, Explicit or Not Rated (FanFiction.Net's K…MA are understood);
    /// otherwise the file's own rating, otherwise Not Rated.
    #[arg(long)]
    pub rating: Option<String>,
    /// Import a file even when a work with the same text exists.
    #[arg(long)]
    pub allow_duplicates: bool,
    /// Tag each work with what the text suggests (its fandom when none is given, characters,
    /// relationships, places as additional tags), each under the archive's canonical name
    /// when it has one for it. Without this, suggestions are only shown by `inspect`.
    #[arg(long)]
    pub accept_suggested_tags: bool,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

enum Outcome {
    Imported(WorkId, String),
    /// The same text is already stored (or earlier in this import): where.
    Duplicate(String),
    Failed(String),
}

/// Files parsed and stored per transaction: large enough that round trips to the database
/// stop mattering, small enough that a progress bar moves.
const BATCH: usize = 200;

/// A file read and ready to store.
struct Ready<'a> {
    file: &'a Path,
    draft: WorkDraft,
    fingerprint: String,
    summary: String,
}

/// Refuses what can be refused before the archive is opened.
pub fn check(args: &ImportArgs) -> anyhow::Result<()> {
    if let Some(r) = &args.rating
        && Rating::parse_lenient(r).is_none()
    {
        bail!("unknown rating {r:?}: use General, Teen, Mature, Explicit or Not Rated");
    }
    Ok(())
}

pub async fn run(config: &Config, store: &Store, args: &ImportArgs) -> anyhow::Result<()> {
    if let Some(dir) = &args.archive {
        let started = std::time::Instant::now();
        let counts = store.import_archive(dir).await?;
        println!("imported {counts} from {} in {:.1} s", dir.display(), started.elapsed().as_secs_f64());
        return Ok(());
    }
    let files = story_files(&args.files)?;
    if files.is_empty() {
        bail!("no story files (.txt, .md, .html, .htm, .xhtml, .epub) in {}", describe(&args.files));
    }
    let pseud = resolve_pseud(store, &args.pseud).await?;
    let lexicons = config.lexicons()?;
    // What every file shares; each file adds only its own name.
    let request = FileRequest {
        name: None,
        creator: pseud.id,
        fandoms: &args.fandom,
        rating: args.rating.as_deref(),
        suggestions: if args.accept_suggested_tags { Suggestions::Accept } else { Suggestions::Skip },
        lexicons: &lexicons,
        limits: store.limits(),
    };

    let bar = ProgressBar::new(files.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {wide_msg}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    if files.len() < 2 {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    let (mut imported, mut duplicates, mut failed) = (0, 0, 0);
    let mut report = |file: &Path, outcome: Outcome| match outcome {
        Outcome::Imported(id, summary) => {
            imported += 1;
            bar.suspend(|| println!("imported  {} → /works/{id} ({summary})", file.display()));
        }
        Outcome::Duplicate(of) => {
            duplicates += 1;
            bar.suspend(|| {
                println!(
                    "skipped   {}: the same text is already {of} (use --allow-duplicates to import it again)",
                    file.display()
                )
            });
        }
        Outcome::Failed(why) => {
            failed += 1;
            bar.suspend(|| println!("failed    {}: {why}", file.display()));
        }
    };
    // Fingerprints seen in this import, and where their text went.
    let mut seen: HashMap<String, String> = HashMap::new();
    let started = std::time::Instant::now();
    for chunk in files.chunks(BATCH) {
        bar.set_message(chunk[0].display().to_string());
        let mut ready = Vec::new();
        for file in chunk {
            match read_one(file, &request) {
                Ok(r) => ready.push(r),
                Err(e) => report(file, Outcome::Failed(format!("{e:#}"))),
            }
        }
        if !args.allow_duplicates {
            let fingerprints: Vec<String> = ready.iter().map(|r| r.fingerprint.clone()).collect();
            for (fingerprint, id) in store.works_with_fingerprints(&fingerprints).await? {
                seen.entry(fingerprint).or_insert_with(|| format!("/works/{id}"));
            }
            let mut fresh = Vec::new();
            for r in ready {
                match seen.get(&r.fingerprint) {
                    Some(of) => report(r.file, Outcome::Duplicate(of.clone())),
                    None => {
                        seen.insert(r.fingerprint.clone(), format!("in {} of this import", r.file.display()));
                        fresh.push(r);
                    }
                }
            }
            ready = fresh;
        }
        if args.accept_suggested_tags {
            for r in &mut ready {
                canonical_names(store, &mut r.draft).await?;
            }
        }
        for (file, outcome) in store_all(store, ready).await {
            report(file, outcome);
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    if imported > 0 {
        store.refresh_planner_statistics().await?;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{imported} imported, {duplicates} skipped as duplicates, {failed} failed, in {secs:.1} s ({:.0} files/s).",
        files.len() as f64 / secs.max(1e-9)
    );
    if failed > 0 {
        bail!("{failed} of {} files could not be imported", files.len());
    }
    Ok(())
}

/// Replaces each user tag that the archive has wrangled as a synonym with its canonical
/// tag, so suggestions follow the archive's own wrangling.
async fn canonical_names(store: &Store, draft: &mut WorkDraft) -> anyhow::Result<()> {
    use flourish_store::TagStore;
    for list in [&mut draft.fandoms, &mut draft.characters, &mut draft.freeforms] {
        *list = store.canonical_names(list).await?;
    }
    draft.relationships = store.canonical_relationships(&draft.relationships).await?;
    Ok(())
}

/// Stores a batch in one transaction; if that fails, each work on its own, so one bad file
/// costs only itself. Every work is stored whole or not at all either way.
async fn store_all<'a>(store: &Store, ready: Vec<Ready<'a>>) -> Vec<(&'a Path, Outcome)> {
    let mut drafts = Vec::with_capacity(ready.len());
    let mut fingerprints = Vec::with_capacity(ready.len());
    let mut reports = Vec::with_capacity(ready.len());
    for r in ready {
        drafts.push(r.draft);
        fingerprints.push(r.fingerprint);
        reports.push((r.file, r.summary));
    }
    if let Ok(ids) = store.create_fingerprinted_works(&drafts, &fingerprints).await {
        return reports
            .into_iter()
            .zip(ids)
            .map(|((file, summary), id)| (file, Outcome::Imported(id, summary)))
            .collect();
    }
    let mut out = Vec::with_capacity(reports.len());
    for (i, (file, summary)) in reports.into_iter().enumerate() {
        let one = store.create_fingerprinted_works(&drafts[i..=i], &fingerprints[i..=i]).await;
        out.push((file, one.map_or_else(|e| Outcome::Failed(e.to_string()), |ids| Outcome::Imported(ids[0], summary))));
    }
    out
}

/// `USER` or `USER/PSEUD`; the account is created when missing (this is an admin's tool).
async fn resolve_pseud(store: &Store, spec: &str) -> anyhow::Result<Pseud> {
    let (user, pseud) = spec.split_once('/').unwrap_or((spec, spec));
    if let Some(p) = store.pseud(user, pseud).await? {
        return Ok(p);
    }
    let account = match store.user_by_name(user).await? {
        Some(u) => u,
        None => {
            let (u, _) =
                store.create_user(user).await.with_context(|| format!("cannot create the account {user:?}"))?;
            eprintln!("created the account {}", u.username);
            u
        }
    };
    match store.pseud(&account.username, pseud).await? {
        Some(p) => Ok(p),
        None => Ok(store
            .add_pseud(account.id, pseud)
            .await
            .with_context(|| format!("cannot create the pseud {pseud:?}"))?),
    }
}

/// Reads one file through the import pipeline and validates its draft here, so a bad file
/// fails alone instead of failing its batch.
/// What a story file's name ends with, for walking folders (a file named on the command
/// line is read whatever its name).
const STORY_EXTENSIONS: &[&str] = &["txt", "md", "markdown", "html", "htm", "xhtml", "epub"];

/// The files named, with each folder replaced by the story files in it and its subfolders,
/// in name order; hidden files and folders (".git") are skipped.
fn story_files(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let hidden =
            |e: &walkdir::DirEntry| e.depth() > 0 && e.file_name().to_str().is_some_and(|n| n.starts_with('.'));
        for entry in walkdir::WalkDir::new(path).sort_by_file_name().into_iter().filter_entry(|e| !hidden(e)) {
            let entry = entry.with_context(|| format!("cannot read the folder {}", path.display()))?;
            let story = entry
                .path()
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| STORY_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()));
            if entry.file_type().is_file() && story {
                files.push(entry.into_path());
            }
        }
    }
    Ok(files)
}

fn describe(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

fn read_one<'a>(file: &'a Path, shared: &FileRequest<'_>) -> anyhow::Result<Ready<'a>> {
    let bytes = read_bounded(file)?;
    let name = file.file_name().and_then(|n| n.to_str());
    let read = read_work(&bytes, &FileRequest { name, ..*shared })?;
    if read.draft.fandoms.is_empty() {
        bail!("no fandom: pass --fandom (the file does not name one)");
    }
    read.draft.validate(shared.limits).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Ready { file, fingerprint: fingerprint(&read.draft), summary: read.describe(), draft: read.draft })
}

/// A file's bytes, refusing a huge file before reading it into memory.
pub fn read_bounded(file: &Path) -> anyhow::Result<Vec<u8>> {
    let meta = std::fs::metadata(file).context("cannot read the file")?;
    let max = flourish_text::import::MAX_FILE_BYTES;
    if meta.len() > max as u64 {
        bail!("the file is {} bytes; the largest accepted is {max} bytes", meta.len());
    }
    std::fs::read(file).context("cannot read the file")
}
