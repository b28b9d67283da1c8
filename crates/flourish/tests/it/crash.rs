//! Crash consistency (issue 18, part 2): the real binary is killed with SIGKILL at random
//! moments while several API clients post works, chapters, comments, kudos and
//! bookmarks, again and again, on SQLite and on PostgreSQL. Every write whose 2xx reached
//! its client must be there after the restarts; no work without chapters, no comment or
//! bookmark pointing at nothing, no work twice; and the search index, rebuilt from the
//! outbox after each crash, must find every work the clients were told was posted.

use crate::server::{Server, flourish, request, temp_dir};
use rand::Rng;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 4;

fn json_id(body: &str) -> i64 {
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    v["id"].as_i64().unwrap_or_else(|| panic!("no id: {body}"))
}

/// What the clients were told was saved.
#[derive(Default)]
struct Acknowledged {
    /// (work id, title, chapters acknowledged, owner's token)
    works: Vec<(i64, String, usize, String)>,
    comments: Vec<(i64, String)>,
    /// (work id, token of the giver)
    kudos: Vec<(i64, String)>,
    bookmarks: Vec<(i64, String)>,
    /// Requests that got no answer: the server died under them.
    unanswered: usize,
}

/// One client's loop until the server dies: post a work, add a chapter, comment on it,
/// give kudos to and bookmark the last work another client posted.
fn client(url: String, n: usize, token: String, round: usize, ack: Arc<Mutex<Acknowledged>>) {
    for i in 0.. {
        let title = format!("Crash Letter r{round} c{n} w{i}");
        let work = format!(
            r#"{{"title":"{title}","rating":"General Audiences","warnings":["No Archive Warnings Apply"],"fandoms":["Harry Potter - J. K. Rowling"],"comment_policy":"members","chapters":[{{"title":"One","content":"The owl came at dawn."}}]}}"#
        );
        let Some((status, body)) = request(&url, "POST", "/api/v1/works", &token, Some(&work)) else { break };
        assert_eq!(status, 201, "{body}");
        let id = json_id(&body);
        ack.lock().unwrap().works.push((id, title.clone(), 1, token.clone()));
        let chapter = r#"{"title":"Two","content":"It left at dusk, with my letter."}"#;
        let Some((status, body)) =
            request(&url, "POST", &format!("/api/v1/works/{id}/chapters"), &token, Some(chapter))
        else {
            break;
        };
        assert_eq!(status, 201, "{body}");
        {
            let mut ack = ack.lock().unwrap();
            let entry = ack.works.iter_mut().find(|w| w.0 == id).unwrap();
            entry.2 += 1;
        }
        let comment = format!(r#"{{"content":"Round {round}, client {n}, note {i}."}}"#);
        let Some((status, body)) =
            request(&url, "POST", &format!("/api/v1/works/{id}/comments"), &token, Some(&comment))
        else {
            break;
        };
        assert_eq!(status, 201, "{body}");
        ack.lock().unwrap().comments.push((json_id(&body), token.clone()));
        let other = ack.lock().unwrap().works.iter().rev().find(|w| w.3 != token).map(|w| w.0);
        if let Some(other) = other {
            let Some((status, body)) = request(&url, "POST", &format!("/api/v1/works/{other}/kudos"), &token, None)
            else {
                break;
            };
            assert!(status == 201 || status == 409, "{status} {body}");
            if status == 201 {
                ack.lock().unwrap().kudos.push((other, token.clone()));
            }
            let bookmark = format!(r#"{{"work_id":{other},"notes":"r{round} c{n} w{i}"}}"#);
            let Some((status, body)) = request(&url, "POST", "/api/v1/me/bookmarks", &token, Some(&bookmark)) else {
                break;
            };
            assert!(status == 201 || status == 409, "{status} {body}");
            if status == 201 {
                ack.lock().unwrap().bookmarks.push((json_id(&body), token.clone()));
            }
        }
    }
    ack.lock().unwrap().unanswered += 1;
}

/// Runs `rounds` rounds of writers killed mid-flight against the archive `args` name,
/// then checks everything acknowledged is there. Returns (rounds, writes checked).
fn kill_and_check(dir: &Path, args: &[&str], rounds: usize) -> (usize, usize) {
    std::fs::write(dir.join("flourish.toml"), "[rate_limit]\nrequests = 0\n").unwrap();
    let tokens_file = dir.join("tokens.txt");
    let out = flourish(dir)
        .args([
            "dev",
            "add-accounts",
            "--count",
            &CLIENTS.to_string(),
            "--prefix",
            "crasher",
            "--joined-days-ago",
            "30",
        ])
        .args(["--password", "mandrakes remember everything", "--tokens", tokens_file.to_str().unwrap()])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tokens: Vec<String> = std::fs::read_to_string(&tokens_file).unwrap().lines().map(str::to_owned).collect();
    let ack = Arc::new(Mutex::new(Acknowledged::default()));
    let mut rng = rand::rng();
    for round in 0..rounds {
        let mut server = Server::start(dir, args);
        let clients: Vec<_> = tokens
            .iter()
            .enumerate()
            .map(|(n, token)| {
                let (url, token, ack) = (server.url.clone(), token.clone(), ack.clone());
                std::thread::spawn(move || client(url, n, token, round, ack))
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.random_range(300..1500)));
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for c in clients {
            c.join().unwrap();
        }
    }

    // Restarted once more: everything acknowledged is there.
    let server = Server::start(dir, args);
    let ack = ack.lock().unwrap();
    assert!(ack.works.len() >= rounds, "the clients wrote too little to prove anything: {}", ack.works.len());
    let mut checked = 0;
    for (id, title, chapters, token) in &ack.works {
        let (status, body) = request(&server.url, "GET", &format!("/api/v1/works/{id}"), token, None).unwrap();
        assert_eq!(status, 200, "work {id} ({title}) acknowledged but gone: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["title"], title.as_str());
        let found = v["chapter_list"].as_array().unwrap().len();
        assert!(found >= *chapters && found >= 1, "{title}: {found} chapters, {chapters} acknowledged");
        checked += 1 + chapters;
    }
    for (id, token) in &ack.comments {
        let (status, body) = request(&server.url, "GET", &format!("/api/v1/comments/{id}"), token, None).unwrap();
        assert_eq!(status, 200, "comment {id} acknowledged but gone: {body}");
        checked += 1;
    }
    for (work, _) in &ack.kudos {
        let (status, body) = request(&server.url, "GET", &format!("/api/v1/works/{work}"), "", None).unwrap();
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        let given = ack.kudos.iter().filter(|(w, _)| w == work).count() as u64;
        assert!(v["stats"]["kudos"].as_u64().unwrap() >= given, "work {work}: kudos lost: {body}");
        checked += 1;
    }
    for (id, token) in &ack.bookmarks {
        let (status, body) = request(&server.url, "GET", &format!("/api/v1/me/bookmarks/{id}"), token, None).unwrap();
        assert_eq!(status, 200, "bookmark {id} acknowledged but gone: {body}");
        checked += 1;
    }
    let (_, body) = request(&server.url, "GET", "/api/v1/search?q=%22Crash%20Letter%22", "", None).unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let total = v["total"].as_u64().unwrap();
    // The search index, rebuilt from the outbox after every crash, finds every work that
    // was acknowledged (and may find some whose answer was lost on the way), within seconds.
    let started = Instant::now();
    loop {
        let mut missing = 0;
        for (_, title, _, _) in ack.works.iter().step_by((ack.works.len() / 20).max(1)) {
            let q = format!("%22{}%22", title.replace(' ', "%20"));
            let (_, body) = request(&server.url, "GET", &format!("/api/v1/search?q={q}"), "", None).unwrap();
            if !body.contains(title.as_str()) {
                missing += 1;
            }
        }
        if missing == 0 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{missing} acknowledged works not found by search");
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(total >= ack.works.len() as u64, "search finds {total} works, {} acknowledged", ack.works.len());
    eprintln!(
        "{rounds} kills survived: {} works, {} comments, {} kudos, {} bookmarks acknowledged and found ({checked} writes checked); {} requests unanswered by a dying server; search finds {total}",
        ack.works.len(),
        ack.comments.len(),
        ack.kudos.len(),
        ack.bookmarks.len(),
        ack.unanswered
    );
    (rounds, checked)
}

#[test]
fn writes_acknowledged_before_kill_9_survive_on_sqlite() {
    let dir = temp_dir();
    kill_and_check(dir.path(), &[], 8);
    // And the file is whole: SQLite's own check, with every foreign key.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store =
            flourish_store::Store::connect(&format!("sqlite://{}", crate::server::data_file(dir.path()).display()))
                .await
                .unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), Ok(()));
        let rows = store.table_rows().await.unwrap();
        assert!(rows["chapters"] >= rows["works"], "a work without chapters: {rows:?}");
    });
}

#[test]
fn writes_acknowledged_before_kill_9_survive_on_postgres() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(db) = runtime.block_on(flourish_testkit::TestDb::postgres()) else {
        return;
    };
    let dir = temp_dir();
    kill_and_check(dir.path(), &["--database-url", &db.url], 5);
}

/// Starts `flourish ARGS…` in `dir` and kills it with SIGKILL once `ready` says so (or
/// after `after`, when there is nothing to wait for); returns whether it was still
/// running (killed midway) rather than already done.
fn kill_midway(dir: &Path, args: &[&str], after: Duration, ready: impl Fn() -> bool) -> bool {
    let mut child = flourish(dir)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !ready() && started.elapsed() < Duration::from_secs(30) && child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(after);
    let running = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    child.wait().unwrap();
    running
}

/// Works in the SQLite archive of `dir`, read beside whatever writes it (WAL).
fn works_in(dir: &Path) -> u64 {
    let db = crate::server::data_file(dir);
    if !db.exists() {
        return 0;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let Ok(store) = flourish_store::Store::connect(&format!("sqlite://{}", db.display())).await else { return 0 };
        let n = store.table_rows().await.ok().and_then(|rows| rows.get("works").copied()).unwrap_or(0);
        store.close().await;
        n
    })
}

fn run_ok(dir: &Path, args: &[&str]) -> String {
    let out = flourish(dir).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "flourish {args:?}: {text}");
    text
}

/// The number of works search finds once the server has caught up, waiting for it.
fn works_found(server: &Server, want: u64) -> u64 {
    let started = Instant::now();
    loop {
        let (_, body) = request(&server.url, "GET", "/api/v1/works", "", None).unwrap();
        let total = serde_json::from_str::<serde_json::Value>(&body).unwrap()["total"].as_u64().unwrap();
        if total == want || started.elapsed() > Duration::from_secs(20) {
            return total;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn an_import_a_whole_archive_import_and_a_reindex_killed_midway_finish_cleanly_when_run_again() {
    let dir = temp_dir();
    let stories = dir.path().join("stories");
    std::fs::create_dir(&stories).unwrap();
    const FILES: usize = 1500;
    for i in 0..FILES {
        let text = format!(
            "Letter {i} from the Owlery\n\nChapter 1: Dawn\n\nThe owl came at dawn with letter {i}.\n\nChapter 2: Dusk\n\nIt left at dusk, {i} times over.\n"
        );
        std::fs::write(stories.join(format!("letter-{i:04}.txt")), text).unwrap();
    }
    let import = ["import", "--pseud", "archivist", "--fandom", "Original Work", stories.to_str().unwrap()];

    // An import killed midway, then run again: it skips what was stored and ends whole.
    let root = dir.path().to_path_buf();
    let some_stored = || works_in(&root) >= 200;
    assert!(kill_midway(dir.path(), &import, Duration::ZERO, some_stored), "the import finished before the kill");
    let said = run_ok(dir.path(), &import);
    assert!(said.contains(" skipped as duplicates") && !said.contains(&format!("{FILES} imported")), "{said}");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let db = crate::server::data_file(dir.path());
    let rows = runtime.block_on(async {
        let store = flourish_store::Store::connect(&format!("sqlite://{}", db.display())).await.unwrap();
        assert_eq!(store.integrity_check().await.unwrap(), Ok(()));
        let rows = store.table_rows().await.unwrap();
        store.close().await;
        rows
    });
    assert_eq!(rows["works"], FILES as u64, "every file once: {rows:?}");
    assert_eq!(rows["chapters"], 2 * FILES as u64, "every work whole: {rows:?}");

    // A reindex killed midway: the next start brings the index back to every work.
    // At several points of its run, since it takes a fraction of a second here.
    let killed =
        (1..=6).filter(|i| kill_midway(dir.path(), &["reindex"], Duration::from_millis(50 * i), || true)).count();
    assert!(killed > 0, "every reindex finished before its kill");
    let server = Server::start(dir.path(), &[]);
    assert_eq!(works_found(&server, FILES as u64), FILES as u64, "after a reindex killed midway");
    drop(server);

    // A whole-archive import killed midway writes nothing (it is one transaction), so it
    // can be run again into the same empty archive.
    let export = dir.path().join("export");
    run_ok(dir.path(), &["export", "--all", export.to_str().unwrap()]);
    let other = temp_dir();
    let archive = ["import", "--archive", export.to_str().unwrap()];
    let killed = kill_midway(other.path(), &archive, Duration::from_millis(400), || true);
    let said = run_ok(other.path(), &archive);
    eprintln!("whole-archive import killed midway: {killed}; then: {}", said.trim());
    let server = Server::start(other.path(), &[]);
    assert_eq!(works_found(&server, FILES as u64), FILES as u64, "after an archive import killed midway");
}
