//! The JSON API: reading as a guest, cursors, writing with a personal token, one error
//! format, and the OpenAPI document (snapshot-tested, so a change to the API is a reviewed
//! change to the snapshot).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use flourish_core::Viewer;
use flourish_store::AuditStore;
use flourish_store::{AccountStore, WorkStore};
use flourish_testkit::{TestApp, TestResponse, fixtures};
use serde_json::{Value, json};

fn body(r: &TestResponse) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", r.body))
}

pub(crate) async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    json: Option<Value>,
) -> TestResponse {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        request = request.header("authorization", format!("Bearer {t}"));
    }
    let body = match json {
        Some(j) => {
            request = request.header("content-type", "application/json");
            Body::from(j.to_string())
        }
        None => Body::empty(),
    };
    app.send(request.body(body).unwrap()).await
}

/// A token for a new account, made through the account page as a writer would.
pub(crate) async fn token_for(app: &TestApp, username: &str) -> String {
    let browser = app.logged_in(username, "mandrakes remember everything").await;
    let page = browser.post("/account/tokens", &[("token_name", "my script")]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page.body.find("<code class=\"token\">").expect("the token, shown once") + "<code class=\"token\">".len();
    page.body[at..at + 64].to_owned()
}

#[tokio::test]
async fn works_are_listed_with_filters_and_cursors_and_read_whole() {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut ids = Vec::new();
    for i in 0..25 {
        let mut draft = fixtures::work(&format!("Greenhouse {i:02}"), &pseud);
        if i % 5 == 0 {
            draft.freeforms.push("Winter".into());
        }
        ids.push(app.store().create_work(&draft).await.unwrap());
    }
    let mut restricted = fixtures::work("Members Only", &pseud);
    restricted.restricted = true;
    let restricted = app.store().create_work(&restricted).await.unwrap();
    app.sync_search().await;

    let first = send(&app, "GET", "/api/v1/works?sort=title", None, None).await;
    assert_eq!(first.status, StatusCode::OK);
    let page = body(&first);
    assert_eq!(page["total"], 25, "guests don't see members-only works");
    assert_eq!(page["works"].as_array().unwrap().len(), 20);
    assert_eq!(page["works"][0]["title"], "Greenhouse 00");
    assert_eq!(page["works"][0]["fandoms"], json!(["Harry Potter - J. K. Rowling"]));
    let cursor = page["next_cursor"].as_str().expect("a next page").to_owned();
    let second = body(&send(&app, "GET", &format!("/api/v1/works?sort=title&cursor={cursor}"), None, None).await);
    assert_eq!(second["works"].as_array().unwrap().len(), 5);
    assert_eq!(second["works"][0]["title"], "Greenhouse 20");
    assert!(second["next_cursor"].is_null());

    let winter = body(&send(&app, "GET", "/api/v1/works?other_tags=Winter", None, None).await);
    assert_eq!(winter["total"], 5, "the HTML listing's filters");
    let found = body(&send(&app, "GET", "/api/v1/search?q=title:%22Greenhouse%2007%22", None, None).await);
    assert_eq!(found["works"][0]["id"], ids[7].0);

    let one = body(&send(&app, "GET", &format!("/api/v1/works/{}", ids[3]), None, None).await);
    assert_eq!(one["chapter_list"][0]["position"], 1);
    assert!(one["chapter_list"][0]["content"].as_str().unwrap().contains("mandrakes"));
    assert_eq!(
        send(&app, "GET", &format!("/api/v1/works/{restricted}"), None, None).await.status,
        StatusCode::NOT_FOUND
    );
    let tag = body(&send(&app, "GET", "/api/v1/tags/Neville%20Longbottom", None, None).await);
    assert_eq!(tag["kind"], "character");
    let pseud_page = body(&send(&app, "GET", "/api/v1/pseuds/quillwright/quillwright", None, None).await);
    assert_eq!(pseud_page["total_works"], 25);

    let bad_cursor = send(&app, "GET", "/api/v1/works?cursor=%%%", None, None).await;
    assert_eq!(bad_cursor.status, StatusCode::BAD_REQUEST);
    assert_eq!(body(&bad_cursor)["code"], "bad_request");
    let missing = send(&app, "GET", "/api/v1/works/999999", None, None).await;
    assert_eq!(
        body(&missing),
        json!({"code": "not_found", "message": "The page you were looking for doesn't exist, or you don't have permission to see it."})
    );
}

#[tokio::test]
async fn a_token_posts_and_updates_a_work_and_its_chapters() {
    let app = TestApp::sqlite().await;
    let token = token_for(&app, "scripter").await;
    let work = json!({
        "title": "Posted by Script",
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Harry Potter - J. K. Rowling"],
        "characters": ["Luna Lovegood"],
        "summary": "<p>Made through the API.</p>",
        "chapters": [{"title": "One", "content": "First *chapter*, in Markdown.", "format": "markdown"}]
    });
    let r = send(&app, "POST", "/api/v1/works", Some(&token), Some(work.clone())).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = body(&r)["id"].as_i64().unwrap();
    assert_eq!(r.header("location"), Some(format!("/api/v1/works/{id}").as_str()));
    let stored = app.store().work(flourish_core::WorkId(id), Viewer::Guest).await.unwrap().expect("posted");
    assert_eq!(stored.creators[0].username, "scripter");
    let chapters = app.store().chapters(stored.id, Viewer::Guest).await.unwrap();
    assert!(chapters[0].content.contains("<em>chapter</em>"), "{}", chapters[0].content);

    let r = send(
        &app,
        "POST",
        &format!("/api/v1/works/{id}/chapters"),
        Some(&token),
        Some(json!({"title": "Two", "content": "Second."})),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let chapter = body(&r)["id"].as_i64().unwrap();
    let r = send(
        &app,
        "PUT",
        &format!("/api/v1/works/{id}/chapters/{chapter}"),
        Some(&token),
        Some(json!({"content": "Second, longer now."})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(body(&r)["words"], 3);
    let mut update = work.clone();
    update.as_object_mut().unwrap().remove("chapters");
    update["title"] = json!("Renamed by Script");
    let r = send(&app, "PUT", &format!("/api/v1/works/{id}"), Some(&token), Some(update)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let work_now = app.store().work(stored.id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!((work_now.title.as_str(), work_now.chapter_count), ("Renamed by Script", 2));

    // Another writer's token may not touch it.
    let other = token_for(&app, "someone_else").await;
    let r = send(
        &app,
        "PUT",
        &format!("/api/v1/works/{id}/chapters/{chapter}"),
        Some(&other),
        Some(json!({"content": "Mine now."})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(body(&r)["code"], "forbidden");

    // Every write through the API is audited as a form's would be, naming the API.
    let log = app.store().audit_log(1, 50).await.unwrap().items;
    let mine: Vec<(&str, &str, &str)> = log
        .iter()
        .filter(|e| e.actor == "scripter" && e.target.starts_with(&format!("work {id}:")))
        .map(|e| (e.action.as_str(), e.target.as_str(), e.detail.as_str()))
        .collect();
    let actions: Vec<&str> = mine.iter().map(|(a, _, _)| *a).collect();
    assert_eq!(actions, ["work_edited", "chapter_edited", "chapter_added", "work_posted"], "newest first: {mine:?}");
    assert!(mine.iter().all(|(_, _, d)| d.contains("through the API")), "{mine:?}");
    assert_eq!(mine[0].1, format!("work {id}: Renamed by Script"));
    assert!(
        !log.iter().any(|e| e.actor == "someone_else" && e.action.starts_with("chapter")),
        "refusals change nothing"
    );
}

#[tokio::test]
async fn bad_requests_get_one_error_format() {
    let app = TestApp::sqlite().await;
    let token = token_for(&app, "scripter").await;
    let no_token = send(&app, "POST", "/api/v1/works", None, Some(json!({}))).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    assert_eq!(no_token.header("www-authenticate"), Some("Bearer"));
    assert_eq!(body(&no_token)["code"], "unauthorized");
    let forged = send(&app, "POST", "/api/v1/works", Some(&"a".repeat(64)), Some(json!({}))).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    let unknown = send(
        &app,
        "POST",
        "/api/v1/works",
        Some(&token),
        Some(json!({"title": "x", "rating": "General Audiences", "warnings": [], "fandoms": ["F"], "chapters": [], "colour": "red"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let b = body(&unknown);
    assert_eq!(b["code"], "invalid");
    assert_eq!(b["fields"][0]["field"], "colour", "{b}");
    assert!(b["fields"][0]["message"].as_str().unwrap().contains("unknown field"));
    let wrong_type = send(&app, "POST", "/api/v1/works", Some(&token), Some(json!({"title": 5}))).await;
    assert_eq!(body(&wrong_type)["fields"][0]["field"], "title");
    let invalid = send(
        &app,
        "POST",
        "/api/v1/works",
        Some(&token),
        Some(json!({"title": "", "rating": "Spicy", "warnings": [], "fandoms": [], "chapters": [{"content": " "}]})),
    )
    .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> =
        body(&invalid)["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["rating"], "the API's own checks first");
    let store_checks = send(
        &app,
        "POST",
        "/api/v1/works",
        Some(&token),
        Some(json!({"title": "", "rating": "Mature", "warnings": [], "fandoms": [], "chapters": [{"content": " "}]})),
    )
    .await;
    let fields: Vec<String> = body(&store_checks)["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["title", "warnings", "fandoms", "chapters[0].content"]);
    assert_eq!(app.store().accounts("", 1, 10).await.unwrap().total, 1);
    let not_json = app
        .send(
            Request::post("/api/v1/works")
                .header("authorization", format!("Bearer {token}"))
                .body(Body::from("title=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_api_is_rate_limited_like_the_pages() {
    let db = flourish_testkit::TestDb::sqlite().await;
    let config = flourish_web::WebConfig { rate_limit_requests: 3, ..TestApp::config() };
    let app = TestApp::with_config(db, config).await;
    for _ in 0..3 {
        assert_eq!(app.get("/api/v1/works").await.status, StatusCode::OK);
    }
    let limited = app.get("/api/v1/works").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(body(&limited)["code"], "too_many_requests");
}

#[tokio::test]
async fn the_openapi_document_describes_the_api() {
    let app = TestApp::sqlite().await;
    let r = app.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = body(&r);
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/works",
        "/api/v1/works/{id}",
        "/api/v1/works/{id}/chapters",
        "/api/v1/tags/autocomplete",
        "/api/v1/search",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
    assert!(doc["components"]["securitySchemes"]["token"].is_object());
    insta::assert_json_snapshot!("openapi", doc);
}
