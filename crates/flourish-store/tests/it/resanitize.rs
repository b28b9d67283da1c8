//! Cleaning stored HTML again when the sanitizer changes (issue 20). Content cleaned by an
//! older sanitizer reaches a store the way it does in life: from an archive exported by an
//! older Flourish, whose rows still carry the old version and the old HTML.

use flourish_core::{SeriesDraft, Viewer, WorkId};
use flourish_store::{ContentCleaning, OutboxStore, SeriesStore, WorkStore};
use flourish_testkit::{TestDb, fixtures};

/// The hole of issue 20: control characters hiding `javascript:` from the old sanitizer.
const HIDDEN_SCRIPT: &str = "<a href=\\\"\\u0001java\\u0003script:alert(1)\\\">click</a>";

/// An export with two works and a series, edited to look as an older Flourish left it:
/// chapter rows at sanitizer version 1, and the hidden-script link in one work's chapter
/// and summary and in the series' description.
async fn old_archive() -> tempfile::TempDir {
    let from = TestDb::sqlite().await;
    let pseud = fixtures::writer(&from.store, "quillwright").await;
    let dirty = from.store.create_work(&fixtures::work("Dirty", &pseud)).await.unwrap();
    let clean = from.store.create_work(&fixtures::work("Clean", &pseud)).await.unwrap();
    let series = from
        .store
        .create_series(&SeriesDraft {
            title: "Owlery".into(),
            summary: "<p>MARKER</p>".into(),
            creators: vec![pseud.id],
            ..Default::default()
        })
        .await
        .unwrap();
    from.store.add_to_series(series, dirty, None).await.unwrap();
    assert_eq!((dirty, clean), (WorkId(1), WorkId(2)));
    let dir = tempfile::tempdir().unwrap();
    from.store.export_archive(dir.path()).await.unwrap();
    let edit = |file: &str, f: &dyn Fn(String) -> String| {
        let path = dir.path().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, f(text)).unwrap();
    };
    edit("chapters.jsonl", &|text| {
        let version = format!("\"sanitizer_version\":{}", flourish_text::SANITIZER_VERSION);
        let mut lines: Vec<String> = text.lines().map(|l| l.replace(&version, "\"sanitizer_version\":1")).collect();
        assert!(lines[0].contains("\"work_id\":1") && lines[0].contains("</p>"), "{}", lines[0]);
        lines[0] = lines[0].replacen("</p>", &format!("{HIDDEN_SCRIPT}</p>"), 1);
        lines.join("\n") + "\n"
    });
    edit("works.jsonl", &|text| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        assert!(lines[0].contains("\"summary\":\"<p>"), "{}", lines[0]);
        lines[0] = lines[0].replacen("\"summary\":\"<p>", &format!("\"summary\":\"<p>{HIDDEN_SCRIPT}"), 1);
        lines.join("\n") + "\n"
    });
    edit("series.jsonl", &|text| text.replace("MARKER", HIDDEN_SCRIPT));
    dir
}

fn has_script_link(html: &str) -> bool {
    html.contains("href") && html.contains("script")
}

async fn old_content_is_cleaned_again(db: TestDb) {
    let store = &db.store;
    store.import_archive(old_archive().await.path()).await.unwrap();
    let before = store.chapters(WorkId(1), Viewer::Guest).await.unwrap();
    assert!(has_script_link(&before[0].content), "the old HTML came in as it was: {}", before[0].content);
    assert_eq!(before[0].sanitizer_version, 1);
    let version = |id| async move { store.work(WorkId(id), Viewer::Guest).await.unwrap().unwrap().version };
    let (dirty_version, clean_version) = (version(1).await, version(2).await);
    // Both works and the series are stale: the export carries no version for their own fields.
    assert_eq!(store.stale_content().await.unwrap(), (2, 1));
    let head = store.outbox_head().await.unwrap();

    let mut seen = Vec::new();
    let report = store.resanitize(|done| seen.push(done)).await.unwrap();
    assert_eq!((report.works, report.works_changed, report.series, report.series_changed), (2, 1, 1, 1));
    assert_eq!(seen.last(), Some(&2), "progress reaches every work");

    let work = store.work(WorkId(1), Viewer::Guest).await.unwrap().unwrap();
    assert!(!has_script_link(&work.summary) && work.summary.contains("click"), "{}", work.summary);
    let chapter = &store.chapters(WorkId(1), Viewer::Guest).await.unwrap()[0];
    assert!(!has_script_link(&chapter.content) && chapter.content.contains("click"), "{}", chapter.content);
    assert!(!chapter.content.chars().any(flourish_core::links::is_forbidden_control));
    assert_eq!(chapter.sanitizer_version, flourish_text::SANITIZER_VERSION);
    let series = store.series(flourish_core::SeriesId(1)).await.unwrap().unwrap();
    assert!(!has_script_link(&series.summary) && series.summary.contains("click"), "{}", series.summary);

    // The changed work has a new version in the outbox (twice: its own HTML, then its
    // series'), so indexes, pages and downloads are rebuilt; the clean one is untouched.
    assert!(work.version > dirty_version);
    assert_eq!(version(2).await, clean_version, "clean content is only marked, not bumped");
    let queued = store.outbox_after(head, 100).await.unwrap();
    assert!(!queued.is_empty() && queued.iter().all(|e| e.work == WorkId(1)), "{queued:?}");
    assert_eq!(queued.last().unwrap().version, work.version);

    // Nothing is stale now; a second run changes nothing.
    assert_eq!(store.stale_content().await.unwrap(), (0, 0));
    let again = store.resanitize(|_| {}).await.unwrap();
    assert_eq!(again, Default::default());
    assert_eq!(store.outbox_head().await.unwrap(), queued.last().unwrap().id);
}

#[tokio::test]
async fn old_content_is_cleaned_again_on_sqlite() {
    old_content_is_cleaned_again(TestDb::sqlite().await).await;
}

#[tokio::test]
async fn old_content_is_cleaned_again_on_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    old_content_is_cleaned_again(db).await;
}

#[tokio::test]
async fn new_content_is_written_at_the_current_version() {
    let db = TestDb::sqlite().await;
    let pseud = fixtures::writer(&db.store, "quillwright").await;
    db.store.create_work(&fixtures::work("Fresh", &pseud)).await.unwrap();
    db.store
        .create_series(&SeriesDraft { title: "S".into(), creators: vec![pseud.id], ..Default::default() })
        .await
        .unwrap();
    assert_eq!(db.store.stale_content().await.unwrap(), (0, 0), "nothing written today is stale");
}
