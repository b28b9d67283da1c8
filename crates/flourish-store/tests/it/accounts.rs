//! Accounts, sessions, one-time links, throttling and work editing, on both backends.

use flourish_core::{AccountStatus, ChapterDraft, UserId, Viewer};
use flourish_store::ApiTokenStore;
use flourish_store::AuditStore;
use flourish_store::InvitationStore;
use flourish_store::LoginThrottle;
use flourish_store::MailLogStore;
use flourish_store::OneTimeLinkStore;
use flourish_store::SessionStore;
use flourish_store::SettingsStore;
use flourish_store::{
    AccountStore, AuditEntry, NewAccount, OutboxStore, StoreError, TokenPurpose, WorkEditing, WorkStore,
};
use flourish_testkit::{fixtures, parity_test};

fn new_account<'a>(username: &'a str, email: &'a str) -> NewAccount<'a> {
    NewAccount {
        username,
        email,
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA",
        confirmed: false,
        is_admin: false,
        invitation: None,
    }
}

fn fields(e: StoreError) -> Vec<String> {
    match e {
        StoreError::Invalid(errors) => errors.0.into_iter().map(|f| f.field).collect(),
        other => panic!("expected a field error, got {other:?}"),
    }
}

parity_test!(sign_up_refuses_taken_names_and_emails_on_their_fields, |store| {
    let (account, pseud) = store.register(&new_account("draco_m", "draco@example.org")).await.unwrap();
    assert!(pseud.is_default);
    assert_eq!(pseud.user_id, account.id);
    let found = store.account_by_login("DRACO@example.org").await.unwrap().expect("by email");
    assert_eq!(found.id, account.id);
    assert_eq!(store.account_by_login("Draco_M").await.unwrap().unwrap().id, account.id);
    assert!(!found.confirmed);

    let e = store.register(&new_account("DRACO_M", "other@example.org")).await.unwrap_err();
    assert_eq!(fields(e), ["username"]);
    let e = store.register(&new_account("harry", "Draco@Example.org")).await.unwrap_err();
    assert_eq!(fields(e), ["email"]);
    let e = store.register(&new_account("harry", "not an email")).await.unwrap_err();
    assert_eq!(fields(e), ["email"]);
    assert_eq!(store.accounts("", 1, 10).await.unwrap().total, 1, "nothing half-saved");
});

parity_test!(invitations_are_used_once_and_only_with_the_account, |store| {
    store.create_invitation("CODE-1", None, None).await.unwrap();
    let mut new = new_account("pansy", "pansy@example.org");
    new.invitation = Some("CODE-1");
    assert!(store.invitation_usable("CODE-1").await.unwrap());
    store.register(&new).await.unwrap();
    assert!(!store.invitation_usable("CODE-1").await.unwrap());
    let mut again = new_account("blaise", "blaise@example.org");
    again.invitation = Some("CODE-1");
    assert_eq!(fields(store.register(&again).await.unwrap_err()), ["invitation"]);
    // A sign-up that fails on its username keeps the invitation for the next try.
    store.create_invitation("CODE-2", None, None).await.unwrap();
    let mut taken = new_account("pansy", "p2@example.org");
    taken.invitation = Some("CODE-2");
    assert_eq!(fields(store.register(&taken).await.unwrap_err()), ["username"]);
    assert!(store.invitation_usable("CODE-2").await.unwrap());
    let listed = store.invitations(10).await.unwrap();
    assert_eq!(listed.iter().find(|i| i.code == "CODE-1").unwrap().used_by.as_deref(), Some("pansy"));
});

parity_test!(sessions_expire_end_and_end_with_a_new_password, |store| {
    let (account, _) = store.register(&new_account("harry", "harry@example.org")).await.unwrap();
    let later = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
    store.create_session("hash-a", account.id, later, false).await.unwrap();
    store.create_session("hash-b", account.id, later, true).await.unwrap();
    store.create_session("hash-old", account.id, 1, false).await.unwrap();
    assert_eq!(store.session("hash-a").await.unwrap().unwrap().account.username, "harry");
    assert!(store.session("hash-b").await.unwrap().unwrap().remember);
    assert!(store.session("hash-old").await.unwrap().is_none(), "expired");
    assert!(store.session("nope").await.unwrap().is_none());
    store.end_session("hash-a").await.unwrap();
    assert!(store.session("hash-a").await.unwrap().is_none());
    store.set_password(account.id, "$argon2id$new").await.unwrap();
    assert!(store.session("hash-b").await.unwrap().is_none(), "a new password ends every session");
    assert_eq!(store.account(account.id).await.unwrap().unwrap().password_hash.as_deref(), Some("$argon2id$new"));
    store.create_session("hash-c", account.id, later, false).await.unwrap();
    store.set_status(account.id, AccountStatus::Banned).await.unwrap();
    assert!(store.session("hash-c").await.unwrap().is_none(), "a ban ends every session");
});

parity_test!(one_time_links_work_once_and_not_after_expiry, |store| {
    let (account, _) = store.register(&new_account("harry", "harry@example.org")).await.unwrap();
    let later = time::OffsetDateTime::now_utc().unix_timestamp() + 3600;
    store.create_token("t1", TokenPurpose::ResetPassword, Some(account.id), later).await.unwrap();
    store.create_token("t2", TokenPurpose::ResetPassword, Some(account.id), 1).await.unwrap();
    assert_eq!(store.check_token("t1", TokenPurpose::ConfirmEmail).await.unwrap(), None, "wrong purpose");
    assert_eq!(store.check_token("t1", TokenPurpose::ResetPassword).await.unwrap(), Some(Some(account.id)));
    assert_eq!(store.use_token("t1", TokenPurpose::ResetPassword).await.unwrap(), Some(Some(account.id)));
    assert_eq!(store.use_token("t1", TokenPurpose::ResetPassword).await.unwrap(), None, "reused");
    assert_eq!(store.use_token("t2", TokenPurpose::ResetPassword).await.unwrap(), None, "expired");
    store.create_token("s", TokenPurpose::Setup, None, later).await.unwrap();
    assert_eq!(store.use_token("s", TokenPurpose::Setup).await.unwrap(), Some(None));
});

parity_test!(login_failures_are_counted_per_key_within_the_window, |store| {
    let keys = vec!["addr:10.0.0.1".to_owned(), "user:harry".to_owned()];
    for _ in 0..3 {
        store.record_login_failure(&keys).await.unwrap();
    }
    store.record_login_failure(&keys[..1]).await.unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    assert_eq!(store.login_failures(&keys, now - 20).await.unwrap(), [4, 3]);
    assert_eq!(store.login_failures(&keys, now + 1).await.unwrap(), [0, 0]);
    store.clear_login_failures("user:harry").await.unwrap();
    assert_eq!(store.login_failures(&keys, now - 20).await.unwrap(), [4, 0]);
});

parity_test!(audit_settings_mail_and_requests_are_kept, |store| {
    store
        .audit(&AuditEntry {
            actor: "admin".into(),
            action: "work_hidden".into(),
            target: "work 1".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let log = store.audit_log(1, 10).await.unwrap();
    assert_eq!((log.total, log.items[0].action.as_str()), (1, "work_hidden"));
    store.set_setting("signup_mode", "open").await.unwrap();
    store.set_setting("signup_mode", "closed").await.unwrap();
    assert_eq!(store.settings().await.unwrap(), [("signup_mode".to_owned(), "closed".to_owned())]);
    store.log_mail("a@example.org", "Confirm", "http://x/confirm/abc", false).await.unwrap();
    assert_eq!(store.mail_log(5).await.unwrap()[0].body, "http://x/confirm/abc");
    store.request_invitation("fan@example.org", "I write drabbles").await.unwrap();
    assert_eq!(fields(store.request_invitation("FAN@example.org", "").await.unwrap_err()), ["email"]);
    let pending = store.pending_requests().await.unwrap();
    assert_eq!(pending.len(), 1);
    assert!(store.resolve_request(pending[0].id, "invited").await.unwrap().is_some());
    assert!(store.resolve_request(pending[0].id, "invited").await.unwrap().is_none(), "only once");
    assert!(store.pending_requests().await.unwrap().is_empty());
});

parity_test!(editing_a_work_follows_into_counts_versions_and_the_outbox, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("First Title", &pseud);
    draft.complete = false;
    draft.expected_chapters = None;
    draft.chapters.push(fixtures::chapter("Two", "Two more words."));
    draft.chapters.push(fixtures::chapter("Three", "Three words here, really."));
    let id = store.create_work(&draft).await.unwrap();
    let before = store.work_for_editing(id).await.unwrap().unwrap();
    let head = store.outbox_head().await.unwrap();

    draft.title = "Second Title".into();
    draft.freeforms = vec!["Angst".into()];
    store.update_work(id, &draft).await.unwrap();
    let work = store.work_for_editing(id).await.unwrap().unwrap();
    assert_eq!(work.title, "Second Title");
    assert!(work.tags.0.iter().any(|t| t.name == "Angst"));
    assert!(work.version > before.version);
    assert_eq!(store.creator_accounts(id).await.unwrap(), [pseud.user_id]);

    let chapters = store.chapters_for_editing(id).await.unwrap();
    store
        .update_chapter(
            id,
            chapters[1].id,
            &ChapterDraft { content: "<p>Now it has five words.</p>".into(), ..Default::default() },
        )
        .await
        .unwrap();
    store.delete_chapter(id, chapters[0].id).await.unwrap();
    store.reorder_chapters(id, &[chapters[2].id, chapters[1].id]).await.unwrap();
    let after = store.chapters_for_editing(id).await.unwrap();
    assert_eq!(
        after.iter().map(|c| (c.id, c.position)).collect::<Vec<_>>(),
        [(chapters[2].id, 1), (chapters[1].id, 2)]
    );
    let work = store.work_for_editing(id).await.unwrap().unwrap();
    assert_eq!(work.chapter_count, 2);
    assert_eq!(work.word_count, after.iter().map(|c| c.word_count).sum::<u64>());
    assert_eq!(after[1].word_count, 5);
    let e = store.reorder_chapters(id, &[chapters[2].id]).await.unwrap_err();
    assert_eq!(fields(e), ["order"]);
    store.delete_chapter(id, chapters[2].id).await.unwrap();
    assert!(
        matches!(store.delete_chapter(id, chapters[1].id).await, Err(StoreError::Conflict(_))),
        "last chapter stays"
    );
    let entries = store.outbox_after(head, 100).await.unwrap();
    assert_eq!(entries.len(), 5, "every successful edit reaches the outbox: {entries:?}");

    store.set_hidden(id, true).await.unwrap();
    assert!(store.work(id, Viewer::Member(pseud.user_id)).await.unwrap().is_none(), "hidden from listings");
    assert!(store.work_for_editing(id).await.unwrap().unwrap().hidden);
    store.set_hidden(id, false).await.unwrap();
    assert!(store.work(id, Viewer::Guest).await.unwrap().is_some());
    store.delete_work(id).await.unwrap();
    assert!(store.work_for_editing(id).await.unwrap().is_none());
    assert!(matches!(store.delete_work(id).await, Err(StoreError::NotFound(_))));
});

parity_test!(drafts_post_later_and_co_creators_join_only_by_consent, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let (friend, friend_pseud) = store.create_user("inkpot").await.unwrap();
    let mut draft = fixtures::work("Draft", &pseud);
    draft.posted = false;
    let id = store.create_work(&draft).await.unwrap();
    assert!(store.work(id, Viewer::Guest).await.unwrap().is_none());
    assert_eq!(store.works_of_user(pseud.user_id, 1, 20).await.unwrap().total, 1, "drafts are on the dashboard");
    store.post_work(id).await.unwrap();
    let work = store.work(id, Viewer::Guest).await.unwrap().expect("posted");
    assert_eq!(work.chapter_count, 1);

    store.invite_creator(id, friend_pseud.id, pseud.user_id).await.unwrap();
    assert_eq!(store.creator_accounts(id).await.unwrap(), [pseud.user_id], "not before consent");
    let invitations = store.creator_invitations(friend.id).await.unwrap();
    assert_eq!(invitations.len(), 1);
    assert_eq!(invitations[0].invited_by, "quillwright");
    assert!(store.answer_creator_invitation(id, friend.id, true).await.unwrap());
    assert!(!store.answer_creator_invitation(id, friend.id, true).await.unwrap(), "answered once");
    let mut creators = store.creator_accounts(id).await.unwrap();
    creators.sort();
    assert_eq!(creators, [pseud.user_id, friend.id]);
    let second = store.add_pseud(pseud.user_id, "Quill Second").await.unwrap();
    store.set_default_pseud(pseud.user_id, second.id).await.unwrap();
    let defaults: Vec<bool> = store.pseuds_of(pseud.user_id).await.unwrap().iter().map(|p| p.is_default).collect();
    assert_eq!(defaults, [true, false], "one default, listed first");
    assert!(matches!(store.set_default_pseud(friend.id, second.id).await, Err(StoreError::NotFound(_))), "not theirs");
    store.invite_creator(id, second.id, pseud.user_id).await.unwrap();
    assert_eq!(store.work(id, Viewer::Guest).await.unwrap().unwrap().creators.len(), 3, "own pseuds join at once");
});

parity_test!(deleting_an_account_orphans_or_deletes_its_works, |store| {
    let keep = fixtures::writer(store, "keeper").await;
    let gone = fixtures::writer(store, "leaver").await;
    let kept = store.create_work(&fixtures::work("Kept", &keep)).await.unwrap();
    let orphaned = store.create_work(&fixtures::work("Orphaned", &gone)).await.unwrap();
    store.delete_account(gone.user_id, true).await.unwrap();
    let work = store.work(orphaned, Viewer::Guest).await.unwrap().expect("still there");
    assert_eq!(work.creators.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["orphan_account"]);
    assert!(store.user_by_name("leaver").await.unwrap().is_none());

    let stayer = fixtures::writer(store, "stayer").await;
    let mut shared = fixtures::work("Shared", &keep);
    shared.creators.push(stayer.id);
    let shared = store.create_work(&shared).await.unwrap();
    store.delete_account(keep.user_id, false).await.unwrap();
    assert!(store.work(kept, Viewer::Guest).await.unwrap().is_none(), "deleted with its creator");
    let shared = store.work(shared, Viewer::Guest).await.unwrap().expect("a shared work stays");
    assert_eq!(shared.creators.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["stayer"]);
    assert!(matches!(store.delete_account(UserId(9999), false).await, Err(StoreError::NotFound(_))));
});

parity_test!(api_tokens_name_their_account_until_revoked, |store| {
    let (account, _) = store.register(&new_account("scripter", "s@example.org")).await.unwrap();
    let (other, _) = store.register(&new_account("other", "o@example.org")).await.unwrap();
    let id = store.create_api_token(account.id, "my script", "hash-1").await.unwrap();
    assert_eq!(fields(store.create_api_token(account.id, "  ", "hash-2").await.unwrap_err()), ["name"]);
    assert_eq!(store.account_by_api_token("hash-1").await.unwrap().unwrap().id, account.id);
    assert!(store.account_by_api_token("nope").await.unwrap().is_none());
    let listed = store.api_tokens(account.id).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].last_used_at.is_some(), "use is recorded");
    assert!(!store.revoke_api_token(other.id, id).await.unwrap(), "only its owner revokes it");
    assert!(store.revoke_api_token(account.id, id).await.unwrap());
    assert!(store.account_by_api_token("hash-1").await.unwrap().is_none());
});
