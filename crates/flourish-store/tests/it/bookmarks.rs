//! Bookmarks on both backends: one per item, counts of public ones only, privacy in every
//! read, external works checked for form, and the filters of the bookmark sidebar.

use flourish_core::{
    BookmarkFields, BookmarkTarget, ExternalWork, SeriesChoice, SeriesPlacement, TextFormat, UserId, Viewer, WorkId,
};
use flourish_store::{
    AccountStore, BookmarkFilter, BookmarkSort, BookmarkStore, OutboxStore, Store, StoreError, TagStore, WorkEditing,
    WorkStore,
};
use flourish_testkit::{fixtures, parity_test};

async fn count(store: &Store, work: WorkId) -> u64 {
    store.work(work, Viewer::Guest).await.unwrap().unwrap().stats.bookmarks
}

fn fields(notes: &str, tags: &[&str]) -> BookmarkFields {
    BookmarkFields {
        notes: notes.into(),
        notes_format: TextFormat::Html,
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ..Default::default()
    }
}

fn external(url: &str) -> BookmarkTarget {
    BookmarkTarget::External(ExternalWork {
        url: url.into(),
        title: "The Lighthouse Keeper's Boy".into(),
        creator: "seafoam".into(),
        fandoms: vec!["Original Work".into()],
        summary: "A boy, a lamp, a long winter.".into(),
        tags: vec!["Found Family".into()],
    })
}

async fn titles(page: &flourish_store::traits::Page<flourish_core::Bookmark>) -> Vec<String> {
    page.items.iter().map(|b| b.tags.join(",")).collect()
}

parity_test!(bookmarks_count_public_ones_and_keep_private_ones_private, |store| {
    let writer = fixtures::writer(store, "harbourlight").await;
    let reader = fixtures::writer(store, "tidewatcher").await;
    let other = fixtures::writer(store, "gullfeather").await;
    let mut draft = fixtures::work("The Little Lamp", &writer);
    draft.series = Some(SeriesPlacement { series: SeriesChoice::New("Winter Lights".into()), part: None });
    let work = store.create_work(&draft).await.unwrap();
    let series = store.work(work, Viewer::Guest).await.unwrap().unwrap().series[0].series_id;
    let head = store.outbox_head().await.unwrap();

    // Notes are sanitized; the first bookmark counts; the outbox row is a count's.
    let mut mine = fields("<p>Read it twice.</p><script>alert(1)</script>", &["comfort read", "Lamps", "lamps"]);
    mine.rec = true;
    let id = store.create_bookmark(reader.user_id, &BookmarkTarget::Work(work), &mine).await.unwrap();
    let saved = store.bookmark(id, Some(reader.user_id)).await.unwrap().unwrap();
    assert_eq!(saved.notes, "<p>Read it twice.</p>");
    assert_eq!(saved.tags, ["comfort read", "Lamps"], "tags keep their order, once each");
    assert!(saved.rec && !saved.private);
    assert_eq!(saved.pseud.id, reader.id, "the default pseud");
    assert_eq!(count(store, work).await, 1);
    let queued = store.outbox_after(head, 10).await.unwrap();
    assert!(queued.iter().all(|e| e.work == work && e.counts_only), "{queued:?}");

    // Twice is refused, and nothing changes.
    let twice = store.create_bookmark(reader.user_id, &BookmarkTarget::Work(work), &mine).await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    assert_eq!(count(store, work).await, 1);

    // A private bookmark is seen by its owner only: not in a count, a list, a total or by id.
    let mut hidden = fields("my secret shelf", &["secret"]);
    hidden.private = true;
    let private = store.create_bookmark(other.user_id, &BookmarkTarget::Work(work), &hidden).await.unwrap();
    assert_eq!(count(store, work).await, 1);
    let all = BookmarkFilter::default();
    for viewer in [None, Some(reader.user_id), Some(writer.user_id)] {
        assert!(store.bookmark(private, viewer).await.unwrap().is_none(), "{viewer:?}");
        let on_work = store.work_bookmarks(work, viewer, &all, 1, 20).await.unwrap();
        assert_eq!((on_work.total, on_work.items.len()), (1, 1), "{viewer:?}");
        let theirs = store.user_bookmarks(other.user_id, viewer, &all, 1, 20).await.unwrap();
        assert_eq!(theirs.total, 0, "{viewer:?}");
        let by_tag = BookmarkFilter { tags: vec!["secret".into()], ..Default::default() };
        assert_eq!(store.work_bookmarks(work, viewer, &by_tag, 1, 20).await.unwrap().total, 0);
    }
    assert_eq!(store.user_bookmarks(other.user_id, Some(other.user_id), &all, 1, 20).await.unwrap().total, 1);
    assert_eq!(store.work_bookmarks(work, Some(other.user_id), &all, 1, 20).await.unwrap().total, 2);
    // A bookmarker's tags are not the archive's tags: a private one has no tag page and
    // no autocomplete entry.
    assert!(store.tag_by_name("secret").await.unwrap().is_none());
    assert!(store.all_tags().await.unwrap().iter().all(|t| t.name != "secret" && t.name != "comfort read"));

    // Making it public counts it; someone else can neither edit nor delete it.
    hidden.private = false;
    assert!(matches!(store.update_bookmark(reader.user_id, private, &hidden).await, Err(StoreError::NotFound(_))));
    assert!(matches!(store.delete_bookmark(reader.user_id, private).await, Err(StoreError::NotFound(_))));
    store.update_bookmark(other.user_id, private, &hidden).await.unwrap();
    assert_eq!(count(store, work).await, 2);
    assert!(store.bookmark(private, None).await.unwrap().is_some());

    // Another account's pseud is refused; notes over the limit too, with nothing written.
    let mut wrong = mine.clone();
    wrong.pseud = Some(writer.id);
    assert!(matches!(store.update_bookmark(reader.user_id, id, &wrong).await, Err(StoreError::Invalid(_))));
    let long = fields(&"a".repeat(5_001), &[]);
    assert!(matches!(store.update_bookmark(reader.user_id, id, &long).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.bookmark(id, None).await.unwrap().unwrap().notes, "<p>Read it twice.</p>");

    // A series, and works elsewhere: http(s) only, never twice.
    store.create_bookmark(reader.user_id, &BookmarkTarget::Series(series), &fields("", &["series"])).await.unwrap();
    for bad in ["javascript:alert(1)", "ftp://example.org/story", "not a url", "https://", "mailto:a@b.c"] {
        let refused = store.create_bookmark(reader.user_id, &external(bad), &fields("", &[])).await;
        assert!(matches!(refused, Err(StoreError::Invalid(_))), "{bad}: {refused:?}");
    }
    let far = store
        .create_bookmark(reader.user_id, &external("https://example.org/lighthouse"), &fields("", &["elsewhere"]))
        .await
        .unwrap();
    assert!(matches!(
        store.create_bookmark(reader.user_id, &external("https://example.org/lighthouse"), &fields("", &[])).await,
        Err(StoreError::Conflict(_))
    ));
    match store.bookmark(far, None).await.unwrap().unwrap().target {
        BookmarkTarget::External(w) => {
            assert_eq!((w.title.as_str(), w.fandoms.len()), ("The Lighthouse Keeper's Boy", 1))
        }
        other => panic!("{other:?}"),
    }

    // The sidebar's filters and sorts.
    let list = |filter: BookmarkFilter| async move {
        store.user_bookmarks(reader.user_id, None, &filter, 1, 20).await.unwrap()
    };
    assert_eq!(list(BookmarkFilter::default()).await.total, 3);
    assert_eq!(
        titles(&list(BookmarkFilter { rec_only: true, ..Default::default() }).await).await,
        ["comfort read,Lamps"]
    );
    assert_eq!(list(BookmarkFilter { with_notes: true, ..Default::default() }).await.total, 1);
    assert_eq!(
        titles(&list(BookmarkFilter { kind: Some("external".into()), ..Default::default() }).await).await,
        ["elsewhere"]
    );
    assert_eq!(list(BookmarkFilter { exclude_tags: vec!["LAMPS".into()], ..Default::default() }).await.total, 2);
    // The work's language and words, the date bookmarked; with the other kinds of filter
    // at once, so every placeholder meets its value.
    let language = store.work(work, Viewer::Guest).await.unwrap().unwrap().language;
    let words = store.work(work, Viewer::Guest).await.unwrap().unwrap().word_count;
    let hp = store.tag_by_name("Harry Potter - J. K. Rowling").await.unwrap().unwrap().id.0;
    let all_kinds = BookmarkFilter {
        tags: vec!["comfort read".into()],
        exclude_tags: vec!["nothing-like-this".into()],
        work_tags: vec![hp],
        language: Some(language.clone()),
        words_from: Some(words),
        words_to: Some(words),
        bookmarked_from: Some(0),
        bookmarked_to: Some(i64::MAX),
        ..Default::default()
    };
    assert_eq!(list(all_kinds.clone()).await.total, 1);
    assert_eq!(list(BookmarkFilter { language: Some("xx-none".into()), ..Default::default() }).await.total, 0);
    assert_eq!(list(BookmarkFilter { words_from: Some(words + 1), ..all_kinds.clone() }).await.total, 0);
    assert_eq!(list(BookmarkFilter { bookmarked_from: Some(i64::MAX), ..Default::default() }).await.total, 0);
    assert_eq!(list(BookmarkFilter { bookmarked_to: Some(i64::MAX), ..Default::default() }).await.total, 3);
    let sorted = list(BookmarkFilter { sort: BookmarkSort::Bookmarked, ..Default::default() }).await;
    assert!(sorted.items.windows(2).all(|w| w[0].created_at >= w[1].created_at));

    // A hidden work can't be bookmarked, and its bookmarks show to their owners only.
    let second = store.create_work(&fixtures::work("Another Lamp", &writer)).await.unwrap();
    store.create_bookmark(other.user_id, &BookmarkTarget::Work(second), &fields("", &[])).await.unwrap();
    store.set_hidden(second, true).await.unwrap();
    assert!(matches!(
        store.create_bookmark(reader.user_id, &BookmarkTarget::Work(second), &fields("", &[])).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(store.user_bookmarks(other.user_id, None, &all, 1, 20).await.unwrap().total, 1);
    assert_eq!(store.user_bookmarks(other.user_id, Some(other.user_id), &all, 1, 20).await.unwrap().total, 2);
    assert!(store.create_bookmark(UserId(999_999), &BookmarkTarget::Work(work), &fields("", &[])).await.is_err());

    // Deleting, and deleting the account, take the counts down.
    store.delete_bookmark(reader.user_id, id).await.unwrap();
    assert_eq!(count(store, work).await, 1);
    store.delete_account(other.user_id, false).await.unwrap();
    assert_eq!(count(store, work).await, 0);
});

parity_test!(the_search_index_reads_each_bookmark_with_its_openness_and_follows_the_outbox, |store| {
    use flourish_store::BookmarkIndexSource;
    let writer = fixtures::writer(store, "indexwriter").await;
    let reader = fixtures::writer(store, "indexreader").await.user_id;
    let mut draft = fixtures::work("Open Lamp", &writer);
    draft.series = Some(SeriesPlacement { series: SeriesChoice::New("Lamps".into()), part: None });
    let open = store.create_work(&draft).await.unwrap();
    let series = store.work(open, Viewer::Guest).await.unwrap().unwrap().series[0].series_id;
    let mut members = fixtures::work("Members Lamp", &writer);
    members.restricted = true;
    let members = store.create_work(&members).await.unwrap();
    let head = store.bookmark_outbox_head().await.unwrap();
    let on_open = store
        .create_bookmark(reader, &BookmarkTarget::Work(open), &fields("Bright.", &["Lamps", "cosy"]))
        .await
        .unwrap();
    let mut private = fields("", &[]);
    private.private = true;
    let on_members = store.create_bookmark(reader, &BookmarkTarget::Work(members), &private).await.unwrap();
    let on_series = store.create_bookmark(reader, &BookmarkTarget::Series(series), &fields("", &[])).await.unwrap();
    let elsewhere =
        store.create_bookmark(reader, &external("https://example.org/keeper"), &fields("", &[])).await.unwrap();

    let rows = store.bookmark_outbox_after(head, 100).await.unwrap();
    assert_eq!(rows.iter().map(|(_, b)| *b).collect::<Vec<_>>(), [on_open.0, on_members.0, on_series.0, elsewhere.0]);
    let all = store.bookmarks_for_index_after(0, 100).await.unwrap();
    let find = |id: flourish_core::BookmarkId| all.iter().find(|b| b.id == id.0).unwrap().clone();
    let b = find(on_open);
    assert_eq!(
        (b.kind, b.open_to_guests, b.open_to_members, b.private, b.has_notes),
        ("work", true, true, false, true)
    );
    assert_eq!(b.tags, [("Lamps".to_owned(), "lamps".to_owned()), ("cosy".to_owned(), "cosy".to_owned())]);
    assert!(!b.work_tags.is_empty() && b.language.as_deref() == Some("en") && b.words.unwrap_or(0) > 0);
    let b = find(on_members);
    assert_eq!((b.open_to_guests, b.open_to_members, b.private), (false, true, true), "members-only and private");
    let b = find(on_series);
    assert_eq!((b.kind, b.open_to_guests, b.series_id), ("series", true, Some(series.0)));
    let b = find(elsewhere);
    assert_eq!((b.kind, b.open_to_guests, b.work_id), ("external", true, None));
    // A work's bookmarks, and those of its series, follow the work's changes.
    let mut of_open = store.bookmarks_of_works(&[open.0]).await.unwrap();
    of_open.sort_unstable();
    assert_eq!(of_open, [on_open.0, on_series.0]);
    // Hidden: closed to everyone. Deleted: gone from what the index reads, and queued.
    store.set_hidden(open, true).await.unwrap();
    let b = store.bookmarks_for_index(&[on_open.0]).await.unwrap().remove(0);
    assert_eq!((b.open_to_guests, b.open_to_members), (false, false));
    store.delete_bookmark(reader, elsewhere).await.unwrap();
    assert!(store.bookmarks_for_index(&[elsewhere.0]).await.unwrap().is_empty());
    assert_eq!(store.bookmark_outbox_after(head, 100).await.unwrap().last().unwrap().1, elsewhere.0);
});
