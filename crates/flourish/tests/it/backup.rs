//! `flourish backup` and `flourish restore` through the real binary: a backup taken while a
//! writer keeps posting is a consistent moment of the archive, a restore brings back every
//! table as the backup holds it, a backup at rest equals the live archive table by table,
//! and neither command ever writes over an archive.

use crate::server::{Server, data_file, flourish, temp_dir};
use flourish_core::{Commenter, NewComment, TextFormat, Viewer, WorkId};
use flourish_store::{AccountStore, CommentStore, Store, WorkStore};
use flourish_testkit::fixtures;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

fn run(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = flourish(dir).args(args).output().expect("run flourish");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

async fn open(file: &Path) -> Store {
    Store::connect(&format!("sqlite://{}", file.display())).await.unwrap()
}

/// One posted work of two chapters and a reader's comment, as one writer would leave it.
async fn post(store: &Store, n: usize) {
    let pseud = fixtures::writer(store, &format!("writer{n}")).await;
    let mut draft = fixtures::work(&format!("Greenhouse Letter {n:03}"), &pseud);
    draft.chapters.push(fixtures::chapter("The Second Letter", "The mandrakes had grown again."));
    let work = store.create_work(&draft).await.unwrap();
    let (_, reader) = store.create_user(&format!("reader{n}")).await.unwrap();
    let comment = NewComment {
        work,
        chapter: None,
        parent: None,
        content: format!("Letter {n} made me cry in the greenhouse."),
        format: TextFormat::Plain,
        by: Commenter::Member { user: reader.user_id, pseud: Some(reader.id) },
    };
    store.add_comment(&comment).await.unwrap();
}

/// What a consistent moment of this test's archive looks like: the works are the first
/// `n` the writer posted, each whole (both chapters), and every comment counted on its
/// work's row. The writer comments in a transaction after the work's, so the last work
/// may not have its comment yet; every earlier one has.
async fn assert_consistent(store: &Store) -> usize {
    assert_eq!(store.integrity_check().await.unwrap(), Ok(()));
    let (mut n, mut comments) = (0, 0);
    while let Some(work) = store.work(WorkId(n as i64 + 1), Viewer::Guest).await.unwrap() {
        assert_eq!(work.title, format!("Greenhouse Letter {n:03}"));
        assert_eq!(store.chapters(work.id, Viewer::Guest).await.unwrap().len(), 2, "{}", work.title);
        if store.work(WorkId(n as i64 + 2), Viewer::Guest).await.unwrap().is_some() {
            assert_eq!(work.stats.comments, 1, "{}", work.title);
        }
        comments += work.stats.comments;
        n += 1;
    }
    let rows = store.table_rows().await.unwrap();
    assert_eq!(rows["works"], n as u64, "a work after a gap");
    assert_eq!(rows["chapters"], 2 * n as u64);
    assert_eq!(rows["comments"], comments, "a comment not counted on its work, or counted without being there");
    n
}

#[test]
fn a_backup_taken_under_writes_restores_every_table_and_one_at_rest_equals_the_archive() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = temp_dir();
    let data = dir.path().join("data");
    let live = runtime.block_on(async {
        let store = open(&data_file(dir.path())).await;
        store.migrate().await.unwrap();
        store
    });

    // A writer in this process posts without pause while the binary takes the backup.
    let (stop, posted) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicUsize::new(0)));
    let writer = runtime.spawn({
        let (store, stop, posted) = (live.clone(), stop.clone(), posted.clone());
        async move {
            while !stop.load(Ordering::SeqCst) {
                post(&store, posted.load(Ordering::SeqCst)).await;
                posted.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    while posted.load(Ordering::SeqCst) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let under_load = dir.path().join("under-load");
    let (ok, said) = run(dir.path(), &["backup", under_load.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert!(said.contains("backed up"), "{said}");
    let during = posted.load(Ordering::SeqCst);
    while posted.load(Ordering::SeqCst) < during + 10 {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    stop.store(true, Ordering::SeqCst);
    runtime.block_on(writer).unwrap();
    let total = posted.load(Ordering::SeqCst);

    // The backup is one moment: whole works, in order, none cut in half.
    let in_backup = runtime.block_on(async {
        let backup = open(&under_load.join("flourish.db")).await;
        let n = assert_consistent(&backup).await;
        backup.close().await;
        n
    });
    eprintln!("the backup holds {in_backup} works; the writer posted {total}");
    assert!((20..total).contains(&in_backup), "{in_backup} of {total}");

    // Restored, every table is as the backup holds it.
    let restored = dir.path().join("restored");
    let (ok, said) =
        run(dir.path(), &["restore", under_load.to_str().unwrap(), "--data-dir", restored.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert!(said.contains(&format!("({in_backup} works")), "{said}");
    let (from_backup, from_restore) = runtime.block_on(async {
        let backup = open(&under_load.join("flourish.db")).await;
        let restore = open(&restored.join("flourish.db")).await;
        let digests = (backup.table_digests().await.unwrap(), restore.table_digests().await.unwrap());
        backup.close().await;
        restore.close().await;
        digests
    });
    assert!(from_backup.len() > 30, "every table: {:?}", from_backup.keys());
    assert_eq!(from_backup, from_restore);

    // At rest, a backup equals the archive, table by table.
    let at_rest = dir.path().join("at-rest");
    let (ok, said) = run(dir.path(), &["backup", at_rest.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(ok, "{said}");
    runtime.block_on(async {
        let backup = open(&at_rest.join("flourish.db")).await;
        assert_eq!(backup.table_digests().await.unwrap(), live.table_digests().await.unwrap());
        assert_eq!(assert_consistent(&backup).await, total);
        backup.close().await;
        live.close().await;
    });

    // The restored archive serves, its search index rebuilt from the database.
    let server = Server::start(dir.path(), &["--data-dir", restored.to_str().unwrap()]);
    let (status, body) = server.get("/works/search?q=greenhouse");
    assert_eq!(status, 200);
    assert!(body.contains(&format!("of {in_backup} Works")), "the restored archive's search lists its works");
    drop(server);

    // Neither command writes over anything.
    let (ok, said) = run(dir.path(), &["backup", at_rest.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(!ok && said.contains("already holds a backup"), "{said}");
    let (ok, said) = run(dir.path(), &["restore", at_rest.to_str().unwrap(), "--data-dir", data.to_str().unwrap()]);
    assert!(!ok && said.contains("is not empty"), "{said}");
    let (ok, said) = run(dir.path(), &["restore", dir.path().to_str().unwrap(), "--data-dir", "elsewhere"]);
    assert!(!ok && said.contains("is not a Flourish backup"), "{said}");
    // A manifest that does not match its database: refused, and nothing left behind.
    let manifest = at_rest.join("backup.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen(&format!("\"works\": {total}"), &format!("\"works\": {}", total + 1), 1))
        .unwrap();
    let tampered = dir.path().join("tampered");
    let (ok, said) = run(dir.path(), &["restore", at_rest.to_str().unwrap(), "--data-dir", tampered.to_str().unwrap()]);
    assert!(!ok && said.contains("does not hold what its manifest says"), "{said}");
    assert!(!tampered.join("flourish.db").exists());
}

#[test]
fn scheduled_backups_are_taken_while_the_archive_serves_and_only_the_newest_are_kept() {
    let dir = temp_dir();
    std::fs::write(dir.path().join("flourish.toml"), "[backup]\nevery = \"1s\"\nkeep = 2\n").unwrap();
    let server = Server::start(dir.path(), &["--demo"]);
    let started = std::time::Instant::now();
    let mut taken = 0;
    while taken < 4 {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "{taken} backups in a minute");
        if let Ok(line) = server.logs.recv_timeout(std::time::Duration::from_secs(5))
            && line.contains("backup taken")
        {
            taken += 1;
        }
    }
    assert_eq!(server.get("/works").0, 200);
    drop(server);
    let root = dir.path().join("data").join("backups");
    let mut kept: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).collect();
    kept.sort();
    assert_eq!(kept.len(), 2, "{kept:?}");
    for backup in kept {
        let restored = temp_dir();
        let target = restored.path().join("data");
        let (ok, said) =
            run(dir.path(), &["restore", backup.to_str().unwrap(), "--data-dir", target.to_str().unwrap()]);
        assert!(ok, "{said}");
        assert!(!said.contains("(0 works"), "the demo works are in the backup: {said}");
    }
}
