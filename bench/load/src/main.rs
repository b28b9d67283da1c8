//! Visitors for `bench/mixed.sh`: the traffic a real archive gets, as goose users.
//!
//! Two kinds of visitor run the same mix: guests (two in three) and readers who signed in
//! through the login form first (one in three), so a third of all page views are by
//! logged-in readers, whom the page cache does not serve. The mix, by request:
//!
//! | kind | share |
//! |---|---|
//! | work page, chapter page | 30% + 30% |
//! | works listing with varied sorts and filters, tag pages | 10% + 5% |
//! | search | 5% |
//! | API reads | 5% |
//! | feeds, OPDS and downloads | 5% |
//! | writes: kudos, bookmarks, comments, new chapters, new works | 10% |
//!
//! Writes go through the API, each to a random work of the archive, so almost none repeats
//! (a repeat kudos is refused, not a write). Kudos, bookmarks and comments come from every
//! account in turn, as a community's many readers each write a little: no account passes
//! the comment limit (20 in 15 minutes) however long the benchmark runs at 1,500 req/s
//! with 2,000 accounts. New works and chapters are each visitor's own account's.
//!
//! goose's own flags set the load (`--users`, `--throttle-requests`, `--run-time`,
//! `--host`); the archive comes from the environment: `WORKS` (ids 1..WORKS), `CHAPTERS`
//! (a file of chapter paths), `TOKENS` (a file of API tokens, one an account),
//! `ACCOUNT_PREFIX` and `PASSWORD` (the readers' logins: PREFIX1, PREFIX2…). At the end
//! it prints, per kind: requests/s, p50, p99 and answers that were not 2xx/3xx.

use goose::prelude::*;
use rand::Rng;
use std::collections::BTreeMap;
use std::sync::LazyLock;

struct Archive {
    works: u64,
    chapters: Vec<String>,
    tokens: Vec<String>,
    prefix: String,
    password: String,
}

static ARCHIVE: LazyLock<Archive> = LazyLock::new(|| {
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("set {name}"));
    let lines = |name: &str| -> Vec<String> {
        let path = var(name);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}={path}: {e}"));
        text.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
    };
    Archive {
        works: var("WORKS").parse().expect("WORKS is a number"),
        chapters: lines("CHAPTERS"),
        tokens: lines("TOKENS"),
        prefix: var("ACCOUNT_PREFIX"),
        password: var("PASSWORD"),
    }
});

/// Each visitor's account (for writes) and what it has posted.
#[derive(Clone)]
struct Me {
    account: usize,
    own_work: Option<u64>,
    writes: u64,
}

const SORTS: &[&str] = &["kudos", "hits", "words", "title", "updated", "posted", "bookmarks", "comments"];
const WORDS: &[&str] = &["owl", "letter", "greenhouse", "dragon", "tea", "rain", "winter", "map", "owl letter"];
const TAGS: &[&str] = &["Angst", "Fluff", "Hurt%2FComfort", "Alternate%20Universe", "Friendship"];

fn pick<T: Copy>(items: &[T]) -> T {
    items[rand::rng().random_range(0..items.len())]
}

fn work() -> u64 {
    rand::rng().random_range(1..=ARCHIVE.works)
}

async fn get(user: &mut GooseUser, kind: &str, path: &str) -> TransactionResult {
    let request = GooseRequest::builder().path(path).name(kind).build();
    user.request(request).await?;
    Ok(())
}

/// A JSON POST to the API with this visitor's token; the answer, for those who read it.
async fn api_post(
    user: &mut GooseUser,
    token: &str,
    kind: &str,
    path: &str,
    body: String,
) -> Result<goose::goose::GooseResponse, Box<TransactionError>> {
    let builder = user
        .get_request_builder(&GooseMethod::Post, path)?
        .bearer_auth(token)
        .header("Content-Type", "application/json")
        .body(body);
    let request = GooseRequest::builder().method(GooseMethod::Post).path(path).name(kind).set_request_builder(builder);
    user.request(request.build()).await
}

/// The next account in turn, across all visitors: (its number, its token).
fn any_account() -> (usize, &'static str) {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    (n, &ARCHIVE.tokens[n % ARCHIVE.tokens.len()])
}

/// This visitor's own account's token.
fn own_token(user: &mut GooseUser) -> &'static str {
    &ARCHIVE.tokens[me(user).account]
}

fn me(user: &mut GooseUser) -> &mut Me {
    if user.get_session_data::<Me>().is_none() {
        let account = user.weighted_users_index % ARCHIVE.tokens.len();
        user.set_session_data(Me { account, own_work: None, writes: 0 });
    }
    user.get_session_data_mut::<Me>().expect("set above")
}

/// A reader signs in through the form, as a person does: the page, then the form with
/// its CSRF token.
async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let account = me(user).account;
    let page = user.get_named("/login", "sign in").await?;
    let html = match page.response {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(e) => return Err(Box::new(e.into())),
    };
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    let login = format!("{}{}", ARCHIVE.prefix, account + 1);
    let form = [("login", login.as_str()), ("password", ARCHIVE.password.as_str()), ("csrf", csrf.as_str())];
    let builder = user.get_request_builder(&GooseMethod::Post, "/login")?.form(&form);
    let request =
        GooseRequest::builder().method(GooseMethod::Post).path("/login").name("sign in").set_request_builder(builder);
    let answer = user.request(request.build()).await?;
    if let Ok(r) = &answer.response
        && !r.url().path().starts_with("/login")
    {
        return Ok(());
    }
    Err(Box::new(TransactionError::Custom(format!("{login} could not sign in"))))
}

async fn work_page(user: &mut GooseUser) -> TransactionResult {
    get(user, "page: work", &format!("/works/{}", work())).await
}

async fn chapter_page(user: &mut GooseUser) -> TransactionResult {
    let path = ARCHIVE.chapters[rand::rng().random_range(0..ARCHIVE.chapters.len())].clone();
    get(user, "page: chapter", &path).await
}

async fn listing(user: &mut GooseUser) -> TransactionResult {
    // Half the listings filter, as readers do: a tag in, a tag out, finished works, length.
    let path = {
        let mut rng = rand::rng();
        let mut path = format!("/works?sort={}&page={}", pick(SORTS), rng.random_range(1..=5));
        if rng.random_bool(0.5) {
            path.push_str(&format!("&include={}", rng.random_range(1..=60)));
        }
        if rng.random_bool(0.3) {
            path.push_str(&format!("&exclude={}", rng.random_range(1..=60)));
        }
        if rng.random_bool(0.2) {
            path.push_str("&complete=true&words_from=1000");
        }
        path
    };
    get(user, "listing: works", &path).await
}

async fn tag_page(user: &mut GooseUser) -> TransactionResult {
    get(user, "listing: tag", &format!("/tags/{}/works?sort={}", pick(TAGS), pick(SORTS))).await
}

async fn search(user: &mut GooseUser) -> TransactionResult {
    get(user, "search", &format!("/works/search?q={}", pick(WORDS).replace(' ', "+"))).await
}

async fn api_read(user: &mut GooseUser) -> TransactionResult {
    if rand::rng().random_bool(0.5) {
        get(user, "api: read", &format!("/api/v1/works/{}", work())).await
    } else {
        get(user, "api: read", &format!("/api/v1/works?sort={}", pick(SORTS))).await
    }
}

async fn feed_or_download(user: &mut GooseUser) -> TransactionResult {
    let path = match rand::rng().random_range(0..4) {
        0 => format!("/works/{}/feed.atom", work()),
        1 => "/opds/recent".to_owned(),
        2 => format!("/downloads/{}/work.epub", work()),
        _ => format!("/downloads/{}/work.html", work()),
    };
    get(user, "feed or download", &path).await
}

async fn kudos(user: &mut GooseUser) -> TransactionResult {
    api_post(user, any_account().1, "write: kudos", &format!("/api/v1/works/{}/kudos", work()), String::new()).await?;
    Ok(())
}

async fn bookmark(user: &mut GooseUser) -> TransactionResult {
    api_post(user, any_account().1, "write: bookmark", "/api/v1/me/bookmarks", format!("{{\"work_id\": {}}}", work()))
        .await?;
    Ok(())
}

async fn comment(user: &mut GooseUser) -> TransactionResult {
    let (n, token) = any_account();
    let body = format!(
        "{{\"content\": \"Comment {n}: the letter in the greenhouse stayed with me.\", \"format\": \"plain\"}}"
    );
    api_post(user, token, "write: comment", &format!("/api/v1/works/{}/comments", work()), body).await?;
    Ok(())
}

/// A new chapter of this visitor's own work, or the work itself when it has none yet.
async fn post_chapter_or_work(user: &mut GooseUser) -> TransactionResult {
    let (own, n) = {
        let me = me(user);
        me.writes += 1;
        (me.own_work, me.writes)
    };
    let text = "The owl came back at dusk with the letter still tied to its leg. \
                She read it twice by the greenhouse lamp before she let herself believe it.";
    if let Some(id) = own {
        let body = format!("{{\"title\": \"Part {n}\", \"content\": \"{text}\", \"format\": \"plain\"}}");
        let token = own_token(user);
        api_post(user, token, "write: new chapter", &format!("/api/v1/works/{id}/chapters"), body).await?;
        return Ok(());
    }
    let body = format!(
        "{{\"title\": \"Load {n} {}\", \"rating\": \"General Audiences\", \"warnings\": [\"No Archive Warnings Apply\"], \
         \"fandoms\": [\"Harry Potter - J. K. Rowling\"], \"freeforms\": [\"Fluff\"], \"complete\": false, \
         \"chapters\": [{{\"content\": \"{text}\", \"format\": \"plain\"}}]}}",
        me(user).account
    );
    let token = own_token(user);
    let answer = api_post(user, token, "write: new work", "/api/v1/works", body).await?;
    if let Ok(r) = answer.response
        && let Ok(json) = r.json::<serde_json::Value>().await
    {
        me(user).own_work = json["id"].as_u64();
    }
    Ok(())
}

/// The mix, in requests per 200: see the table above.
fn visitors(name: &str, weight: usize, signed_in: bool) -> Result<Scenario, GooseError> {
    let mut s = scenario!(name).set_weight(weight)?;
    if signed_in {
        s = s.register_transaction(transaction!(sign_in).set_on_start());
    }
    Ok(s.register_transaction(transaction!(work_page).set_weight(60)?)
        .register_transaction(transaction!(chapter_page).set_weight(60)?)
        .register_transaction(transaction!(listing).set_weight(20)?)
        .register_transaction(transaction!(tag_page).set_weight(10)?)
        .register_transaction(transaction!(search).set_weight(10)?)
        .register_transaction(transaction!(api_read).set_weight(10)?)
        .register_transaction(transaction!(feed_or_download).set_weight(10)?)
        .register_transaction(transaction!(kudos).set_weight(8)?)
        .register_transaction(transaction!(bookmark).set_weight(6)?)
        .register_transaction(transaction!(comment).set_weight(4)?)
        .register_transaction(transaction!(post_chapter_or_work).set_weight(2)?))
}

/// The time below which `share` of the requests finished, in milliseconds, from goose's
/// timing buckets (microseconds, each within 0.8% of the times it holds).
fn percentile(times: &BTreeMap<u64, usize>, share: f64) -> f64 {
    let total: usize = times.values().sum();
    let wanted = ((total as f64 * share).ceil() as usize).max(1);
    let mut seen = 0;
    for (us, count) in times {
        seen += count;
        if seen >= wanted {
            return *us as f64 / 1000.0;
        }
    }
    0.0
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    LazyLock::force(&ARCHIVE);
    // In a random order, so that a short run has the mix too (in turn, each visitor would
    // work through its 200-transaction cycle from the top).
    let metrics = GooseAttack::initialize()?
        .set_scheduler(GooseScheduler::Random)
        .register_scenario(visitors("guest", 2, false)?)
        .register_scenario(visitors("reader", 1, true)?)
        .set_default(GooseDefault::NoPrintMetrics, true)?
        .set_default(GooseDefault::NoErrorSummary, true)?
        .execute()
        .await?;
    let seconds = metrics.duration.max(1) as f64;
    let mut kinds: Vec<_> = metrics.requests.iter().collect();
    kinds.sort_by(|a, b| a.0.cmp(b.0));
    let (mut all, mut failed) = (0, 0);
    let mut merged = BTreeMap::new();
    let row = |kind: &str, count: usize, times: &BTreeMap<u64, usize>, errors: usize| {
        println!(
            "{kind:<24} {:>9.0} {:>9.2} {:>9.2} {errors:>8}",
            count as f64 / seconds,
            percentile(times, 0.50),
            percentile(times, 0.99)
        );
    };
    println!("{:<24} {:>9} {:>9} {:>9} {:>8}", "kind", "req/s", "p50 ms", "p99 ms", "errors");
    for (key, r) in &kinds {
        let times: BTreeMap<u64, usize> = r.raw_data.times_us.iter().map(|(us, n)| (*us, *n)).collect();
        for (us, n) in &times {
            *merged.entry(*us).or_insert(0) += n;
        }
        let count = r.success_count + r.fail_count;
        all += count;
        failed += r.fail_count;
        row(key, count, &times, r.fail_count);
    }
    row("all", all, &merged, failed);
    Ok(())
}
