//! Hits and creators' day-by-day statistics on both backends.

use flourish_core::{BookmarkFields, BookmarkTarget, Viewer};
use flourish_store::{BookmarkStore, Hit, KudosGiver, KudosStore, OutboxStore, StatisticsStore, WorkStore};
use flourish_testkit::{fixtures, parity_test};

parity_test!(a_hit_is_one_visitor_per_work_and_chapter_per_day, |store| {
    let writer = fixtures::writer(store, "statwriter").await;
    let reader = fixtures::writer(store, "statreader").await.user_id;
    let mut draft = fixtures::work("Counted Lamps", &writer);
    draft.chapters.push(fixtures::chapter("Two", "Again."));
    let work = store.create_work(&draft).await.unwrap();
    let chapters: Vec<i64> = store.chapter_index(work, Viewer::Guest).await.unwrap().iter().map(|c| c.id.0).collect();
    let day = 20_000;
    let hit = |visitor: i64, chapter: Option<i64>, member: Option<i64>, day: i64| Hit {
        day,
        work: work.0,
        chapter,
        visitor,
        member,
    };
    // Visitors' keys (64 bits of a keyed hash in the archive).
    let (guest_a, guest_b, creator, member) = (-7_i64, 42, 1 << 40, i64::MAX);
    // Guest a reads the work (its first chapter) twice and chapter 2; guest b chapter 2;
    // the creator reads their own work; a member reads it.
    let batch = [
        hit(guest_a, None, None, day),
        hit(guest_a, Some(chapters[0]), None, day),
        hit(guest_a, Some(chapters[1]), None, day),
        hit(guest_b, Some(chapters[1]), None, day),
        hit(creator, Some(chapters[0]), Some(writer.user_id.0), day),
        hit(member, None, Some(reader.0), day),
    ];
    assert_eq!(store.record_hits(&batch).await.unwrap(), 3, "a, b and the member; not the creator");
    // The same visitors again that day count nothing; the next day (a new key) they count.
    assert_eq!(store.record_hits(&batch[..2]).await.unwrap(), 0);
    assert_eq!(store.record_hits(&[hit(guest_a + 1, None, None, day + 1)]).await.unwrap(), 1);
    assert_eq!(store.work(work, Viewer::Guest).await.unwrap().unwrap().stats.hits, 4);

    let activity = store.creator_activity(writer.user_id, day - 1, day + 1).await.unwrap();
    let hits = |chapter: i64, on: i64| {
        activity.iter().filter(|a| a.kind == "hits" && a.chapter_id == chapter && a.day == on).map(|a| a.n).sum::<i64>()
    };
    assert_eq!((hits(0, day), hits(0, day + 1)), (3, 1));
    assert_eq!((hits(chapters[0], day), hits(chapters[1], day)), (2, 2), "{activity:?}");
    assert!(store.creator_activity(reader, 0, i64::MAX / 86_400 - 1).await.unwrap().is_empty(), "not theirs");

    // Kudos and public bookmarks appear on the day they were given; private ones never.
    store.give_kudos(work, &KudosGiver::Member(reader)).await.unwrap();
    let private = BookmarkFields { private: true, ..Default::default() };
    store.create_bookmark(reader, &BookmarkTarget::Work(work), &private).await.unwrap();
    let today = time::OffsetDateTime::now_utc().unix_timestamp() / 86_400;
    let activity = store.creator_activity(writer.user_id, today - 1, today + 1).await.unwrap();
    let of = |kind: &str| activity.iter().filter(|a| a.kind == kind).map(|a| a.n).sum::<i64>();
    assert_eq!((of("kudos"), of("bookmarks")), (1, 0), "{activity:?}");
    assert_eq!(store.creator_work_ids(writer.user_id).await.unwrap(), [work.0]);
    let chapter_rows = store.creator_chapters(writer.user_id).await.unwrap();
    let positions: Vec<(i64, i64, i64)> = chapter_rows.iter().map(|(w, c, p, _)| (*w, *c, *p)).collect();
    assert_eq!(positions, [(work.0, chapters[0], 1), (work.0, chapters[1], 2)]);
    assert!(store.creator_chapters(reader).await.unwrap().is_empty());

    // The daily round: hit counts go to the index as counts; past days' keys are deleted.
    let head = store.outbox_head().await.unwrap();
    assert_eq!(store.hits_to_index(day).await.unwrap(), 1);
    let queued = store.outbox_after(head, 10).await.unwrap();
    assert!(queued.iter().any(|e| e.work == work), "{queued:?}");
    assert_eq!(store.forget_hit_visitors(day + 1).await.unwrap(), 7, "the day's keys: a (3), b (2), the member (2)");
    assert_eq!(store.record_hits(&batch[..1]).await.unwrap(), 1, "forgotten keys are new visitors");
});
