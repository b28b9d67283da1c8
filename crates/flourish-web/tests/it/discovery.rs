//! Listings through the search index: the filter sidebar, search, autocomplete, and what
//! happens to absurd requests.

use axum::http::StatusCode;
use flourish_store::{TagStore, WorkStore};
use flourish_testkit::{TestApp, fixtures};

async fn app_with_library() -> TestApp {
    let app = TestApp::sqlite().await;
    let pseud = fixtures::writer(app.store(), "quillwright").await;
    let mut owl = fixtures::work("The Owl at the Window", &pseud);
    owl.freeforms = vec!["Angst".into()];
    owl.summary = "<p>An owl brings a letter nobody expected.</p>".into();
    let mut tea = fixtures::work("Tea in the Greenhouse", &pseud);
    tea.freeforms = vec!["Fluff".into()];
    tea.fandoms.push("Sherlock Holmes - Arthur Conan Doyle".into());
    for draft in [owl, tea] {
        app.store().create_work(&draft).await.unwrap();
    }
    app.sync_search().await;
    app
}

fn blurbs(body: &str) -> usize {
    body.matches("class=\"blurb\"").count()
}

#[tokio::test]
async fn the_sidebar_lists_top_tags_with_counts_and_filters_by_url() {
    let app = app_with_library().await;
    let page = app.get("/works").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Filter works"));
    let angst = app.store().tag_by_name("Angst").await.unwrap().unwrap().id.0;
    assert!(page.body.contains(&format!("name=\"include\" value=\"{angst}\"> Angst <span class=\"count\">(1)</span>")));
    assert!(page.body.contains("Harry Potter - J. K. Rowling <span class=\"count\">(2)</span>"));

    let excluded = app.get(&format!("/works?exclude={angst}")).await;
    assert_eq!(blurbs(&excluded.body), 1);
    assert!(excluded.body.contains("Tea in the Greenhouse"));
    assert!(
        excluded.body.contains(&format!("name=\"exclude\" value=\"{angst}\" checked>")),
        "the choice stays checked"
    );
    let by_name = app.get("/works?other_tags=fluff&crossover=only&sort=title").await;
    assert_eq!(blurbs(&by_name.body), 1);
    assert!(by_name.body.contains("Tea in the Greenhouse"));
    let none = app.get("/works?crossover=exclude&complete=false").await;
    assert!(none.body.contains("No works found."));
    // The tag page carries the same sidebar, with its own tag fixed.
    let tag_page = app.get("/tags/Angst/works?sort=words").await;
    assert_eq!(blurbs(&tag_page.body), 1);
    assert!(tag_page.body.contains("Sort and Filter"));
}

#[tokio::test]
async fn search_highlights_matches_and_explains_what_it_could_not_read() {
    let app = app_with_library().await;
    let page = app.get("/works/search?q=owl").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The <b>Owl</b> at the Window"), "{}", page.body);
    assert!(page.body.contains("<b>owl</b> brings"));
    assert!(
        page.body.contains("name=\"q\" placeholder=\"Search works\" maxlength=\"1000\" value=\"owl\""),
        "the header keeps the query"
    );
    let odd = app.get("/works/search?q=words%3Elots+owl").await;
    assert_eq!(odd.status, StatusCode::OK);
    assert!(odd.body.contains("class=\"notice\""), "the reader is told what was searched as text");
    let script = app.get("/works/search?q=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(!script.body.contains("<script>alert"), "the query is escaped");
    // Pagination keeps the filter.
    assert!(app.get("/works?q=owl&page=9").await.body.contains("Nothing on page 9"));
}

#[tokio::test]
async fn absurd_requests_are_refused_with_a_message() {
    let app = app_with_library().await;
    let many = (1..=1000).map(|i| format!("include={i}")).collect::<Vec<_>>().join("&");
    let page = app.get(&format!("/works?{many}")).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("at most"), "{}", page.body);
    // (A URI over 64 KB cannot even be parsed; hyper answers those itself, see the server tests.)
    let long = app.get(&format!("/works/search?q={}", "a".repeat(60_000))).await;
    assert_eq!(long.status, StatusCode::BAD_REQUEST);
    assert!(long.body.contains("too long"));
    let bad = app.get("/works?words_from=lots").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("whole number"));
}

#[tokio::test]
async fn autocomplete_answers_json_canonical_first() {
    let app = app_with_library().await;
    let fluff = app.store().tag_by_name("Fluff").await.unwrap().unwrap();
    app.store().set_canonical(fluff.id, true).await.unwrap();
    app.sync_search().await;
    let response = app.get("/api/v1/tags/autocomplete?term=fl&kind=freeform").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("content-type"), Some("application/json"));
    let tags: serde_json::Value = serde_json::from_str(&response.body).unwrap();
    assert_eq!(tags[0]["name"], "Fluff");
    assert_eq!(tags[0]["canonical"], true);
    assert_eq!(tags[0]["uses"], 1);
    let bad = app.get("/api/v1/tags/autocomplete?term=x&kind=planet").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.starts_with('{') && bad.body.contains("\"code\""), "{}", bad.body);
}
