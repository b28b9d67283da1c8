//! Every input the fuzzers kept (`fuzz/corpus/TARGET/`, seeds and finds alike) replayed
//! through its target on stable: a crash a fuzzer once found stays fixed.

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("no corpus for {target} in {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "the corpus of {target} is empty");
    files
}

#[test]
fn every_committed_input_passes_its_target() {
    let mut replayed = 0;
    for (target, run) in flourish_fuzz::TARGETS {
        for file in corpus(target) {
            let bytes = std::fs::read(&file).unwrap();
            if std::panic::catch_unwind(|| run(&bytes)).is_err() {
                panic!("{target} fails on {}", file.display());
            }
            replayed += 1;
        }
    }
    eprintln!("{replayed} inputs replayed");
}

/// The EPUB target checks what epubcheck checks first; a sample of its books goes through
/// epubcheck itself, which checks everything.
#[test]
fn a_sample_of_the_epub_targets_books_passes_epubcheck() {
    if !Path::new("/usr/bin/epubcheck").exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true" || v == "1") {
            panic!("epubcheck is not installed, and CI=true requires this test to run");
        }
        eprintln!("skipped: epubcheck is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("flourish-fuzz-epubcheck-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = corpus("epub");
    // Evenly spread over the corpus, at most twelve (epubcheck takes a second each).
    let step = files.len().div_ceil(12).max(1);
    for file in files.iter().step_by(step) {
        let book = flourish_fuzz::epub(&std::fs::read(file).unwrap());
        let path = dir.join("book.epub");
        std::fs::write(&path, book).unwrap();
        let out = std::process::Command::new("java").args(["-jar", "/usr/bin/epubcheck"]).arg(&path).output().unwrap();
        assert!(
            out.status.success(),
            "epubcheck refuses the book made from {}:\n{}{}",
            file.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
