//! Reading history, positions and Marked for Later on both backends.

use flourish_core::{ChapterId, ReadingSettings, Viewer, Visit, WorkId};
use flourish_store::{ReadingStore, Store, StoreError, WorkEditing, WorkStore};
use flourish_testkit::{fixtures, parity_test};

async fn chapters(store: &Store, work: WorkId) -> Vec<ChapterId> {
    store.chapter_index(work, Viewer::Guest).await.unwrap().iter().map(|c| c.id).collect()
}

parity_test!(history_keeps_each_readers_visits_place_and_marks, |store| {
    let writer = fixtures::writer(store, "harbourlight").await;
    let reader = fixtures::writer(store, "tidewatcher").await.user_id;
    let other = fixtures::writer(store, "gullfeather").await.user_id;
    let mut draft = fixtures::work("The Little Lamp", &writer);
    draft.chapters.push(fixtures::chapter("Two", "The lamp again."));
    draft.chapters.push(fixtures::chapter("Three", "The lamp, at last."));
    draft.complete = false;
    draft.expected_chapters = None;
    let lamp = store.create_work(&draft).await.unwrap();
    let short = store.create_work(&fixtures::work("A Short One", &writer)).await.unwrap();
    let lamp_chapters = chapters(store, lamp).await;
    let visit = |work, chapter, at| Visit { user: reader, work, chapter, at, seen: None };

    // Three views of the lamp (the last in chapter 2) and one of the short work, in a batch.
    store
        .record_visits(&[
            visit(lamp, Some(lamp_chapters[0]), 100),
            visit(lamp, Some(lamp_chapters[1]), 300),
            visit(short, None, 200),
            visit(lamp, Some(lamp_chapters[0]), 250),
        ])
        .await
        .unwrap();
    let history = store.history(reader, 1, 20).await.unwrap();
    assert_eq!(history.items.iter().map(|r| r.work).collect::<Vec<_>>(), [lamp, short], "last visited first");
    let lamp_reading = &history.items[0];
    assert_eq!((lamp_reading.visits, lamp_reading.chapter_position), (3, Some(2)), "{lamp_reading:?}");
    assert_eq!(store.history(other, 1, 20).await.unwrap().total, 0, "a history is its reader's alone");

    // The place inside a chapter; a chapter of another work is refused.
    store.record_position(reader, lamp, lamp_chapters[1], 7).await.unwrap();
    assert_eq!(store.reading(reader, lamp).await.unwrap().unwrap().paragraph, Some(7));
    let foreign = chapters(store, short).await[0];
    assert!(matches!(store.record_position(reader, lamp, foreign, 1).await, Err(StoreError::NotFound(_))));
    assert!(matches!(store.record_position(reader, lamp, ChapterId(987_654), 1).await, Err(StoreError::NotFound(_))));
    // Continue reading: the lamp (chapter 2 of 3); the short work was read to its end.
    let shelf = store.continue_reading(reader).await.unwrap();
    assert_eq!(shelf.iter().map(|r| r.work).collect::<Vec<_>>(), [lamp]);
    // Opening another chapter moves the place there and forgets the paragraph.
    store.record_visits(&[visit(lamp, Some(lamp_chapters[2]), 400)]).await.unwrap();
    let moved = store.reading(reader, lamp).await.unwrap().unwrap();
    assert_eq!((moved.chapter_position, moved.paragraph), (Some(3), None));
    assert!(store.continue_reading(reader).await.unwrap().is_empty(), "read to the last chapter");

    // A new chapter: "1 new chapter since you read".
    store.add_chapter(lamp, &fixtures::chapter("Four", "Spring.")).await.unwrap();
    let marked = store.readings_of(reader, &[lamp, short]).await.unwrap();
    let lamp_now = marked.iter().find(|r| r.work == lamp).unwrap();
    assert_eq!(lamp_now.new_chapters(), 1);
    assert_eq!(store.continue_reading(reader).await.unwrap().len(), 1, "a new chapter to read");

    // Switched off: nothing more is kept; positions go at once.
    store.set_reading_settings(reader, ReadingSettings { keep_history: true, keep_position: false }).await.unwrap();
    assert_eq!(store.reading(reader, lamp).await.unwrap().unwrap().paragraph, None);
    store.record_position(reader, lamp, lamp_chapters[0], 3).await.unwrap();
    assert_eq!(store.reading(reader, lamp).await.unwrap().unwrap().paragraph, None);
    store.set_reading_settings(reader, ReadingSettings { keep_history: false, keep_position: false }).await.unwrap();
    store.record_visits(&[visit(short, None, 900)]).await.unwrap();
    assert_eq!(store.reading(reader, short).await.unwrap().unwrap().visits, 1, "no visit counted");
    assert!(!store.reading_settings(reader).await.unwrap().keep_history);

    // Marked for Later stands apart from the history.
    store.mark_for_later(reader, short, true).await.unwrap();
    store.mark_for_later(reader, short, true).await.unwrap();
    assert!(matches!(store.mark_for_later(reader, WorkId(987_654), true).await, Err(StoreError::NotFound(_))));
    assert_eq!(store.clear_history(reader).await.unwrap(), 2);
    assert_eq!(store.history(reader, 1, 20).await.unwrap().total, 0);
    let later = store.marked_for_later(reader, 1, 20).await.unwrap();
    assert_eq!((later.total, later.items.clone()), (1, vec![short]));
    assert!(store.is_marked_for_later(reader, short).await.unwrap());
    assert!(!store.is_marked_for_later(other, short).await.unwrap());

    // A hidden work leaves the lists it is on.
    store.set_hidden(short, true).await.unwrap();
    assert_eq!(store.marked_for_later(reader, 1, 20).await.unwrap().total, 0);
    store.mark_for_later(reader, short, false).await.unwrap();
    store.set_hidden(short, false).await.unwrap();
    assert_eq!(store.marked_for_later(reader, 1, 20).await.unwrap().total, 0);
});
