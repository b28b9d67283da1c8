//! Kudos, comments, blocks, notifications and the job queue, on both backends.

use flourish_core::{
    AccountStatus, Channel, CommentId, CommentPolicy, CommentState, Commenter, NewComment, NotificationKind, Pseud,
    TextFormat, Viewer, WorkId,
};
use flourish_store::conversation::jobs::MAIL_NOTIFICATION;
use flourish_store::{
    AccountStore, BlockStore, CommentOrder, CommentReader, CommentStore, InboxFilter, JobStore, KudosGiver, KudosStore,
    NewReport, NotificationStore, OutboxStore, QueueFilter, ReportStore, Store, StoreError, WorkEditing, WorkStore,
};
use flourish_testkit::{fixtures, parity_test};

async fn posted(store: &Store, title: &str, by: &Pseud, policy: CommentPolicy, moderated: bool) -> WorkId {
    let mut draft = fixtures::work(title, by);
    draft.comment_policy = policy;
    draft.moderated = moderated;
    store.create_work(&draft).await.unwrap()
}

fn say(work: WorkId, by: &Pseud, text: &str) -> NewComment {
    NewComment {
        work,
        chapter: None,
        parent: None,
        content: text.to_owned(),
        format: TextFormat::Plain,
        by: Commenter::Member { user: by.user_id, pseud: Some(by.id) },
    }
}

fn reply(to: CommentId, mut new: NewComment) -> NewComment {
    new.parent = Some(to);
    new
}

fn guest(work: WorkId, text: &str) -> NewComment {
    NewComment {
        work,
        chapter: None,
        parent: None,
        content: text.to_owned(),
        format: TextFormat::Plain,
        by: Commenter::Guest { name: "Moony".into(), email: "moony@example.org".into(), address_key: "k1".into() },
    }
}

fn reader(p: &Pseud) -> CommentReader {
    CommentReader { user: Some(p.user_id) }
}

async fn work_stats(store: &Store, id: WorkId) -> (u64, u64) {
    let w = store.work(id, Viewer::Member(flourish_core::UserId(1))).await.unwrap().unwrap();
    (w.stats.kudos, w.stats.comments)
}

parity_test!(kudos_once_each_never_from_creators_guests_keyed, |store| {
    let author = fixtures::writer(store, "neville").await;
    let reader = fixtures::writer(store, "luna").await;
    let work = posted(store, "Greenhouse Three", &author, CommentPolicy::Members, false).await;
    let head = store.outbox_head().await.unwrap();
    store.give_kudos(work, &KudosGiver::Member(reader.user_id)).await.unwrap();
    assert!(store.outbox_head().await.unwrap() > head, "kudos reach the outbox");
    match store.give_kudos(work, &KudosGiver::Member(reader.user_id)).await {
        Err(StoreError::Conflict(m)) => assert!(m.contains("already"), "{m}"),
        other => panic!("a second press is a conflict, got {other:?}"),
    }
    assert!(matches!(store.give_kudos(work, &KudosGiver::Member(author.user_id)).await, Err(StoreError::Forbidden(_))));
    store.give_kudos(work, &KudosGiver::Guest("guest-a".into())).await.unwrap();
    assert!(matches!(store.give_kudos(work, &KudosGiver::Guest("guest-a".into())).await, Err(StoreError::Conflict(_))));
    store.give_kudos(work, &KudosGiver::Guest("guest-b".into())).await.unwrap();
    let list = store.kudos_list(work, 0, 50).await.unwrap();
    let stats = store.work(work, Viewer::Guest).await.unwrap().unwrap().stats;
    assert_eq!((stats.kudos, stats.guest_kudos, list.names.clone()), (3, 2, vec!["luna".to_owned()]));
    assert_eq!(work_stats(store, work).await.0, 3);
    assert!(store.has_given_kudos(work, reader.user_id).await.unwrap());
    assert!(!store.has_given_kudos(work, author.user_id).await.unwrap());

    // Members-only works take no guest kudos; suspended accounts leave none.
    let mut draft = fixtures::work("Members Only", &author);
    draft.restricted = true;
    let restricted = store.create_work(&draft).await.unwrap();
    assert!(matches!(store.give_kudos(restricted, &KudosGiver::Guest("g".into())).await, Err(StoreError::NotFound(_))));
    store.set_status(reader.user_id, AccountStatus::Suspended).await.unwrap();
    assert!(matches!(
        store.give_kudos(restricted, &KudosGiver::Member(reader.user_id)).await,
        Err(StoreError::Forbidden(_))
    ));
    let stats = store.work(restricted, Viewer::Member(author.user_id)).await.unwrap().unwrap().stats;
    assert_eq!(stats.kudos, 0, "nothing written");
    assert!(store.kudos_list(restricted, 0, 50).await.unwrap().names.is_empty());
});

parity_test!(comments_thread_count_and_notify, |store| {
    let author = fixtures::writer(store, "neville").await;
    let luna = fixtures::writer(store, "luna").await;
    let ginny = fixtures::writer(store, "ginny").await;
    let work = posted(store, "Greenhouse Three", &author, CommentPolicy::Members, false).await;
    let top = store.add_comment(&say(work, &luna, "The mandrakes! I cried.")).await.unwrap();
    assert_eq!((top.depth, top.thread_id, top.state), (1, top.id, CommentState::Published));
    let chapter = store.chapter_index(work, Viewer::Guest).await.unwrap()[0].id;
    assert_eq!(top.chapter_id, chapter, "a comment on the work goes to its last chapter");
    let second = store.add_comment(&reply(top.id, say(work, &ginny, "Same. The lantern line."))).await.unwrap();
    let third = store.add_comment(&reply(second.id, say(work, &author, "Thank you both!"))).await.unwrap();
    assert_eq!((second.depth, third.depth, third.thread_id), (2, 3, top.id));
    assert_eq!(work_stats(store, work).await.1, 3);

    let page = store.chapter_comments(chapter, CommentReader::default(), CommentOrder::Oldest, 1).await.unwrap();
    assert_eq!((page.total, page.roots.clone(), page.comments.len()), (1, vec![top.id], 3));

    // Notices: the creator hears of comments; a comment's writer of replies to it.
    let inbox = |p: &Pseud| store.notifications(p.user_id, InboxFilter::default(), 1, 50);
    let kinds = |items: Vec<flourish_core::Notification>| items.into_iter().map(|n| n.kind).collect::<Vec<_>>();
    assert_eq!(kinds(inbox(&author).await.unwrap().items), [NotificationKind::Comment, NotificationKind::Comment]);
    assert_eq!(kinds(inbox(&luna).await.unwrap().items), [NotificationKind::Reply]);
    assert_eq!(kinds(inbox(&ginny).await.unwrap().items), [NotificationKind::Reply]);
    assert_eq!(store.account(author.user_id).await.unwrap().unwrap().unread_notifications, 2);
    // Comments and replies are emailed by default: one mail job each, queued with them.
    let jobs = store.jobs(None, 50).await.unwrap();
    assert_eq!(jobs.iter().filter(|j| j.kind == MAIL_NOTIFICATION).count(), 4);
    assert_eq!(store.mark_notifications(author.user_id, None, true).await.unwrap(), 2);
    assert_eq!(store.account(author.user_id).await.unwrap().unwrap().unread_notifications, 0);

    // Edits until someone replies; deleting a comment with replies leaves a placeholder.
    assert!(matches!(
        store.edit_comment(top.id, luna.user_id, "changed", TextFormat::Plain).await,
        Err(StoreError::Conflict(_))
    ));
    let edited = store.edit_comment(third.id, author.user_id, "Thank you, truly!", TextFormat::Plain).await.unwrap();
    assert!(edited.content.contains("truly") && edited.edited_at.is_some());
    assert!(matches!(
        store.edit_comment(third.id, luna.user_id, "hijack", TextFormat::Plain).await,
        Err(StoreError::Forbidden(_))
    ));
    store.delete_comment(top.id, luna.user_id).await.unwrap();
    let placeholder = store.comment(top.id, CommentReader::default()).await.unwrap().unwrap();
    assert!(placeholder.deleted && placeholder.content.is_empty());
    assert_eq!(work_stats(store, work).await.1, 2, "counts only what readers can see");
    assert!(matches!(
        store.add_comment(&reply(top.id, say(work, &ginny, "Reply to nothing"))).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_comment(&reply(CommentId(999_999), say(work, &ginny, "Reply to no one"))).await,
        Err(StoreError::NotFound(_))
    ));
    // The creator deletes any comment on their work; a leaf goes entirely.
    store.delete_comment(third.id, author.user_id).await.unwrap();
    assert!(store.comment(third.id, CommentReader::default()).await.unwrap().is_none());
    assert_eq!(work_stats(store, work).await.1, 1);
});

parity_test!(who_may_comment_and_bad_text_write_nothing, |store| {
    let author = fixtures::writer(store, "neville").await;
    let luna = fixtures::writer(store, "luna").await;
    let members = posted(store, "Members Comment", &author, CommentPolicy::Members, false).await;
    let closed = posted(store, "Closed", &author, CommentPolicy::NoOne, false).await;
    let open = posted(store, "Open", &author, CommentPolicy::Everyone, false).await;
    assert!(matches!(store.add_comment(&guest(members, "hello")).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(store.add_comment(&say(closed, &luna, "hello")).await, Err(StoreError::Forbidden(_))));
    let by_guest = store.add_comment(&guest(open, "Lovely.")).await.unwrap();
    assert_eq!((by_guest.author.name.as_str(), by_guest.author.user), ("Moony", None));
    let mut no_email = guest(open, "Lovely too.");
    no_email.by = Commenter::Guest { name: "Moony".into(), email: "nope".into(), address_key: "k1".into() };
    assert!(matches!(store.add_comment(&no_email).await, Err(StoreError::Invalid(_))));
    for bad in ["", "   ", &"x".repeat(10_001)] {
        assert!(matches!(store.add_comment(&say(open, &luna, bad)).await, Err(StoreError::Invalid(_))), "{bad:.10}");
    }
    store.add_comment(&say(open, &luna, "Once only.")).await.unwrap();
    match store.add_comment(&say(open, &luna, "once   ONLY.")).await {
        Err(StoreError::Invalid(e)) => assert_eq!(e.0[0].field, "content"),
        other => panic!("the same text twice is refused, got {other:?}"),
    }
    assert_eq!(work_stats(store, open).await.1, 2, "refusals wrote nothing");
    // Links are marked as user content, and script never survives.
    let mut html = say(
        open,
        &fixtures::writer(store, "ginny").await,
        "<a href=\"https://example.org\">x</a><script>alert(1)</script>",
    );
    html.format = TextFormat::Html;
    let c = store.add_comment(&html).await.unwrap();
    assert!(c.content.contains("rel=\"nofollow ugc\"") && !c.content.contains("script"), "{}", c.content);
    // A draft takes no comments.
    let mut draft = fixtures::work("Draft", &author);
    draft.posted = false;
    let draft = store.create_work(&draft).await.unwrap();
    assert!(matches!(store.add_comment(&say(draft, &luna, "early")).await, Err(StoreError::NotFound(_))));
});

parity_test!(moderated_works_hold_comments_for_the_creator, |store| {
    let author = fixtures::writer(store, "neville").await;
    let luna = fixtures::writer(store, "luna").await;
    let work = posted(store, "Moderated", &author, CommentPolicy::Members, true).await;
    let held = store.add_comment(&say(work, &luna, "Waiting my turn.")).await.unwrap();
    assert_eq!(held.state, CommentState::Held);
    assert_eq!(work_stats(store, work).await.1, 0);
    let chapter = held.chapter_id;
    let others = store.chapter_comments(chapter, CommentReader::default(), CommentOrder::Oldest, 1).await.unwrap();
    assert_eq!(others.total, 0, "held comments are the creator's to see");
    let creator = store.chapter_comments(chapter, reader(&author), CommentOrder::Oldest, 1).await.unwrap();
    assert_eq!((creator.total, creator.held), (1, 1));
    let notices = store.notifications(author.user_id, InboxFilter::default(), 1, 10).await.unwrap();
    assert_eq!(notices.items[0].kind, NotificationKind::Held);
    assert!(matches!(store.approve_comments(work, None, luna.user_id).await, Err(StoreError::Forbidden(_))));
    assert_eq!(store.approve_comments(work, None, author.user_id).await.unwrap(), 1);
    assert_eq!(work_stats(store, work).await.1, 1);
    // A frozen thread takes no replies.
    store.freeze_thread(held.id, true, author.user_id).await.unwrap();
    assert!(matches!(
        store.add_comment(&reply(held.id, say(work, &author, "Thanks"))).await,
        Err(StoreError::Forbidden(_))
    ));
});

parity_test!(blocks_keep_an_account_away_silently, |store| {
    let author = fixtures::writer(store, "neville").await;
    let troll = fixtures::writer(store, "troll").await;
    let luna = fixtures::writer(store, "luna").await;
    let work = posted(store, "Greenhouse", &author, CommentPolicy::Members, false).await;
    let luna_says = store.add_comment(&say(work, &luna, "Lovely.")).await.unwrap();
    store.block(author.user_id, troll.user_id).await.unwrap();
    store.block(luna.user_id, troll.user_id).await.unwrap();
    assert!(matches!(store.add_comment(&say(work, &troll, "boo")).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(store.give_kudos(work, &KudosGiver::Member(troll.user_id)).await, Err(StoreError::Forbidden(_))));
    let elsewhere =
        posted(store, "Elsewhere", &fixtures::writer(store, "hannah").await, CommentPolicy::Members, false).await;
    assert!(store.add_comment(&say(elsewhere, &troll, "hi")).await.is_ok(), "a block covers the blocker's works only");
    assert!(matches!(
        store.add_comment(&reply(luna_says.id, say(work, &troll, "boo"))).await,
        Err(StoreError::Forbidden(_))
    ));
    // The troll cannot name the blocker as a co-creator of their own work.
    let trolls_work = posted(store, "Troll's", &troll, CommentPolicy::Members, false).await;
    assert!(matches!(store.invite_creator(trolls_work, author.id, troll.user_id).await, Err(StoreError::Forbidden(_))));
    assert!(matches!(store.block(author.user_id, author.user_id).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.blocked_accounts(author.user_id).await.unwrap()[0].username, "troll");
    store.unblock(author.user_id, troll.user_id).await.unwrap();
    store.give_kudos(work, &KudosGiver::Member(troll.user_id)).await.unwrap();
    // Nothing told the troll's inbox about any of it.
    assert!(store.notifications(troll.user_id, InboxFilter::default(), 1, 10).await.unwrap().items.is_empty());
});

parity_test!(new_accounts_are_limited_and_preferences_route_notices, |store| {
    let author = fixtures::writer(store, "neville").await;
    let fresh = fixtures::writer(store, "fresh").await;
    let work = posted(store, "Open", &author, CommentPolicy::Members, false).await;
    for i in 0..3 {
        store.add_comment(&say(work, &fresh, &format!("Comment number {i}"))).await.unwrap();
    }
    match store.add_comment(&say(work, &fresh, "One too many")).await {
        Err(StoreError::RateLimited { retry_after, .. }) => assert!(retry_after > 0 && retry_after <= 900),
        other => panic!("a fourth comment in 15 minutes from a new account is refused, got {other:?}"),
    }
    // Off: nothing in the inbox, no mail.
    store.set_notification_pref(author.user_id, NotificationKind::Comment, Channel::Off).await.unwrap();
    let before = store.notifications(author.user_id, InboxFilter::default(), 1, 50).await.unwrap().total;
    let luna = fixtures::writer(store, "luna").await;
    store.add_comment(&say(work, &luna, "Quietly")).await.unwrap();
    assert_eq!(store.notifications(author.user_id, InboxFilter::default(), 1, 50).await.unwrap().total, before);
    let prefs = store.notification_prefs(author.user_id).await.unwrap();
    assert!(prefs.contains(&(NotificationKind::Comment, Channel::Off)));
    assert!(prefs.contains(&(NotificationKind::Kudos, Channel::Digest)));
});

parity_test!(jobs_are_leased_retried_and_finished_once, |store| {
    assert!(store.enqueue("test", "key-1", "{}", 0).await.unwrap());
    assert!(!store.enqueue("test", "key-1", "{}", 0).await.unwrap(), "one job per key");
    let job = store.claim_job(60).await.unwrap().expect("due");
    assert_eq!((job.kind.as_str(), job.attempts), ("test", 1));
    assert!(store.claim_job(60).await.unwrap().is_none(), "leased");
    // A lease that ran out (its node died) is taken again.
    store.fail_job(job.id, "boom", Some(-1)).await.unwrap();
    let again = store.claim_job(-1).await.unwrap().expect("retried");
    assert_eq!((again.id, again.attempts), (job.id, 2));
    let stolen = store.claim_job(60).await.unwrap().expect("lease expired");
    assert_eq!(stolen.id, job.id);
    store.finish_job(job.id).await.unwrap();
    assert!(store.claim_job(60).await.unwrap().is_none());
    assert_eq!(store.pending_jobs().await.unwrap(), 0);
    store.enqueue("test", "key-2", "{}", 0).await.unwrap();
    let j = store.claim_job(60).await.unwrap().unwrap();
    store.fail_job(j.id, "never", None).await.unwrap();
    assert_eq!(store.jobs(Some("dead"), 10).await.unwrap().len(), 1);
    store.retry_job(j.id).await.unwrap();
    assert_eq!(store.claim_job(60).await.unwrap().unwrap().id, j.id);
});

parity_test!(kudos_are_summed_up_daily_per_creator, |store| {
    let author = fixtures::writer(store, "neville").await;
    let a = posted(store, "One", &author, CommentPolicy::Members, false).await;
    let b = posted(store, "Two", &author, CommentPolicy::Members, false).await;
    for key in ["g1", "g2"] {
        store.give_kudos(a, &KudosGiver::Guest(key.into())).await.unwrap();
    }
    store.give_kudos(b, &KudosGiver::Guest("g1".into())).await.unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(store.summarize_kudos(now - 3600, now + 1).await.unwrap(), 1, "one notice per creator");
    let inbox = store.notifications(author.user_id, InboxFilter::default(), 1, 10).await.unwrap();
    let n = &inbox.items[0];
    assert_eq!(n.kind, NotificationKind::Kudos);
    assert!(n.title.contains('3') && n.body.contains("One: 2") && n.body.contains("Two: 1"), "{n:?}");
    // Kudos go to the digest by default.
    assert_eq!(store.digest_recipients().await.unwrap(), [author.user_id]);
    let (entries, _) = store.digest(author.user_id).await.unwrap();
    store.digest_sent(author.user_id, entries.last().unwrap().id).await.unwrap();
    assert!(store.digest_recipients().await.unwrap().is_empty());
});

parity_test!(deleting_a_chapter_takes_its_comments_out_of_the_count, |store| {
    let author = fixtures::writer(store, "neville").await;
    let luna = fixtures::writer(store, "luna").await;
    let work = posted(store, "Two chapters", &author, CommentPolicy::Members, false).await;
    let second = store.add_chapter(work, &fixtures::chapter("Two", "More mandrakes.")).await.unwrap();
    let mut on_first = say(work, &luna, "On the first");
    on_first.chapter = Some(store.chapter_index(work, Viewer::Guest).await.unwrap()[0].id);
    store.add_comment(&on_first).await.unwrap();
    store.add_comment(&say(work, &luna, "On the second")).await.unwrap();
    assert_eq!(work_stats(store, work).await.1, 2);
    store.delete_chapter(work, second.id).await.unwrap();
    assert_eq!(work_stats(store, work).await.1, 1);
});

parity_test!(moderation_and_co_creator_events_reach_the_inbox, |store| {
    let author = fixtures::writer(store, "neville").await;
    let luna = fixtures::writer(store, "luna").await;
    let work = posted(store, "Greenhouse", &author, CommentPolicy::Members, false).await;
    let said = store.add_comment(&say(work, &luna, "A fair comment.")).await.unwrap();
    let admin = store.account(author.user_id).await.unwrap().unwrap();
    assert!(!admin.is_admin);
    assert!(matches!(store.hide_comment(said.id, true, author.user_id).await, Err(StoreError::Forbidden(_))));
    let kinds = |user| async move {
        store
            .notifications(user, InboxFilter::default(), 1, 50)
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|n| n.kind)
            .collect::<Vec<_>>()
    };
    assert!(!kinds(luna.user_id).await.contains(&NotificationKind::Moderation), "nothing happened yet");
    let (minerva, _) = store
        .register(&flourish_store::NewAccount {
            username: "minerva",
            email: "minerva@example.org",
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
            confirmed: true,
            is_admin: true,
            invitation: None,
        })
        .await
        .unwrap();
    store.hide_comment(said.id, true, minerva.id).await.unwrap();
    assert!(kinds(luna.user_id).await.contains(&NotificationKind::Moderation));
    assert_eq!(work_stats(store, work).await.1, 0, "a hidden comment is not counted");
    let seen = store.comment(said.id, CommentReader::default()).await.unwrap().unwrap();
    assert!(seen.hidden && seen.content.is_empty(), "readers see a placeholder");
    let by_admin = store.comment(said.id, CommentReader { user: Some(minerva.id) }).await.unwrap().unwrap();
    assert!(by_admin.content.contains("fair comment"), "admins see what they hid");
    // An invitation to co-create is announced once, however often it is sent.
    store.invite_creator(work, luna.id, author.user_id).await.unwrap();
    store.invite_creator(work, luna.id, author.user_id).await.unwrap();
    let invites = kinds(luna.user_id).await.into_iter().filter(|k| *k == NotificationKind::CoCreator).count();
    assert_eq!(invites, 1);
});

parity_test!(reports_count_five_a_month_close_together_and_tell_the_reporters, |store| {
    use flourish_core::{ReportAction, ReportReason, ReportState, ReportTarget};
    let author = fixtures::writer(store, "neville").await;
    let work = posted(store, "Greenhouse", &author, CommentPolicy::Members, false).await;
    let target = ReportTarget::Work(work);
    let mut readers = Vec::new();
    for name in ["reader1", "reader2", "reader3", "reader4", "reader5", "reader6", "reader7"] {
        readers.push(fixtures::writer(store, name).await);
    }
    let report = |by: &Pseud, target, reason, details: &'static str| {
        let by = by.user_id;
        async move { store.file_report(&NewReport { reporter: by, target, reason, details }).await }
    };
    // Bad reports write nothing.
    assert!(matches!(report(&author, target, ReportReason::Spam, "").await, Err(StoreError::Invalid(_))), "own work");
    assert!(
        matches!(report(&readers[0], target, ReportReason::Other, "  ").await, Err(StoreError::Invalid(_))),
        "something else needs words"
    );
    let long: &'static str = Box::leak("x".repeat(2_001).into_boxed_str());
    assert!(matches!(report(&readers[0], target, ReportReason::Spam, long).await, Err(StoreError::Invalid(_))));
    let missing = ReportTarget::Work(WorkId(999_999));
    assert!(matches!(report(&readers[0], missing, ReportReason::Spam, "").await, Err(StoreError::NotFound(_))));
    let first = report(&readers[0], target, ReportReason::Spam, "An advert in chapter one.").await.unwrap();
    assert!(
        matches!(report(&readers[0], target, ReportReason::Harassment, "").await, Err(StoreError::Conflict(_))),
        "one report per reporter per target"
    );
    for r in &readers[1..] {
        report(r, target, ReportReason::Spam, "").await.unwrap();
    }
    // Seven reports, five in the queue; all seven are open on the target.
    let queue = store.report_queue(QueueFilter::Open, 1, 50).await.unwrap();
    assert_eq!(queue.total, 5, "at most five reports of one target a month are counted");
    assert!(queue.items.iter().all(|r| r.open_on_target == 7 && r.target == target));
    let shown = store.report(first).await.unwrap().unwrap();
    assert_eq!(shown.context.as_ref().unwrap().title, "Greenhouse");
    assert_eq!(shown.context.as_ref().unwrap().owners, vec![(author.user_id, "neville".to_owned())]);
    // Only staff close reports; a warning needs words; an account can't be hidden.
    assert!(matches!(
        store.close_reports(first, readers[0].user_id, ReportAction::Dismiss, "").await,
        Err(StoreError::Forbidden(_))
    ));
    store.set_moderator(readers[6].user_id, true).await.unwrap();
    let moderator = readers[6].user_id;
    assert!(matches!(
        store.close_reports(first, moderator, ReportAction::Warn, " ").await,
        Err(StoreError::Invalid(_))
    ));
    assert_eq!(store.report_queue(QueueFilter::Open, 1, 50).await.unwrap().total, 5, "nothing closed by a refusal");
    let closed =
        store.close_reports(first, moderator, ReportAction::Warn, "Please tag the advert as such.").await.unwrap();
    assert_eq!(closed, 7, "every open report of the target closes together");
    assert_eq!(store.report_queue(QueueFilter::Open, 1, 50).await.unwrap().total, 0);
    let done = store.report(first).await.unwrap().unwrap();
    assert_eq!(
        (done.state, done.outcome, done.resolved_by.as_deref()),
        (ReportState::Resolved, Some(ReportAction::Warn), Some("reader7"))
    );
    assert!(matches!(
        store.close_reports(first, moderator, ReportAction::Dismiss, "").await,
        Err(StoreError::Conflict(_))
    ));
    // Each reporter hears the outcome; the owner reads the warning; nobody learns who reported.
    for r in &readers[..6] {
        let inbox = store.notifications(r.user_id, InboxFilter::default(), 1, 50).await.unwrap().items;
        assert_eq!(inbox.iter().filter(|n| n.kind == NotificationKind::Report).count(), 1, "{}", r.name);
    }
    let warned = store.notifications(author.user_id, InboxFilter::default(), 1, 50).await.unwrap().items;
    let warning = warned.iter().find(|n| n.kind == NotificationKind::Moderation).expect("the owner is warned");
    assert_eq!(warning.body, "Please tag the advert as such.");
    assert!(warned.iter().all(|n| !n.body.contains("reader1") && !n.title.contains("reader1")));
    // A comment and an account: reportable once each, not by their owner.
    let said = store.add_comment(&say(work, &readers[0], "Buy cheap galleons here.")).await.unwrap();
    let comment = ReportTarget::Comment(said.id);
    assert!(matches!(report(&readers[0], comment, ReportReason::Spam, "").await, Err(StoreError::Invalid(_))));
    let on_comment = report(&author, comment, ReportReason::Spam, "").await.unwrap();
    let ctx = store.report(on_comment).await.unwrap().unwrap().context.unwrap();
    assert_eq!(ctx.owners.len(), 1);
    assert!(ctx.excerpt.contains("galleons"));
    let user = ReportTarget::User(readers[0].user_id);
    assert!(matches!(report(&readers[0], user, ReportReason::Harassment, "").await, Err(StoreError::Invalid(_))));
    report(&author, user, ReportReason::Harassment, "Spams my works.").await.unwrap();
    // A suspended account reports nothing; a hidden work can't be reported.
    store.set_status(readers[1].user_id, AccountStatus::Suspended).await.unwrap();
    assert!(matches!(report(&readers[1], comment, ReportReason::Spam, "").await, Err(StoreError::Forbidden(_))));
    // The report form shows another reader what any reader sees: not an account's standing.
    let form = store.reportable(author.user_id, ReportTarget::User(readers[1].user_id)).await.unwrap();
    assert_eq!((form.title.as_str(), form.excerpt.as_str()), ("reader2", ""));
    store.set_hidden(work, true).await.unwrap();
    assert!(matches!(report(&readers[2], comment, ReportReason::Spam, "").await, Err(StoreError::NotFound(_))));
    // Moderators delete a reported comment; the report then shows it as gone.
    store.delete_comment(said.id, moderator).await.unwrap();
    let gone = store.report(on_comment).await.unwrap().unwrap();
    assert!(gone.context.is_none());
    assert_eq!(store.close_reports(on_comment, moderator, ReportAction::Delete, "").await.unwrap(), 1);
    let closed = store.report_queue(QueueFilter::Closed, 1, 50).await.unwrap();
    let summary: Vec<_> = closed.items.iter().map(|r| (r.id, r.target, r.state)).collect();
    assert_eq!(closed.total, 8, "seven on the work, one on the comment: {summary:?}");
    assert_eq!(
        store.report_queue(QueueFilter::Open, 1, 50).await.unwrap().total,
        1,
        "the report of the account is open"
    );
});

parity_test!(kudos_given_at_once_share_transactions_and_keep_their_own_answers, |store| {
    let author = fixtures::writer(store, "neville").await;
    let first = posted(store, "Greenhouse One", &author, CommentPolicy::Members, false).await;
    let second = posted(store, "Greenhouse Two", &author, CommentPolicy::Members, false).await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let reader = fixtures::writer(store, &format!("reader{n}")).await;
        // Each reader twice on the first work and once on the second, all at the same time.
        for work in [first, first, second] {
            let store = store.clone();
            tasks.push(tokio::spawn(async move { store.give_kudos(work, &KudosGiver::Member(reader.user_id)).await }));
        }
    }
    let store_for_author = store.clone();
    let author_id = author.user_id;
    tasks.push(tokio::spawn(async move { store_for_author.give_kudos(first, &KudosGiver::Member(author_id)).await }));
    let (mut given, mut repeats, mut refused) = (0, 0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(total) => {
                assert!((1..=20).contains(&total), "{total}");
                given += 1;
            }
            Err(StoreError::Conflict(_)) => repeats += 1,
            Err(StoreError::Forbidden(_)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!((given, repeats, refused), (40, 20, 1), "each kudos its own answer");
    assert_eq!(work_stats(store, first).await.0, 20);
    assert_eq!(work_stats(store, second).await.0, 20);
});
