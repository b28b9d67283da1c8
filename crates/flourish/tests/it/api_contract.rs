//! The API and its OpenAPI document agree: schemathesis (from PyPI) runs every phase
//! (examples, coverage, fuzzing, stateful) and every check against the real binary with a
//! real token, and finds nothing. `bench/api-contract.sh` runs it longer, with any seed.

use crate::server::{Server, flourish, temp_dir};
use std::path::{Path, PathBuf};
use std::process::Command;

/// schemathesis from `FLOURISH_SCHEMATHESIS`, PATH, or where `.ci/run` installs it.
fn schemathesis() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("FLOURISH_SCHEMATHESIS").map(PathBuf::from),
        Some(PathBuf::from(crate::server::which("schemathesis"))).filter(|p| !p.as_os_str().is_empty()),
        Some(PathBuf::from("/opt/schemathesis/bin/schemathesis")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_file())
}

fn config_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/schemathesis.toml")
}

#[test]
fn schemathesis_finds_no_disagreement_between_the_api_and_its_schema() {
    let Some(schemathesis) = schemathesis() else {
        flourish_testkit::require_or_skip("schemathesis is not installed (pip install schemathesis)");
        return;
    };
    let dir = temp_dir();
    // Schemathesis sends thousands of requests from one address.
    std::fs::write(dir.path().join("flourish.toml"), "[rate_limit]\nrequests = 0\n").unwrap();
    let tokens = dir.path().join("tokens.txt");
    let out = flourish(dir.path())
        .args(["dev", "add-accounts", "--count", "1", "--prefix", "scripter", "--joined-days-ago", "30"])
        .args(["--password", "mandrakes remember everything", "--tokens", tokens.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let token = std::fs::read_to_string(&tokens).unwrap().trim().to_owned();
    let server = Server::start(dir.path(), &["--demo"]);

    let out = Command::new(&schemathesis)
        .current_dir(dir.path())
        .arg("--config-file")
        .arg(config_file())
        .args(["run", &format!("{}/api/v1/openapi.json", server.url)])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--phases", "examples,coverage,fuzzing,stateful", "--checks", "all"])
        .args(["--max-examples", "25", "--seed", "1", "--no-color"])
        .output()
        .expect("run schemathesis");
    let report = String::from_utf8_lossy(&out.stdout);
    let summary = report.rsplit("SUMMARY").next().unwrap_or(&report);
    eprintln!("{summary}");
    assert!(out.status.success(), "schemathesis found failures:\n{report}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(report.contains(" passed"), "{report}");
}
