//! Search through the real binary: two nodes on one PostgreSQL database, an index that
//! survives kill -9, wrangling and reindexing from the command line.

use crate::server::{Server, flourish, temp_dir};
use std::path::Path;
use std::time::{Duration, Instant};

fn run(dir: &Path, args: &[&str]) -> String {
    let out = flourish(dir).args(args).output().expect("run flourish");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "flourish {args:?} failed:\n{stdout}\n{stderr}");
    stdout.into_owned()
}

/// A story file with a title the test can search for.
fn story(dir: &Path, title: &str) -> String {
    let path = dir.join(format!("{}.txt", title.replace(' ', "-")));
    std::fs::write(
        &path,
        format!(
            "{title}\n\nChapter 1: The Window\n\nThe owl came at dawn with a letter about {title}, and I let it in.\n"
        ),
    )
    .unwrap();
    path.display().to_string()
}

/// The page without search highlighting, so titles read as written.
fn plain(body: &str) -> String {
    body.replace("<b>", "").replace("</b>", "")
}

/// Polls `server` until a search for `word` lists `title`; returns how long it took.
fn wait_for(server: &Server, word: &str, title: &str, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        let (status, body) = server.get(&format!("/works/search?q={word}"));
        assert_eq!(status, 200);
        if plain(&body).contains(title) {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn a_work_written_through_node_a_is_found_by_search_on_node_b_within_two_seconds() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(db) = runtime.block_on(flourish_testkit::TestDb::postgres()) else {
        return;
    };
    let url = db.url.clone();
    let (a_dir, b_dir) = (temp_dir(), temp_dir());
    let node_a = Server::start(a_dir.path(), &["--database-url", &url]);
    let node_b = Server::start(b_dir.path(), &["--database-url", &url]);

    // Written on node A's machine, into the shared database (posting through the web
    // comes with accounts).
    let file = story(a_dir.path(), "Lanternlight Over Harbor");
    run(
        a_dir.path(),
        &["import", "--database-url", &url, "--pseud", "quillwright", "--fandom", "Original Work", &file],
    );
    let took = wait_for(&node_b, "lanternlight", "Lanternlight Over Harbor", Duration::from_secs(2));
    assert!(took.is_some(), "node B did not find the work within 2 s");
    eprintln!("node B found the work after {:?}", took.unwrap());
    assert!(wait_for(&node_a, "lanternlight", "Lanternlight Over Harbor", Duration::from_secs(2)).is_some());
    // Each node keeps its own index in its own data directory.
    assert!(a_dir.path().join("data/index/meta.json").exists() && b_dir.path().join("data/index/meta.json").exists());
    drop((node_a, node_b));
    runtime.block_on(db.store.close());
}

#[test]
fn after_kill_9_the_index_catches_up_from_its_last_position() {
    let dir = temp_dir();
    let first = story(dir.path(), "Before The Crash");
    run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "Original Work", &first]);
    let mut server = Server::start(dir.path(), &[]);
    assert!(wait_for(&server, "crash", "Before The Crash", Duration::from_secs(5)).is_some());
    server.child.kill().unwrap(); // SIGKILL: no graceful shutdown, no final commit
    server.child.wait().unwrap();
    let second = story(dir.path(), "After The Crash");
    run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "Original Work", &second]);
    let server = Server::start(dir.path(), &[]);
    let ready = server.startup.iter().find(|l| l.contains("search index ready")).cloned().unwrap_or_default();
    assert!(ready.contains("works=2"), "caught up on start, not rebuilt empty: {ready}");
    let (_, body) = server.get("/works/search?q=crash");
    assert!(plain(&body).contains("Before The Crash") && plain(&body).contains("After The Crash"));
}

#[test]
fn wrangling_and_reindex_from_the_command_line() {
    let dir = temp_dir();
    let file = story(dir.path(), "Tea And Owls");
    run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "Original Work", &file]);
    run(dir.path(), &["tags", "create", "Owls", "--kind", "freeform", "--canonical"]);
    run(dir.path(), &["tags", "canonical", "Original Work"]);
    run(dir.path(), &["tags", "parent", "Owls", "--of", "Original Work"]);
    let shown = run(dir.path(), &["tags", "show", "Owls"]);
    assert!(shown.contains("canonical: yes") && shown.contains("parents: Original Work"), "{shown}");
    let out = flourish(dir.path()).args(["tags", "synonym", "Owls", "--of", "Nonexistent"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tag named \"Nonexistent\""));
    let reindexed = run(dir.path(), &["reindex"]);
    assert!(reindexed.contains("indexed 1 works"), "{reindexed}");
    let server = Server::start(dir.path(), &[]);
    let (_, body) = server.get("/works/search?q=owls");
    assert!(plain(&body).contains("Tea And Owls"));
    // A second process cannot take the index a running server holds.
    let out = flourish(dir.path()).args(["reindex"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("in use"), "{}", String::from_utf8_lossy(&out.stderr));
}
