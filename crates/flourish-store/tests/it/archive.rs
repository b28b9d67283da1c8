//! Whole-archive export and import: an archive exported, imported into an empty archive on
//! the other backend and exported again gives the same bytes.

use flourish_core::{SeriesDraft, TagKind, Viewer};
use flourish_store::SettingsStore;
use flourish_store::{
    AccountStore, BookmarkStore, FilterStore, NewAccount, ReadingStore, SeriesStore, Store, StoreError,
    SubscriptionStore, TagStore, WorkEditing, WorkStore,
};
use flourish_testkit::{TestDb, fixtures};
use std::path::Path;

/// An archive with a bit of everything: login accounts, a second pseud, works with tags,
/// a draft, a hidden work, wrangling (a synonym of a newer tag, a metatag, a parent), a
/// series, a site setting.
async fn fill(store: &Store) {
    let (account, _) = store
        .register(&NewAccount {
            username: "luna",
            email: "luna@example.org",
            password_hash: "$argon2id$v=19$m=19456,t=4,p=1$c2FsdA$aGFzaA",
            confirmed: true,
            is_admin: true,
            invitation: None,
        })
        .await
        .unwrap();
    let luna = store.pseuds_of(account.id).await.unwrap().remove(0);
    let second = store.add_pseud(account.id, "Loony").await.unwrap();
    let neville = fixtures::writer(store, "neville").await;
    let mut first = fixtures::work("The Greenhouse", &neville);
    first.chapters.push(fixtures::chapter("Two", "More mandrakes, and a \"quoted\" line & an ampersand."));
    first.freeforms.push("Nargles".into());
    let first = store.create_work(&first).await.unwrap();
    let mut shared = fixtures::work("Spectrespecs", &luna);
    shared.creators.push(second.id);
    shared.restricted = true;
    let shared = store.create_work(&shared).await.unwrap();
    let mut draft = fixtures::work("Unfinished", &luna);
    draft.posted = false;
    store.create_work(&draft).await.unwrap();
    let hidden = store.create_work(&fixtures::work("Spam", &neville)).await.unwrap();
    store.set_hidden(hidden, true).await.unwrap();
    // Wrangling: "Nargles" becomes a synonym of a tag made after it.
    let nargle = store.find_or_create_tag("Nargles (Harry Potter)", TagKind::Freeform).await.unwrap();
    store.set_canonical(nargle.id, true).await.unwrap();
    let old = store.tag_by_name("Nargles").await.unwrap().unwrap();
    store.make_synonym(old.id, nargle.id).await.unwrap();
    let creatures = store.find_or_create_tag("Magical Creatures", TagKind::Freeform).await.unwrap();
    store.set_canonical(creatures.id, true).await.unwrap();
    store.add_metatag(nargle.id, creatures.id).await.unwrap();
    let fandom = store.tag_by_name("Harry Potter - J. K. Rowling").await.unwrap().unwrap();
    store.set_canonical(fandom.id, true).await.unwrap();
    store.add_parent(nargle.id, fandom.id).await.unwrap();
    let series = store
        .create_series(&SeriesDraft {
            title: "Herbology".into(),
            creators: vec![neville.id, luna.id],
            ..Default::default()
        })
        .await
        .unwrap();
    store.add_to_series(series, first, None).await.unwrap();
    store.add_to_series(series, shared, None).await.unwrap();
    // Bookmarks, public and private, with the bookmarker's tags.
    let keep = |notes: &str, private: bool| flourish_core::BookmarkFields {
        notes: notes.into(),
        tags: vec!["greenhouse reads".into()],
        private,
        ..Default::default()
    };
    store
        .create_bookmark(account.id, &flourish_core::BookmarkTarget::Work(first), &keep("Mandrakes!", false))
        .await
        .unwrap();
    store
        .create_bookmark(neville.user_id, &flourish_core::BookmarkTarget::Series(series), &keep("", true))
        .await
        .unwrap();
    store
        .record_visits(&[flourish_core::Visit {
            user: account.id,
            work: first,
            chapter: None,
            at: 1_700_000_000,
            seen: None,
        }])
        .await
        .unwrap();
    store.mark_for_later(neville.user_id, shared, true).await.unwrap();
    store
        .set_reading_settings(account.id, flourish_core::ReadingSettings { keep_history: true, keep_position: false })
        .await
        .unwrap();
    let mut profile =
        flourish_core::FilterProfile { name: "No nargles".into(), is_default: true, ..Default::default() };
    profile.exclude_tags = vec!["Nargles".into()];
    profile.exclude_creators = vec!["neville".into()];
    store.save_filter_profile(account.id, None, &profile).await.unwrap();
    store.subscribe(account.id, &flourish_core::NewSubscription::Series(series.0)).await.unwrap();
    let search = flourish_core::NewSubscription::Search { query: "q=mandrakes".into(), name: "Mandrakes".into() };
    store.subscribe(account.id, &search).await.unwrap();
    store.set_digest_every(account.id, flourish_core::DigestEvery::Weekly).await.unwrap();
    store.feed_secret(account.id, "a-feed-secret-0123456789", false).await.unwrap();
    store.set_setting("signup_mode", "invitation").await.unwrap();
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

async fn round_trip(from: &TestDb, to: &TestDb) {
    fill(&from.store).await;
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let exported = from.store.export_archive(a.path()).await.unwrap();
    assert!(exported.to_string().contains("4 works"), "{exported}");
    let imported = to.store.import_archive(a.path()).await.unwrap();
    assert_eq!(imported, exported);
    to.store.export_archive(b.path()).await.unwrap();
    let (before, after) = (files(a.path()), files(b.path()));
    assert_eq!(before.len(), after.len());
    for ((name, x), (_, y)) in before.iter().zip(&after) {
        assert!(x == y, "{name} differs:\n{}\n---\n{}", String::from_utf8_lossy(x), String::from_utf8_lossy(y));
    }
    // The imported archive works: reads, wrangling, logins, and new rows get new ids.
    let work = to.store.work(flourish_core::WorkId(1), Viewer::Guest).await.unwrap().expect("work 1");
    assert_eq!(work.title, "The Greenhouse");
    assert_eq!(work.stats.bookmarks, 1);
    let luna_id = to.store.user_by_name("luna").await.unwrap().unwrap().id;
    assert_eq!(to.store.history(luna_id, 1, 10).await.unwrap().items[0].title, "The Greenhouse");
    assert!(!to.store.reading_settings(luna_id).await.unwrap().keep_position);
    let profiles = to.store.filter_profiles(luna_id).await.unwrap();
    assert_eq!(
        (profiles[0].exclude_tags.len(), profiles[0].exclude_creators.as_slice()),
        (1, &["neville".to_owned()][..])
    );
    let followed: Vec<(String, String)> =
        to.store.subscriptions(luna_id).await.unwrap().into_iter().map(|s| (s.kind.as_str().into(), s.name)).collect();
    assert_eq!(followed, [("search".into(), "Mandrakes".into()), ("series".into(), "Herbology".into())]);
    assert_eq!(to.store.digest_every(luna_id).await.unwrap(), flourish_core::DigestEvery::Weekly);
    assert_eq!(to.store.feed_owner("a-feed-secret-0123456789").await.unwrap(), Some(luna_id));
    let luna = to.store.user_by_name("luna").await.unwrap().unwrap();
    let kept = to.store.user_bookmarks(luna.id, Some(luna.id), &Default::default(), 1, 10).await.unwrap();
    assert_eq!(
        (kept.items[0].notes.as_str(), kept.items[0].tags.as_slice()),
        ("<p>Mandrakes!</p>", &["greenhouse reads".to_owned()][..])
    );
    let nargles = to.store.tag_by_name("Nargles").await.unwrap().unwrap();
    assert!(nargles.synonym_of.is_some());
    assert_eq!(to.store.metatags(nargles.synonym_of.unwrap()).await.unwrap()[0].name, "Magical Creatures");
    assert!(to.store.account_by_login("luna@example.org").await.unwrap().unwrap().is_admin);
    let (user, _) = to.store.create_user("newcomer").await.unwrap();
    assert_eq!(user.id.0, 3, "identity sequences moved past the two imported accounts");
    let id = to.store.create_work(&fixtures::work("After", &fixtures::writer(&to.store, "later").await)).await.unwrap();
    assert!(id.0 > 4);
    // Importing again, or into a used archive, is refused and changes nothing.
    let again = to.store.import_archive(a.path()).await.unwrap_err();
    assert!(matches!(again, StoreError::Archive(ref m) if m.contains("new, empty archive")), "{again}");
    let again = from.store.export_archive(a.path()).await.unwrap_err();
    assert!(again.to_string().contains("already holds an export"));
}

#[tokio::test]
async fn an_archive_moves_from_sqlite_to_postgres_and_back_unchanged() {
    let Some(pg) = TestDb::postgres().await else { return };
    round_trip(&TestDb::sqlite().await, &pg).await;
    let Some(pg) = TestDb::postgres().await else { return };
    round_trip(&pg, &TestDb::sqlite().await).await;
}

#[tokio::test]
async fn a_broken_export_is_refused_whole() {
    let from = TestDb::sqlite().await;
    fill(&from.store).await;
    let dir = tempfile::tempdir().unwrap();
    from.store.export_archive(dir.path()).await.unwrap();
    let chapters = dir.path().join("chapters.jsonl");
    let mut text = std::fs::read_to_string(&chapters).unwrap();
    text.push_str("{\"id\": \"not a number\"}\n");
    std::fs::write(&chapters, text).unwrap();
    let to = TestDb::sqlite().await;
    let e = to.store.import_archive(dir.path()).await.unwrap_err().to_string();
    assert!(e.contains("chapters.jsonl line") && e.contains("\"id\""), "{e}");
    assert_eq!(to.store.work_count().await.unwrap(), 0, "nothing half-imported");
    assert!(to.store.user_by_name("luna").await.unwrap().is_none());
    let not_export = tempfile::tempdir().unwrap();
    let e = to.store.import_archive(not_export.path()).await.unwrap_err().to_string();
    assert!(e.contains("is not a Flourish export"), "{e}");
}

/// PostgreSQL plans from statistics a freshly imported database does not have until
/// something analyzes it; the import does (only a manual ANALYZE sets `last_analyze`).
#[tokio::test]
async fn an_archive_imported_into_postgresql_leaves_its_planner_statistics_fresh() {
    use sqlx::Connection;
    let Some(to) = TestDb::postgres().await else { return };
    let from = TestDb::sqlite().await;
    fill(&from.store).await;
    let dir = tempfile::tempdir().unwrap();
    from.store.export_archive(dir.path()).await.unwrap();
    const ANALYZED: &str = "SELECT COUNT(*) FROM pg_stat_user_tables \
                            WHERE relname IN ('works', 'tags', 'work_tags') AND last_analyze IS NOT NULL";
    let analyzed = || async {
        // A new session each time: statistics views are a snapshot per transaction.
        let mut conn = sqlx::PgConnection::connect(&to.url).await.unwrap();
        let (n,): (i64,) = sqlx::query_as(ANALYZED).fetch_one(&mut conn).await.unwrap();
        n
    };
    assert_eq!(analyzed().await, 0, "a new database has never been analyzed");
    to.store.import_archive(dir.path()).await.unwrap();
    assert_eq!(analyzed().await, 3, "the import analyzed what it loaded");
}
