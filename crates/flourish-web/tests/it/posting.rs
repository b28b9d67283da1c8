//! Writers posting and editing through the forms, and who may do what.

use axum::http::StatusCode;
use flourish_core::{Viewer, WorkId};
use flourish_store::AuditStore;
use flourish_store::{AccountStore, SeriesStore, WorkEditing, WorkStore};
use flourish_testkit::{Browser, TestApp, fixtures};

const PASSWORD: &str = "mandrakes remember everything";

fn work_fields<'a>(title: &'a str, text: &'a str, action: &'a str, pseud: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("rating", "Teen And Up Audiences"),
        ("warnings", "No Archive Warnings Apply"),
        ("categories", "M/M"),
        ("fandoms", "Harry Potter - J. K. Rowling"),
        ("relationships", "Draco Malfoy/Harry Potter"),
        ("characters", "Draco Malfoy, Harry Potter，Pansy Parkinson"),
        ("freeforms", "Diagon Alley, Flashbacks"),
        ("language", "en"),
        ("pseuds", pseud),
        ("complete", "1"),
        ("expected_chapters", "1"),
        ("summary", "Draco remembers a boy in a shop."),
        ("text_format", "html"),
        ("chapter_count", "1"),
        ("chapters[0].title", "Diagon Alley"),
        ("chapters[0].content", text),
        ("action", action),
    ]
}

async fn default_pseud(app: &TestApp, username: &str) -> String {
    let account = app.store().account_by_login(username).await.unwrap().unwrap();
    app.store().pseuds_of(account.id).await.unwrap()[0].id.to_string()
}

fn created_id(location: Option<&str>) -> WorkId {
    let path = location.expect("a redirect");
    path.trim_start_matches("/works/").split('/').next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_work_is_posted_with_tags_previewed_edited_and_deleted() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("draco_m", PASSWORD).await;
    let pseud = default_pseud(&app, "draco_m").await;
    assert_eq!(writer.get("/works/new").await.status, StatusCode::OK);

    // Missing fandom, rating and warning: each named on its field, nothing stored.
    let mut missing = work_fields("Florish", "I saw him first.", "post", &pseud);
    missing.retain(|(k, _)| !matches!(*k, "fandoms" | "rating" | "warnings"));
    let r = writer.post("/works/new", &missing).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in ["Choose a rating.", "Choose at least one archive warning.", "Fandom can&#39;t be blank."] {
        assert!(r.body.contains(message), "{message}: {}", r.body);
    }
    assert!(r.body.contains("value=\"Florish\""), "what was typed is kept");
    assert_eq!(
        app.store()
            .works_of_user(app.store().account_by_login("draco_m").await.unwrap().unwrap().id, 1, 10)
            .await
            .unwrap()
            .total,
        0
    );

    // A preview is a draft: the creator sees it, nobody else does.
    let text = "I saw him first, in the robe shop.\n\nHe had <em>green</em> eyes.<script>alert(1)</script>";
    let r = writer.post("/works/new", &work_fields("The Little Boy", text, "preview", &pseud)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = created_id(r.header("location"));
    assert!(r.header("location").unwrap().ends_with("/preview"));
    let preview = writer.get(&format!("/works/{id}/preview")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("preview of a draft"));
    assert!(preview.body.contains("<p>He had <em>green</em> eyes.</p>"), "{}", preview.body);
    assert!(!preview.body.contains("alert(1)"), "sanitized");
    assert_eq!(app.get(&format!("/works/{id}")).await.status, StatusCode::NOT_FOUND, "guests don't see drafts");
    let other = app.logged_in("harry", PASSWORD).await;
    assert_eq!(other.get(&format!("/works/{id}/preview")).await.status, StatusCode::NOT_FOUND);

    assert_eq!(writer.post(&format!("/works/{id}/post"), &[]).await.status, StatusCode::SEE_OTHER);
    let page = app.get(&format!("/works/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Pansy Parkinson"), "full-width commas separate tags");
    assert!(page.body.contains("Diagon Alley"));
    let before = app.store().work(id, Viewer::Guest).await.unwrap().unwrap();

    // A second chapter, then an edit to it: counts and dates follow.
    let r = writer
        .post(
            &format!("/works/{id}/chapters/new"),
            &[
                ("chapters[0].title", "Flourish and Blotts"),
                ("chapters[0].content", "One two three four five."),
                ("text_format", "plain"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let work = app.store().work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(work.chapter_count, 2);
    assert_eq!(work.word_count, before.word_count + 5);
    let chapters = app.store().chapters_for_editing(id).await.unwrap();
    let r = writer
        .post(
            &format!("/works/{id}/chapters/{}/edit", chapters[1].id),
            &[
                ("chapters[0].title", "Flourish and Blotts"),
                ("chapters[0].content", "Just three words."),
                ("text_format", "plain"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let edited = app.store().work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(edited.word_count, before.word_count + 3);
    assert!(edited.version > work.version);
    let empty =
        writer.post(&format!("/works/{id}/chapters/{}/edit", chapters[1].id), &[("chapters[0].content", "   ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Chapter text can&#39;t be blank."), "{}", empty.body);

    // Reorder, then delete a chapter; the last one stays.
    let order = [
        (format!("position_{}", chapters[0].id), "2".to_owned()),
        (format!("position_{}", chapters[1].id), "1".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = order.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert_eq!(writer.post(&format!("/works/{id}/chapters/order"), &fields).await.status, StatusCode::SEE_OTHER);
    let reordered = app.store().chapters_for_editing(id).await.unwrap();
    assert_eq!(reordered[0].id, chapters[1].id);
    assert_eq!(
        writer.post(&format!("/works/{id}/chapters/{}/delete", chapters[1].id), &[]).await.status,
        StatusCode::SEE_OTHER
    );
    let last = writer.post(&format!("/works/{id}/chapters/{}/delete", chapters[0].id), &[]).await;
    assert_eq!(last.status, StatusCode::CONFLICT);
    assert!(last.body.contains("at least one chapter"));

    // Editing the work's fields.
    let mut edit = work_fields("The Little Blond Boy", "", "save", &pseud);
    edit.retain(|(k, _)| !k.starts_with("chapters") && *k != "chapter_count");
    edit.push(("restricted", "1"));
    let r = writer.post(&format!("/works/{id}/edit"), &edit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(app.get(&format!("/works/{id}")).await.status, StatusCode::NOT_FOUND, "restricted: guests see nothing");
    let member = other.get(&format!("/works/{id}")).await;
    assert!(member.body.contains("The Little Blond Boy"));

    // Deleting asks first, then deletes.
    assert!(writer.get(&format!("/works/{id}/delete")).await.body.contains("cannot be undone"));
    assert_eq!(writer.post(&format!("/works/{id}/delete"), &[]).await.status, StatusCode::SEE_OTHER);
    assert!(app.store().work_for_editing(id).await.unwrap().is_none());
}

#[tokio::test]
async fn posting_backdates_joins_series_and_finds_the_work_in_search() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("quill", PASSWORD).await;
    let pseud = default_pseud(&app, "quill").await;
    let mut fields = work_fields("Old Letters", "A letter from long ago.", "post", &pseud);
    fields.push(("published", "2015-06-01"));
    fields.push(("new_series", "The Letters"));
    let r = writer.post("/works/new", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = created_id(r.header("location"));
    let work = app.store().work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(work.published_at.date().to_string(), "2015-06-01");
    assert_eq!(work.series.len(), 1);
    assert_eq!(work.series[0].title, "The Letters");
    let mut future = work_fields("Later", "Text.", "post", &pseud);
    future.push(("published", "2999-01-01"));
    assert!(writer.post("/works/new", &future).await.body.contains("not dated in the future"));
    app.sync_search().await;
    let found = app.get("/works/search?q=letters").await;
    assert!(found.body.contains(&format!("href=\"/works/{id}\"")), "{}", found.body);
    assert!(found.body.contains("Old <b>Letters</b>"), "matches highlighted: {}", found.body);
    let series = app.store().series_of_user(work.creators[0].user_id).await.unwrap();
    assert_eq!(series.len(), 1);
}

#[tokio::test]
async fn a_file_is_imported_into_the_form_for_the_writer_to_correct() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("archivist", PASSWORD).await;
    let file = "The Owlery Letters\n\nChapter 1: Hedwig\n\nThe owl came at dawn, as owls do.\n\n***\n\nShe dropped the letter in my porridge.\n\nChapter 2: Errol\n\nErrol crashed into the window again.\n";
    let r = writer.upload("/works/import", "owlery_letters.txt", file.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Imported 2 chapters"), "{}", r.body);
    assert!(r.body.contains("value=\"Hedwig\"") && r.body.contains("value=\"Errol\""), "chapter titles recovered");
    assert!(r.body.contains("name=\"chapters[1].content\""), "each chapter editable");
    // What the importer could not recognise is said on the page.
    let toc = format!("Contents\n\nThe Rain\nThe House\n\n{}", "Nobody came up the lane that evening.\n\n".repeat(20));
    let r = writer.upload("/works/import", "rain.txt", toc.as_bytes()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("A contents list was found, but no chapters that match it"), "{}", r.body);
    let bad = writer.upload("/works/import", "empty.txt", b"").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Choose a file"));
    let binary = writer.upload("/works/import", "x.epub", b"PK\x03\x04 not really a zip").await;
    assert_eq!(binary.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(binary.body.contains("could not be read"), "{}", binary.body);
    let huge = vec![b'a'; flourish_web::html::posting::MAX_UPLOAD_BYTES + 1024];
    let r = writer.upload("/works/import", "huge.txt", &huge).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", &r.body[..r.body.len().min(200)]);
    assert!(r.body.contains("more than this archive accepts"));
}

#[tokio::test]
async fn co_creators_are_credited_only_after_accepting() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("draco_m", PASSWORD).await;
    let friend = app.logged_in("pansy", PASSWORD).await;
    let pseud = default_pseud(&app, "draco_m").await;
    let mut fields = work_fields("Together", "We wrote this.", "post", &pseud);
    fields.push(("co_creators", "pansy"));
    let r = writer.post("/works/new", &fields).await;
    let id = created_id(r.header("location"));
    assert_eq!(app.store().work(id, Viewer::Guest).await.unwrap().unwrap().creators.len(), 1);
    assert!(friend.get("/account").await.body.contains("draco_m asks you to be credited"));
    assert_eq!(friend.get(&format!("/works/{id}/edit")).await.status, StatusCode::FORBIDDEN, "not yet a creator");
    let r = friend.post(&format!("/account/creator-invitations/{id}"), &[("answer", "accept")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.store().work(id, Viewer::Guest).await.unwrap().unwrap().creators.len(), 2);
    assert_eq!(friend.get(&format!("/works/{id}/edit")).await.status, StatusCode::OK, "a co-creator edits");
    let unknown = writer
        .post("/works/new", &{
            let mut f = work_fields("Nobody", "Text.", "post", &pseud);
            f.push(("co_creators", "no_such_writer"));
            f
        })
        .await;
    assert!(unknown.body.contains("no writer called no_such_writer"));
}

/// What a role gets from a write route: allowed, told to log in, forbidden, or not found.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Outcome {
    Allowed,
    Login,
    Forbidden,
    Hidden,
}

fn outcome(status: StatusCode, location: Option<&str>) -> Outcome {
    match status {
        StatusCode::SEE_OTHER if location.is_some_and(|l| l.starts_with("/login")) => Outcome::Login,
        // Let in, and then told what the form lacks: still allowed.
        s if s.is_success() || s.is_redirection() || s == StatusCode::UNPROCESSABLE_ENTITY => Outcome::Allowed,
        StatusCode::FORBIDDEN => Outcome::Forbidden,
        StatusCode::NOT_FOUND => Outcome::Hidden,
        other => panic!("unexpected status {other}"),
    }
}

#[tokio::test]
async fn every_write_route_checks_who_is_asking() {
    use Outcome::*;
    let app = TestApp::sqlite().await;
    let creator = app.logged_in("creator", PASSWORD).await;
    let co_creator = app.logged_in("cocreator", PASSWORD).await;
    let user = app.logged_in("reader", PASSWORD).await;
    let admin = app.logged_in_admin("boss", PASSWORD).await;
    let guest = app.browser();
    let reader_id = app.store().account_by_login("reader").await.unwrap().unwrap().id;
    let creator_account = app.store().account_by_login("creator").await.unwrap().unwrap();
    let creator_pseud = app.store().pseuds_of(creator_account.id).await.unwrap().remove(0);
    let co_pseud = app
        .store()
        .pseuds_of(app.store().account_by_login("cocreator").await.unwrap().unwrap().id)
        .await
        .unwrap()
        .remove(0);

    let roles: [(&str, &Browser); 5] =
        [("guest", &guest), ("user", &user), ("creator", &creator), ("co-creator", &co_creator), ("admin", &admin)];
    // route, fields, and the outcome for guest, user, creator, co-creator, admin.
    type Row = (&'static str, Vec<(&'static str, String)>, [Outcome; 5]);
    let creator_only = [Login, Forbidden, Allowed, Allowed, Forbidden];
    let admin_only = [Login, Forbidden, Forbidden, Forbidden, Allowed];
    let any_writer = [Login, Allowed, Allowed, Allowed, Allowed];
    let rows: Vec<Row> = vec![
        (
            "/works/{id}/edit",
            vec![
                ("title", "Renamed".into()),
                ("rating", "General Audiences".into()),
                ("warnings", "No Archive Warnings Apply".into()),
                ("fandoms", "Harry Potter".into()),
                ("language", "en".into()),
            ],
            creator_only,
        ),
        ("/works/{id}/chapters/new", vec![("chapters[0].content", "More text.".into())], creator_only),
        ("/works/{id}/chapters/{chapter}/edit", vec![("chapters[0].content", "Changed text.".into())], creator_only),
        ("/works/{id}/chapters/order", vec![], creator_only),
        ("/works/{id}/chapters/{second}/delete", vec![], creator_only),
        ("/works/{id}/post", vec![], creator_only),
        ("/works/{id}/delete", vec![], creator_only),
        ("/admin/works/{id}/hide", vec![], admin_only),
        ("/admin/works/{id}/unhide", vec![], admin_only),
        ("/admin/works/{id}/delete", vec![], admin_only),
        ("/admin/users/{reader}/status", vec![("status", "suspended".into())], admin_only),
        ("/admin/users/{reader}/reset", vec![], admin_only),
        ("/admin/settings", vec![("archive_name", "Flourish".into()), ("signup_mode", "open".into())], admin_only),
        ("/admin/invitations", vec![("count", "1".into())], admin_only),
        ("/works/new", vec![("title", "x".into())], any_writer),
        ("/account/pseuds", vec![("name", "Another".into())], any_writer),
        ("/series/new", vec![("title", "A Series".into())], any_writer),
        // Wrong passwords here: let in, then refused by the form, nothing changed.
        ("/account/password", vec![("current_password", "not it".into())], any_writer),
        ("/account/delete", vec![("confirm_password", "not it".into())], any_writer),
        // The creator's own pseud: theirs to make default, nobody else's.
        ("/account/pseuds/{creator_pseud}/default", vec![], [Login, Hidden, Allowed, Hidden, Hidden]),
        (
            "/account/creator-invitations/{id}",
            vec![("answer", "accept".into())],
            [Login, Hidden, Hidden, Hidden, Hidden],
        ),
        ("/admin/requests/424242", vec![("answer", "invite".into())], [Login, Forbidden, Forbidden, Forbidden, Hidden]),
    ];
    for (route, fields, expected) in &rows {
        for ((role, browser), want) in roles.iter().zip(expected) {
            // A fresh work for every attempt, so one role's delete does not decide another's.
            let mut draft = fixtures::work("Matrix", &creator_pseud);
            draft.creators.push(co_pseud.id);
            draft.chapters.push(fixtures::chapter("Two", "Second chapter."));
            let id = app.store().create_work(&draft).await.unwrap();
            let chapters = app.store().chapters_for_editing(id).await.unwrap();
            let path = route
                .replace("{id}", &id.to_string())
                .replace("{chapter}", &chapters[0].id.to_string())
                .replace("{second}", &chapters[1].id.to_string())
                .replace("{reader}", &reader_id.to_string())
                .replace("{creator_pseud}", &creator_pseud.id.to_string());
            let mut fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let positions: Vec<(String, String)> =
                chapters.iter().map(|c| (format!("position_{}", c.id), c.position.to_string())).collect();
            if route.ends_with("/order") {
                fields.extend(positions.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
            let r = browser.post(&path, &fields).await;
            let got = outcome(r.status, r.header("location"));
            assert_eq!(got, *want, "{role} POST {path}: {} {}", r.status, &r.body[..r.body.len().min(300)]);
            if *want == Allowed && *role != "guest" {
                // Without the CSRF token the same request is refused, whoever sends it.
                let r = browser.post_raw(&path, &fields).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} POST {path} without a token");
            }
            if *role == "admin" && route.contains("/status") {
                app.store().set_status(reader_id, flourish_core::AccountStatus::Active).await.unwrap();
            }
        }
    }
    // Importing a file (a multipart form) is for writers only.
    for ((role, browser), want) in roles.iter().zip([Login, Allowed, Allowed, Allowed, Allowed]) {
        let r = browser.upload("/works/import", "story.txt", b"Chapter 1\n\nA story.").await;
        assert_eq!(outcome(r.status, r.header("location")), want, "{role} import");
    }
    // A suspended writer reads but does not post.
    app.store().set_status(reader_id, flourish_core::AccountStatus::Suspended).await.unwrap();
    let r = user.post("/works/new", &[("title", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("suspended"));
    assert_eq!(user.get("/works").await.status, StatusCode::OK);
    // Hidden works disappear for everyone but their creators and admins.
    let id = app.store().create_work(&fixtures::work("Hidden", &creator_pseud)).await.unwrap();
    assert_eq!(
        admin.post(&format!("/admin/works/{id}/hide"), &[("reason", "spam")]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.get(&format!("/works/{id}")).await.status, StatusCode::NOT_FOUND);
    assert!(creator.get(&format!("/works/{id}/preview")).await.body.contains("An admin has hidden this work"));
    let log = app.store().audit_log(1, 200).await.unwrap();
    assert!(log.items.iter().any(|e| e.action == "work_hide" && e.detail == "spam" && e.actor == "boss"));
}

#[tokio::test]
async fn suggested_tags_are_offered_unticked_and_added_only_when_ticked() {
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("archivist", PASSWORD).await;
    let pseud = default_pseud(&app, "archivist").await;
    let story = "Chapter 1\n\nHermione Granger climbed to the Owlery with a letter for Ron Weasley.\n\n\"You're up late,\" Ron said.\n\nRon kissed her, and in the morning Hermione and Ron walked through Diagon Alley together.\n";
    let r = writer.upload("/works/import", "owlery.txt", story.as_bytes()).await;
    assert!(r.body.contains("Suggested by the text"), "{}", r.body);
    assert!(r.body.contains("name=\"accept_fandoms\" value=\"Harry Potter - J. K. Rowling\">"), "unticked: {}", r.body);
    assert!(r.body.contains("name=\"accept_characters\" value=\"Ron Weasley\">"));
    assert!(r.body.contains("name=\"accept_relationships\" value=\"Hermione Granger/Ron Weasley\">"));
    assert!(r.body.contains("name=\"accept_freeforms\" value=\"Diagon Alley\">"));

    // Asking on the posting form reads the typed text, and saves nothing.
    let mut fields = work_fields("Typed", story, "suggest", &pseud);
    fields.retain(|(k, _)| *k != "characters");
    let r = writer.post("/works/new", &fields).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("name=\"accept_characters\" value=\"Hermione Granger\">"), "{}", r.body);
    let account = app.store().account_by_login("archivist").await.unwrap().unwrap();
    assert_eq!(app.store().works_of_user(account.id, 1, 10).await.unwrap().total, 0);

    // Ticked suggestions join the tags; unticked ones do not.
    let mut fields = work_fields("Owl Post", story, "post", &pseud);
    fields.retain(|(k, _)| *k != "characters" && *k != "relationships");
    fields.push(("accept_characters", "Ron Weasley"));
    let r = writer.post("/works/new", &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let work = app.store().work(created_id(r.header("location")), Viewer::Guest).await.unwrap().unwrap();
    let names: Vec<&str> = work.tags.0.iter().map(|t| t.name.as_str()).collect();
    assert!(names.contains(&"Ron Weasley") && !names.contains(&"Hermione Granger"), "{names:?}");
}

#[tokio::test]
async fn suggestions_are_offered_under_the_archive_s_canonical_names() {
    use flourish_core::TagKind;
    use flourish_store::TagStore;
    let app = TestApp::sqlite().await;
    let writer = app.logged_in("archivist", PASSWORD).await;
    let long = app.store().find_or_create_tag("Ronald Bilius Weasley", TagKind::Character).await.unwrap();
    app.store().set_canonical(long.id, true).await.unwrap();
    let short = app.store().find_or_create_tag("Ron Weasley", TagKind::Character).await.unwrap();
    app.store().make_synonym(short.id, long.id).await.unwrap();
    assert_eq!(app.store().canonical_name("ron weasley").await.unwrap(), "Ronald Bilius Weasley");
    assert_eq!(app.store().canonical_name("Nobody Known").await.unwrap(), "Nobody Known");
    let story = "Chapter 1\n\nHermione Granger climbed to the Owlery with a letter for Ron Weasley.\n\n\"You're up late,\" Ron said.\n\nRon kissed Hermione at the top of the stairs.\n";
    let r = writer.upload("/works/import", "owlery.txt", story.as_bytes()).await;
    assert!(r.body.contains("name=\"accept_characters\" value=\"Ronald Bilius Weasley\">"), "{}", r.body);
    assert!(!r.body.contains("value=\"Ron Weasley\">"));
    // The pairing too, rebuilt from the canonical names in AO3's order.
    assert!(
        r.body.contains("name=\"accept_relationships\" value=\"Hermione Granger/Ronald Bilius Weasley\">"),
        "{}",
        r.body
    );
}
