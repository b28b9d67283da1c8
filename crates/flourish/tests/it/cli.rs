//! The binary as a new user runs it.

use crate::server::{Server, data_file, flourish, temp_dir};

fn run(dir: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let out = flourish(dir).args(args).output().expect("run flourish");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn serve_demo_fills_an_empty_archive_once_and_shuts_down_gracefully() {
    let dir = temp_dir();
    let server = Server::start(dir.path(), &["--demo"]);
    assert!(data_file(dir.path()).exists(), "SQLite in ./data by default");
    let (status, home) = server.get("/");
    assert_eq!(status, 200);
    assert!(home.contains("<strong>6</strong> works"), "{home}");
    let (status, work) = server.get("/works/1");
    assert_eq!(status, 200);
    assert!(work.contains("Draco's Point of View") && work.contains("class=\"flashback\""));
    let (status, _) = server.get("/healthz");
    assert_eq!(status, 200);
    let (status, logs) = server.terminate();
    assert!(status.success(), "exit status {status:?}");
    let logs = logs.join("\n");
    assert!(logs.contains("shutting down") && logs.contains("Flourish stopped"), "{logs}");
    assert!(logs.contains("request_id"), "requests are logged with their id: {logs}");

    // A second --demo leaves the archive alone.
    let again = Server::start(dir.path(), &["--demo"]);
    let (_, home) = again.get("/");
    assert!(home.contains("<strong>6</strong> works"));
    let (_, logs) = again.terminate();
    assert!(logs.join("\n").contains("already has works"));
}

#[test]
fn configuration_errors_name_the_key_and_the_file() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("flourish.toml"), "listen = \"127.0.0.1:0\"\n[limits]\ntitle = \"very long\"\n")
        .unwrap();
    let (ok, _, err) = run(dir.path(), &["serve"]);
    assert!(!ok);
    assert!(err.contains("`limits.title`") && err.contains("flourish.toml"), "{err}");
    assert!(!data_file(dir.path()).exists(), "nothing is created on a bad configuration");

    std::fs::write(dir.path().join("flourish.toml"), "mystery_key = 1\n").unwrap();
    let (ok, out, err) = run(dir.path(), &["config", "show"]);
    assert!(ok, "{err}");
    assert!(err.contains("unknown configuration key `mystery_key`"), "{err}");
    assert!(out.contains("listen = \"127.0.0.1:8080\""), "{out}");
}

#[test]
fn config_default_prints_a_commented_file_and_migrate_creates_the_database() {
    let dir = temp_dir();
    let (ok, out, _) = run(dir.path(), &["config", "default"]);
    assert!(ok);
    assert!(out.starts_with("# Flourish configuration") && out.contains("[limits]"));
    let (ok, out, err) = run(dir.path(), &["migrate"]);
    assert!(ok, "{err}");
    assert!(out.contains("1 migration(s) applied"), "{out}");
    let (ok, out, _) = run(dir.path(), &["migrate"]);
    assert!(ok && out.contains("0 migration(s) applied"), "{out}");
}

#[test]
fn a_foreign_file_is_refused_and_never_overwritten() {
    let dir = temp_dir();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    std::fs::write(data_file(dir.path()), "This is my thesis. Please do not delete it.\n").unwrap();
    let (ok, _, err) = run(dir.path(), &["serve", "--listen", "127.0.0.1:0"]);
    assert!(!ok);
    assert!(err.contains("refusing to use") && err.contains("not an SQLite database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(data_file(dir.path())).unwrap(),
        "This is my thesis. Please do not delete it.\n"
    );
}

#[test]
fn bad_database_urls_and_directories_are_clear_errors() {
    let dir = temp_dir();
    let (ok, _, err) = run(dir.path(), &["serve", "--database-url", "postgres://flo:topsecret@127.0.0.1:1/flourish"]);
    assert!(!ok);
    assert!(err.contains("postgres://flo:***@127.0.0.1:1/flourish") && !err.contains("topsecret"), "{err}");

    let (ok, _, err) = run(dir.path(), &["serve", "--database-url", "mongodb://x"]);
    assert!(!ok && err.contains("sqlite://") && err.contains("postgres://"), "{err}");

    std::fs::write(dir.path().join("not-a-dir"), "").unwrap();
    let (ok, _, err) = run(dir.path(), &["serve", "--data-dir", "not-a-dir/data"]);
    assert!(!ok && err.contains("cannot use the data directory"), "{err}");
}
