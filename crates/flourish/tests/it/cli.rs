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
fn a_new_archive_prints_a_setup_link_and_admin_create_prints_another() {
    let dir = temp_dir();
    let server = Server::start(dir.path(), &[]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let link = loop {
        let line = server.stdout.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()));
        let line = line.expect("serve prints a setup link on an archive without an admin");
        if let Some(at) = line.find("http://") {
            break line[at..].trim().to_owned();
        }
    };
    assert!(link.starts_with(&format!("{}/setup/", server.url)), "a link to this server: {link}");
    let (status, page) = crate::server::http_get(&link);
    assert_eq!(status, 200);
    assert!(page.contains("Create an admin account"), "{page}");
    let (status, _) = crate::server::http_get(&format!("{}/setup/{}", server.url, "0".repeat(64)));
    assert_eq!(status, 410, "a forged link is refused");
    drop(server);

    let (ok, out, err) = run(dir.path(), &["admin", "create"]);
    assert!(ok, "{err}");
    assert!(out.contains("/setup/") && out.contains("works once"), "{out}");
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
    let migrations =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-store/migrations/sqlite")).unwrap().count();
    assert!(out.contains(&format!("{migrations} migration(s) applied")), "{out}");
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

#[test]
fn import_stores_good_files_refuses_duplicates_and_reports_failures() {
    let dir = temp_dir();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures");
    let story = format!("{fixtures}/ffn-header.txt");
    let pov = format!("{fixtures}/pov-styles.txt");
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(dir.path().join("picture.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();

    let (ok, out, err) = run(
        dir.path(),
        &[
            "import",
            "--pseud",
            "quillwright",
            "--fandom",
            "Harry Potter - J. K. Rowling",
            &story,
            "empty.txt",
            "picture.png",
            &pov,
        ],
    );
    assert!(!ok, "a failed file makes the command fail");
    assert!(out.contains("2 imported, 0 skipped as duplicates, 2 failed, in "), "{out}");
    assert!(out.contains("empty.txt: the file is empty"), "{out}");
    assert!(out.contains("picture.png: this looks like a binary file"), "{out}");
    assert!(err.contains("2 of 4 files could not be imported"), "{err}");

    let (ok, out, _) = run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "HP", &story]);
    assert!(ok && out.contains("1 skipped as duplicates") && out.contains("--allow-duplicates"), "{out}");
    let (ok, out, _) =
        run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "HP", "--allow-duplicates", &story]);
    assert!(ok && out.contains("1 imported"), "{out}");

    // What was stored reads as a work with its header's metadata and its notes apart.
    let server = Server::start(dir.path(), &[]);
    let (status, page) = server.get("/works/1");
    assert_eq!(status, 200);
    assert!(page.contains("The Cartographer&#39;s Apprentice") || page.contains("The Cartographer's Apprentice"));
    assert!(page.contains("Teen And Up Audiences"), "the header's rating T");
    assert!(page.contains("Luna insists the map is"), "the header's summary");
    assert!(page.contains("Disclaimer: I don't own Harry Potter"), "a chapter note");
    let (_, pov_page) = server.get("/works/2");
    assert!(pov_page.contains("<section class=\"pov\" data-label=\"Hermione\">"), "{pov_page}");
    assert!(pov_page.contains("<hr class=\"scene-break\">"));
}

#[test]
fn import_without_a_fandom_or_with_a_bad_rating_is_refused_clearly() {
    let dir = temp_dir();
    let letters = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/letters.txt");
    let (ok, out, _) = run(dir.path(), &["import", "--pseud", "quillwright", letters]);
    assert!(!ok && out.contains("no fandom: pass --fandom"), "{out}");
    let (ok, _, err) = run(dir.path(), &["import", "--pseud", "quillwright", "--rating", "spicy", letters]);
    assert!(!ok && err.contains("unknown rating \"spicy\""), "{err}");
}

#[test]
fn export_all_and_import_archive_move_a_whole_archive() {
    let dir = temp_dir();
    let letters = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/letters.txt");
    let (ok, out, err) =
        run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "Pride and Prejudice", letters]);
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["export", "--all", "first"]);
    assert!(ok && out.contains("exported") && out.contains("1 works"), "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["import", "--archive", "first", "--data-dir", "copy"]);
    assert!(ok && out.contains("imported") && out.contains("1 works"), "{out}{err}");
    let (ok, _, err) = run(dir.path(), &["export", "--all", "second", "--data-dir", "copy"]);
    assert!(ok, "{err}");
    for file in ["users.jsonl", "tags.jsonl", "works.jsonl", "chapters.jsonl", "flourish-archive.json"] {
        let a = std::fs::read(dir.path().join("first").join(file)).unwrap();
        let b = std::fs::read(dir.path().join("second").join(file)).unwrap();
        assert!(a == b, "{file} differs after the round trip");
    }
    let (ok, out, err) = run(dir.path(), &["import", "--archive", "first", "--data-dir", "copy"]);
    assert!(!ok && format!("{out}{err}").contains("new, empty archive"), "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["export", "--all", "first"]);
    assert!(!ok && format!("{out}{err}").contains("already holds an export"), "{out}{err}");
}

/// An archive as an older Flourish left it (issue 20): an export whose chapter still holds
/// a link that hides `javascript:` behind control characters, under sanitizer version 1.
fn import_old_archive(dir: &std::path::Path, data_dir: &str) {
    if !dir.join("old").exists() {
        let letters = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/letters.txt");
        let (ok, out, err) = run(
            dir,
            &["import", "--pseud", "quillwright", "--fandom", "Pride and Prejudice", "--data-dir", "new", letters],
        );
        assert!(ok, "{out}{err}");
        let (ok, out, err) = run(dir, &["export", "--all", "old", "--data-dir", "new"]);
        assert!(ok, "{out}{err}");
        let chapters = dir.join("old").join("chapters.jsonl");
        let text = std::fs::read_to_string(&chapters).unwrap();
        let version = format!("\"sanitizer_version\":{}", flourish_text::SANITIZER_VERSION);
        assert!(text.contains(&version) && text.contains("</p>"), "{text}");
        let text = text.replace(&version, "\"sanitizer_version\":1").replacen(
            "</p>",
            "<a href=\\\"\\u0001java\\u0003script:alert(1)\\\">x</a></p>",
            1,
        );
        std::fs::write(&chapters, text).unwrap();
    }
    let (ok, out, err) = run(dir, &["import", "--archive", "old", "--data-dir", data_dir]);
    assert!(ok, "{out}{err}");
}

#[test]
fn html_stored_by_an_older_sanitizer_is_cleaned_by_command_and_at_start() {
    let dir = temp_dir();
    import_old_archive(dir.path(), "by-command");
    let (ok, out, err) = run(dir.path(), &["admin", "resanitize", "--data-dir", "by-command"]);
    assert!(ok && out.contains("cleaned 1 works (1 changed)"), "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["admin", "resanitize", "--data-dir", "by-command"]);
    assert!(ok && out.contains("already clean"), "a second run has nothing to do: {out}{err}");

    import_old_archive(dir.path(), "at-start");
    let server = Server::start(dir.path(), &["--data-dir", "at-start"]);
    let startup = server.startup.join("\n");
    assert!(startup.contains("stored HTML cleaned again") && startup.contains("works_changed=1"), "{startup}");
    for path in ["/works/1", "/downloads/1/letters.html"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(body.contains(">x</a>") || body.contains(">x<"), "the link text stays: {path}");
        assert!(!body.contains("script:alert"), "{path} still carries the hidden script: {body}");
    }
}

#[test]
fn an_epub_flourish_wrote_imports_with_its_tags() {
    let dir = temp_dir();
    let letters = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/letters.txt");
    let (ok, out, err) = run(
        dir.path(),
        &["import", "--pseud", "quillwright", "--fandom", "Pride and Prejudice", "--rating", "Teen", letters],
    );
    assert!(ok, "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["export", "--work", "1", "--format", "epub", "--output", "w.epub"]);
    assert!(ok && out.contains("EPUB"), "{out}{err}");
    let (ok, out, err) = run(dir.path(), &["import", "--pseud", "reader", "--data-dir", "other", "w.epub"]);
    assert!(ok && out.contains("1 imported"), "{out}{err}");
    let (ok, _, err) = run(dir.path(), &["export", "--all", "dump", "--data-dir", "other"]);
    assert!(ok, "{err}");
    let tags = std::fs::read_to_string(dir.path().join("dump/tags.jsonl")).unwrap();
    assert!(tags.contains("\"kind\":\"fandom\",\"name\":\"Pride and Prejudice\""), "{tags}");
    let work_tags = std::fs::read_to_string(dir.path().join("dump/work_tags.jsonl")).unwrap();
    let teen = tags.lines().find(|l| l.contains("\"Teen And Up Audiences\"")).unwrap();
    let teen_id = teen.split("\"id\":").nth(1).unwrap().split(',').next().unwrap();
    assert!(work_tags.contains(&format!("\"tag_id\":{teen_id},")), "the rating came back: {work_tags}");
    let (ok, out, err) = run(dir.path(), &["export", "--work", "99", "--output", "x.epub"]);
    assert!(!ok && format!("{out}{err}").contains("no posted work 99"), "{out}{err}");
}

#[test]
fn accepted_suggestions_tag_the_work_under_the_archive_s_canonical_names() {
    let dir = temp_dir();
    let story = "The Owlery\n\nChapter 1\n\nHermione Granger climbed the stairs to the Owlery with a letter for Ron Weasley.\n\n\"You're up late,\" Ron said from the dark.\n\nHermione laughed, and Ron kissed her cheek, and they walked back down to Diagon Alley together in the morning.\n\nRon Weasley had never been happier, and Hermione knew it.\n";
    std::fs::write(dir.path().join("owlery.txt"), story).unwrap();
    let (ok, out, _) = run(dir.path(), &["import", "--pseud", "quillwright", "owlery.txt"]);
    assert!(!ok && out.contains("no fandom"), "without suggestions there is no fandom: {out}");
    // The archive already wrangles Hermione under a longer name: the pairing follows.
    for args in [
        &["tags", "create", "Hermione Jean Granger", "--kind", "character", "--canonical"][..],
        &["tags", "create", "Hermione Granger", "--kind", "character"][..],
        &["tags", "synonym", "Hermione Granger", "--of", "Hermione Jean Granger"][..],
    ] {
        let (ok, out, err) = run(dir.path(), args);
        assert!(ok, "{args:?}: {out}{err}");
    }
    let (ok, out, err) =
        run(dir.path(), &["import", "--pseud", "quillwright", "--accept-suggested-tags", "owlery.txt"]);
    assert!(ok && out.contains("1 imported"), "{out}{err}");
    let (ok, _, err) = run(dir.path(), &["export", "--all", "dump"]);
    assert!(ok, "{err}");
    let tags = std::fs::read_to_string(dir.path().join("dump/tags.jsonl")).unwrap();
    let work_tags = std::fs::read_to_string(dir.path().join("dump/work_tags.jsonl")).unwrap();
    let id_of = |name: &str| -> String {
        let line = tags
            .lines()
            .find(|l| l.contains(&format!("\"name\":\"{name}\"")))
            .unwrap_or_else(|| panic!("{name} in {tags}"));
        line.split("\"id\":").nth(1).unwrap().split(',').next().unwrap().to_owned()
    };
    for name in [
        "Harry Potter - J. K. Rowling",
        "Hermione Jean Granger",
        "Ron Weasley",
        "Hermione Jean Granger/Ron Weasley",
        "Diagon Alley",
    ] {
        let id = id_of(name);
        assert!(work_tags.contains(&format!("\"tag_id\":{id},")), "{name} tags the work: {work_tags}");
    }
    assert!(!work_tags.contains(&format!("\"tag_id\":{},", id_of("Hermione Granger"))), "the synonym is not used");
    assert!(!tags.contains("\"name\":\"Hermione Granger/Ron Weasley\""), "the pairing is under the canonical name too");
}

#[test]
fn an_archive_s_own_lexicon_teaches_the_suggestions() {
    let dir = temp_dir();
    let story = "Chapter 1\n\nCaptain Mira Solen walked the length of the Wandering Gull before dawn.\n\n\"We sail at noon,\" Mira said to Tobin Ashe.\n\nTobin nodded, and Mira went down to Harrowgate Quay.\n";
    std::fs::write(dir.path().join("gull.txt"), story).unwrap();
    let (ok, out, _) = run(dir.path(), &["inspect", "gull.txt"]);
    assert!(ok && !out.contains("suggested fandom"), "no bundled lexicon knows it: {out}");
    std::fs::create_dir(dir.path().join("lex")).unwrap();
    std::fs::write(
        dir.path().join("lex/gull.txt"),
        "fandom: The Wandering Gull (Original Work)\ncharacter: Mira Solen | Mira, Captain Solen\ncharacter: Tobin Ashe | Tobin\nplace: Harrowgate Quay\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("flourish.toml"), "[suggestions]\nlexicon_dir = \"lex\"\n").unwrap();
    let (ok, out, err) = run(dir.path(), &["inspect", "gull.txt"]);
    assert!(ok, "{err}");
    assert!(out.contains("suggested fandom:        The Wandering Gull (Original Work)"), "{out}");
    assert!(out.contains("Harrowgate Quay"), "{out}");
    std::fs::write(dir.path().join("lex/broken.txt"), "fandom: X\nvillain Y\n").unwrap();
    let (ok, out, err) = run(dir.path(), &["inspect", "gull.txt"]);
    assert!(!ok, "{out}");
    assert!(err.contains("suggestions.lexicon_dir") && err.contains("broken.txt: line 2"), "{err}");
}

#[test]
fn inspect_prints_the_structure_and_json() {
    let dir = temp_dir();
    let pov = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/pov-styles.txt");
    let (ok, out, _) = run(dir.path(), &["inspect", pov]);
    assert!(ok && out.contains("Pov \"Hermione\""), "{out}");
    let (ok, out, _) = run(dir.path(), &["inspect", "--json", pov]);
    assert!(ok);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["format"], "txt");
    assert_eq!(json["chapters"][0]["sections"][2]["kind"], "flashback");
    assert!(!dir.path().join("data").exists(), "inspect stores nothing");
    let (ok, _, err) = run(dir.path(), &["inspect", "missing.txt"]);
    assert!(!ok && err.contains("missing.txt") && err.contains("cannot read the file"), "{err}");
}

#[test]
fn the_same_file_twice_in_one_import_is_stored_once() {
    let dir = temp_dir();
    let story = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures/prologue.txt");
    std::fs::copy(story, dir.path().join("copy.txt")).unwrap();
    let (ok, out, err) =
        run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "Original Work", story, "copy.txt"]);
    assert!(ok, "{err}");
    assert!(out.contains("1 imported, 1 skipped as duplicates, 0 failed"), "{out}");
    assert!(out.contains("copy.txt: the same text is already in"), "{out}");
}

#[test]
fn a_huge_file_is_refused_before_it_is_read() {
    let dir = temp_dir();
    // Sparse: 200 MB long, no disk used, and never read into memory.
    let file = std::fs::File::create(dir.path().join("huge.txt")).unwrap();
    file.set_len(200 << 20).unwrap();
    let started = std::time::Instant::now();
    let (ok, _, err) = run(dir.path(), &["inspect", "huge.txt"]);
    assert!(!ok && err.contains("the file is 209715200 bytes; the largest accepted is"), "{err}");
    let (ok, out, _) = run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "X", "huge.txt"]);
    assert!(!ok && out.contains("largest accepted"), "{out}");
    // Not a timing assertion on speed: a guard that the file was not read.
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
}

/// Issue 17: the importer and the tag suggestions scored on the development corpus of real
/// texts nobody on the team wrote (`corpus/`, annotated by hand). The floors sit just under
/// what is reached, so a change that reads real texts worse fails here.
#[test]
fn the_development_corpus_of_real_texts_is_read_at_least_as_well_as_before() {
    let dir = temp_dir();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../corpus");
    let (ok, out, err) = run(dir.path(), &["dev", "score-corpus", corpus.to_str().unwrap(), "--json"]);
    assert!(ok, "{err}");
    let scored: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let m = &scored["measures"];
    let texts = m["texts"].as_u64().unwrap();
    assert!(texts >= 43, "the corpus has {texts} texts");
    let at_least = |name: &str, floor: f64| {
        let value = m[name].as_f64().unwrap();
        assert!(value >= floor, "{name} fell to {value:.3} (floor {floor})");
    };
    at_least("chapter_f1", FLOORS.chapter_f1);
    at_least("structure_exact", FLOORS.structure_exact);
    at_least("title_right", FLOORS.title_right);
    at_least("character_precision", FLOORS.character_precision);
    at_least("character_recall", FLOORS.character_recall);
    at_least("relationship_recall", FLOORS.relationship_recall);
    at_least("relationship_precision", FLOORS.relationship_precision);
    at_least("place_precision", FLOORS.place_precision);
    at_least("place_recall", FLOORS.place_recall);
    at_least("fandom_right", FLOORS.fandom_right);
    let breaks = m["scene_break_error"].as_f64().unwrap();
    assert!(breaks <= FLOORS.scene_break_error, "scene-break error rose to {breaks:.3}");
}

/// What the development corpus scores today, rounded down (scene-break error: up).
struct Floors {
    chapter_f1: f64,
    structure_exact: f64,
    title_right: f64,
    scene_break_error: f64,
    character_precision: f64,
    character_recall: f64,
    relationship_recall: f64,
    relationship_precision: f64,
    place_precision: f64,
    place_recall: f64,
    fandom_right: f64,
}

const FLOORS: Floors = Floors {
    chapter_f1: 0.99,
    structure_exact: 0.85,
    title_right: 0.95,
    scene_break_error: 0.05,
    character_precision: 0.79,
    character_recall: 0.66,
    relationship_recall: 0.30,
    relationship_precision: 0.30,
    place_precision: 0.59,
    place_recall: 0.36,
    fandom_right: 0.65,
};

/// `flourish import DIR` walks the folder and its subfolders in name order, takes story
/// files by their extension, skips hidden folders and other files, and reports each file;
/// a folder with no story files is refused with a clear message.
#[test]
fn import_walks_a_folder_of_stories() {
    let dir = temp_dir();
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/../flourish-text/tests/it/fixtures");
    let stories = dir.path().join("stories");
    std::fs::create_dir_all(stories.join("older/.git")).unwrap();
    std::fs::copy(format!("{fixtures}/ffn-header.txt"), stories.join("a-cartographer.txt")).unwrap();
    std::fs::copy(format!("{fixtures}/chapters.md"), stories.join("older/b-chapters.md")).unwrap();
    std::fs::copy(format!("{fixtures}/pov-styles.txt"), stories.join("older/.git/c-hidden.txt")).unwrap();
    std::fs::write(stories.join("cover.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    std::fs::create_dir_all(dir.path().join("empty")).unwrap();

    let (ok, out, err) = run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "HP", "stories"]);
    assert!(ok, "{out}\n{err}");
    assert!(out.contains("2 imported, 0 skipped as duplicates, 0 failed"), "{out}");
    let first = out.find("a-cartographer.txt").expect("the top file");
    let second = out.find("older/b-chapters.md").expect("the subfolder's file");
    assert!(first < second, "name order: {out}");
    assert!(!out.contains("c-hidden") && !out.contains("cover.png"), "hidden folders and pictures are skipped: {out}");

    let (ok, _, err) = run(dir.path(), &["import", "--pseud", "quillwright", "--fandom", "HP", "empty"]);
    assert!(!ok && err.contains("no story files"), "{err}");
}
