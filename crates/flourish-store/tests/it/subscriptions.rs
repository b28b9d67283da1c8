//! Subscriptions on both backends: who hears of what, once each, in chunks; what never
//! reaches anyone (drafts, hidden works, blocked followers); the feed's guest view; digests.

use flourish_core::{
    Channel, DigestEvery, NewSubscription, Notification, NotificationKind, SeriesChoice, SeriesPlacement, UserId,
    WorkId,
};
use flourish_store::{
    BlockStore, JobStore, NotificationStore, SearchNotice, Store, StoreError, SubscriptionStore, WorkEditing, WorkStore,
};
use flourish_testkit::{fixtures, parity_test};

async fn inbox(store: &Store, user: UserId) -> Vec<Notification> {
    store.notifications(user, Default::default(), 1, 100).await.unwrap().items
}

/// Delivers everything waiting, `chunk` followers a step; returns the steps taken.
async fn deliver_all(store: &Store, chunk: u32) -> u32 {
    let mut steps = 0;
    while store.deliver_updates(chunk).await.unwrap().is_some() {
        steps += 1;
        assert!(steps < 1_000, "delivery never ends");
    }
    steps
}

parity_test!(new_chapters_and_works_reach_each_follower_once, |store| {
    let writer = fixtures::writer(store, "lanternwright").await;
    let by_work = fixtures::writer(store, "wickreader").await.user_id;
    let by_series = fixtures::writer(store, "seriesfollower").await.user_id;
    let by_creator = fixtures::writer(store, "creatorfollower").await.user_id;
    let blocked = fixtures::writer(store, "blockedfollower").await.user_id;
    let silent = fixtures::writer(store, "quietfollower").await.user_id;
    let digester = fixtures::writer(store, "digestfollower").await.user_id;

    let mut draft = fixtures::work("The Lamp Keeper", &writer);
    draft.complete = false;
    draft.expected_chapters = None;
    draft.series = Some(SeriesPlacement { series: SeriesChoice::New("Lamps".into()), part: None });
    let lamp = store.create_work(&draft).await.unwrap();
    let series = store.work(lamp, flourish_core::Viewer::Guest).await.unwrap().unwrap().series[0].series_id;
    assert_eq!(store.waiting_updates().await.unwrap(), 0, "no one followed anything yet: no update rows");

    store.subscribe(by_work, &NewSubscription::Work(lamp.0)).await.unwrap();
    // Following both the work and its creator still brings one notice per chapter.
    store.subscribe(by_work, &NewSubscription::Creator(writer.user_id.0)).await.unwrap();
    store.subscribe(by_series, &NewSubscription::Series(series.0)).await.unwrap();
    for user in [by_creator, blocked, silent, digester] {
        store.subscribe(user, &NewSubscription::Creator(writer.user_id.0)).await.unwrap();
    }
    store.block(writer.user_id, blocked).await.unwrap();
    store.set_notification_pref(silent, NotificationKind::Subscription, Channel::Off).await.unwrap();
    store.set_notification_pref(digester, NotificationKind::Subscription, Channel::Digest).await.unwrap();

    // Refused: twice the same, a work no one may see, oneself, nothing.
    assert!(matches!(store.subscribe(by_work, &NewSubscription::Work(lamp.0)).await, Err(StoreError::Conflict(_))));
    assert!(matches!(store.subscribe(by_work, &NewSubscription::Work(987_654)).await, Err(StoreError::NotFound(_))));
    assert!(matches!(
        store.subscribe(writer.user_id, &NewSubscription::Creator(writer.user_id.0)).await,
        Err(StoreError::Invalid(_))
    ));
    let empty = NewSubscription::Search { query: "  ".into(), name: String::new() };
    assert!(matches!(store.subscribe(by_work, &empty).await, Err(StoreError::Invalid(_))));

    // A new chapter: one update, delivered in chunks of two to five followers.
    let jobs_before = store.pending_jobs().await.unwrap();
    store.add_chapter(lamp, &fixtures::chapter("The Wick", "It caught.")).await.unwrap();
    assert_eq!(store.waiting_updates().await.unwrap(), 1);
    let steps = deliver_all(store, 2).await;
    assert!(steps >= 3, "five followers in chunks of two take three steps or more, took {steps}");
    assert_eq!(store.waiting_updates().await.unwrap(), 0);
    for user in [by_work, by_series, by_creator, digester] {
        let got = inbox(store, user).await;
        assert_eq!(got.len(), 1, "{user:?} hears of the chapter once: {got:?}");
        assert_eq!(got[0].kind, NotificationKind::Subscription);
        assert!(got[0].title.starts_with("New chapter of The Lamp Keeper: Chapter 2: The Wick"), "{}", got[0].title);
        assert!(got[0].url.starts_with(&format!("/works/{lamp}/chapters/")), "{}", got[0].url);
        assert_eq!(got[0].actor, "lanternwright");
    }
    assert!(inbox(store, blocked).await.is_empty(), "a creator who blocked a follower sends them nothing");
    assert!(inbox(store, silent).await.is_empty(), "subscriptions turned off");
    assert!(inbox(store, writer.user_id).await.is_empty());
    // Email at once (the default) for three; the digest waits for its round.
    assert_eq!(store.pending_jobs().await.unwrap() - jobs_before, 3, "a mail job per email follower");
    assert_eq!(store.digest(digester).await.unwrap().0.len(), 1);

    // A new work in the series, first as a draft: nothing until it is posted.
    let mut second = fixtures::work("The Second Lamp", &writer);
    second.posted = false;
    second.series = Some(SeriesPlacement { series: SeriesChoice::Existing(series), part: None });
    let second = store.create_work(&second).await.unwrap();
    assert_eq!(store.waiting_updates().await.unwrap(), 0, "a draft is no one's news");
    store.post_work(second).await.unwrap();
    deliver_all(store, 100).await;
    let news = inbox(store, by_series).await;
    assert_eq!(news.len(), 2);
    assert_eq!(news[0].title, "New work by lanternwright: The Second Lamp");
    assert_eq!(inbox(store, by_work).await.len(), 2, "through the creator");
    // Posting again is not news again.
    store.post_work(second).await.unwrap();
    assert_eq!(store.waiting_updates().await.unwrap(), 0);

    // A chapter hidden before delivery reaches no one.
    store.add_chapter(lamp, &fixtures::chapter("Soot", "Black.")).await.unwrap();
    store.set_hidden(lamp, true).await.unwrap();
    deliver_all(store, 100).await;
    assert_eq!(inbox(store, by_work).await.len(), 2, "hidden: not delivered");
    assert!(
        matches!(store.subscribe(by_creator, &NewSubscription::Work(lamp.0)).await, Err(StoreError::NotFound(_))),
        "a hidden work cannot be followed"
    );
    // A series with nothing posted in it does not exist for followers either: its title
    // stays unknown.
    let mut unposted = fixtures::work("A Draft Lamp", &writer);
    unposted.posted = false;
    unposted.series = Some(SeriesPlacement { series: SeriesChoice::New("Secret Lamps".into()), part: None });
    let unposted = store.create_work(&unposted).await.unwrap();
    let secret = store.work_for_editing(unposted).await.unwrap().unwrap().series[0].series_id;
    assert!(
        matches!(store.subscribe(by_creator, &NewSubscription::Series(secret.0)).await, Err(StoreError::NotFound(_))),
        "a series of drafts cannot be followed"
    );
    let names: Vec<String> = store.subscriptions(by_work).await.unwrap().into_iter().map(|s| s.name).collect();
    assert!(names.contains(&"A work no longer on the archive".to_owned()), "{names:?}");
    assert!(!names.iter().any(|n| n == "The Lamp Keeper"), "a hidden work's title is not shown: {names:?}");

    // Unsubscribing is one's own: another account's id is not found.
    let mine = store.subscriptions(by_series).await.unwrap()[0].id;
    assert!(matches!(store.unsubscribe(by_work, mine).await, Err(StoreError::NotFound(_))));
    store.unsubscribe(by_series, mine).await.unwrap();
    assert!(store.subscriptions(by_series).await.unwrap().is_empty());
});

parity_test!(the_feed_shows_a_guest_view_behind_a_revocable_secret, |store| {
    let writer = fixtures::writer(store, "feedwriter").await;
    let reader = fixtures::writer(store, "feedreader").await.user_id;
    let open = store.create_work(&fixtures::work("Open Lamp", &writer)).await.unwrap();
    let mut members = fixtures::work("Members Lamp", &writer);
    members.restricted = true;
    let members = store.create_work(&members).await.unwrap();
    for work in [open, members] {
        store.subscribe(reader, &NewSubscription::Work(work.0)).await.unwrap();
        store.add_chapter(work, &fixtures::chapter("More", "More light.")).await.unwrap();
    }
    deliver_all(store, 100).await;
    assert_eq!(inbox(store, reader).await.len(), 2, "a member hears of members-only works");
    let feed = store.subscription_feed(reader, 50).await.unwrap();
    let works: Vec<Option<WorkId>> = feed.iter().map(|n| n.work_id).collect();
    assert_eq!(works, [Some(open)], "the feed shows no members-only work");

    let secret = store.feed_secret(reader, "first-secret-0123456789", false).await.unwrap();
    assert_eq!(store.feed_secret(reader, "ignored-secret", false).await.unwrap(), secret, "kept until renewed");
    assert_eq!(store.feed_owner(&secret).await.unwrap(), Some(reader));
    let renewed = store.feed_secret(reader, "second-secret-0123456789", true).await.unwrap();
    assert_ne!(renewed, secret);
    assert_eq!(store.feed_owner(&secret).await.unwrap(), None, "the old address is revoked");
    assert_eq!(store.feed_owner("").await.unwrap(), None);
});

parity_test!(saved_searches_are_checked_once_and_digests_queue_by_frequency, |store| {
    let reader = fixtures::writer(store, "searchreader").await.user_id;
    let weekly = fixtures::writer(store, "weeklyreader").await.user_id;
    let search = NewSubscription::Search { query: "?other_tags=Greenhouses".into(), name: "Glass".into() };
    let made = store.subscribe(reader, &search).await.unwrap();
    assert_eq!((made.query.as_str(), made.name.as_str()), ("other_tags=Greenhouses", "Glass"));
    assert_eq!(made.url, "/works?other_tags=Greenhouses");
    let due = store.due_searches(made.created_at.unix_timestamp() + 10, 10).await.unwrap();
    assert_eq!(due.len(), 1);
    let notice =
        SearchNotice { title: "2 new or updated works match “Glass”".into(), body: "A · B".into(), url: made.url };
    let until = due[0].checked_until + 5;
    assert!(store.search_checked(&due[0], until, Some(&notice)).await.unwrap());
    assert!(!store.search_checked(&due[0], until, Some(&notice)).await.unwrap(), "a second node finds it done");
    assert_eq!(inbox(store, reader).await.len(), 1);
    assert!(store.due_searches(until, 10).await.unwrap().is_empty(), "checked up to then");

    // Digests: one job per account with entries waiting, the weekly ones on Mondays only.
    for user in [reader, weekly] {
        store.set_notification_pref(user, NotificationKind::Subscription, Channel::Digest).await.unwrap();
    }
    store.set_digest_every(weekly, DigestEvery::Weekly).await.unwrap();
    assert_eq!(store.digest_every(weekly).await.unwrap(), DigestEvery::Weekly);
    let glass = store.due_searches(i64::MAX, 10).await.unwrap();
    assert!(store.search_checked(&glass[0], until + 10, Some(&notice)).await.unwrap());
    let weekly_search = NewSubscription::Search { query: "q=lamp".into(), name: String::new() };
    store.subscribe(weekly, &weekly_search).await.unwrap();
    let due = store.due_searches(i64::MAX, 10).await.unwrap();
    let theirs = due.iter().find(|s| s.user_id == weekly.0).unwrap();
    assert_eq!(theirs.name, "Saved search");
    assert!(store.search_checked(theirs, theirs.checked_until + 1, Some(&notice)).await.unwrap());
    assert_eq!(store.queue_digests("2026-12-08", 0, false).await.unwrap(), 1, "a Tuesday: the daily one");
    assert_eq!(store.queue_digests("2026-12-08", 0, false).await.unwrap(), 0, "queued once");
    assert_eq!(store.queue_digests("2026-12-07", 0, true).await.unwrap(), 2, "a Monday: both");
});
