//! Limits across nodes (issue 18, part 8): with two nodes on one PostgreSQL database, a
//! client that goes back and forth between them meets the request limit of the archive,
//! not twice it, and the write limits (a new account's comments) hold across nodes too.

use crate::server::{Server, flourish, temp_dir};

/// The status of one request, 0 when no answer came.
fn status(url: &str, method: &str, path: &str, token: &str, body: &str) -> u16 {
    crate::server::request(url, method, path, token, Some(body)).map_or(0, |(status, _)| status)
}

#[test]
fn the_request_limit_and_the_write_limits_hold_for_the_archive_not_per_node() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let Some(db) = runtime.block_on(flourish_testkit::TestDb::postgres()) else {
        return;
    };
    const LIMIT: usize = 40;
    let (a_dir, b_dir) = (temp_dir(), temp_dir());
    for dir in [&a_dir, &b_dir] {
        std::fs::write(
            dir.path().join("flourish.toml"),
            format!("[rate_limit]\nrequests = {LIMIT}\nper_seconds = 300\n"),
        )
        .unwrap();
    }
    // A new account (joined today), with a token, and a work to comment on.
    let tokens = a_dir.path().join("tokens.txt");
    let out = flourish(a_dir.path())
        .args([
            "dev",
            "add-accounts",
            "--count",
            "2",
            "--prefix",
            "newcomer",
            "--password",
            "mandrakes remember everything",
        ])
        .args(["--tokens", tokens.to_str().unwrap(), "--database-url", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let tokens: Vec<String> = std::fs::read_to_string(&tokens).unwrap().lines().map(str::to_owned).collect();
    let a = Server::start(a_dir.path(), &["--database-url", &db.url]);
    let b = Server::start(b_dir.path(), &["--database-url", &db.url]);

    // The write limit: a new account may leave three comments in 15 minutes, on any node.
    let work = r#"{"title":"Two Nodes","rating":"General Audiences","warnings":["No Archive Warnings Apply"],"fandoms":["Original Work"],"comment_policy":"members","chapters":[{"content":"The owl came."}]}"#;
    assert_eq!(status(&a.url, "POST", "/api/v1/works", &tokens[0], work), 201);
    let answers: Vec<u16> = [&a, &b, &a, &b]
        .iter()
        .enumerate()
        .map(|(i, node)| {
            let comment = format!(r#"{{"content":"Note {i}: the owl came back."}}"#);
            status(&node.url, "POST", "/api/v1/works/1/comments", &tokens[1], &comment)
        })
        .collect();
    assert_eq!(answers, [201, 201, 201, 429], "the fourth comment, on the other node");

    // The request limit: back and forth between the nodes until both refuse.
    let mut allowed = 5; // the work and the four comments above
    let mut refused = [false, false];
    for i in 0..3 * LIMIT {
        let node = if i % 2 == 0 { &a } else { &b };
        match status(&node.url, "GET", "/api/v1/works", "", "") {
            200 => allowed += 1,
            429 => refused[i % 2] = true,
            other => panic!("{other}"),
        }
        if refused == [true, true] {
            break;
        }
    }
    eprintln!("allowed across two nodes with a limit of {LIMIT}: {allowed}");
    assert_eq!(refused, [true, true], "both nodes refuse in the end");
    // Per node, each would allow the whole limit (80 together); the archive allows it once,
    // give or take what one node had not yet added (under a quarter of the limit).
    assert!(allowed <= LIMIT + LIMIT / 4, "{allowed} requests allowed with a limit of {LIMIT}");
}
