//! The index against a real database on both backends: filters, exclusions through
//! wrangling, facets, text search, sorts, and following the outbox.

use flourish_core::{TagKind, WorkDraft, WorkId};
use flourish_search::{Crossover, Indexer, SearchIndex, Sort, WorkQuery};
use flourish_store::{AccountStore, Store, TagStore, WorkEditing, WorkStore};
use flourish_testkit::{fixtures, parity_test};
use std::sync::Arc;

const NOW: i64 = 2_000_000_000;

async fn indexed(store: &Store) -> Indexer {
    let indexer = Indexer::new(Arc::new(SearchIndex::in_memory().unwrap()), store.clone());
    indexer.start().await.unwrap();
    indexer
}

fn query() -> WorkQuery {
    WorkQuery { page: 1, per_page: 20, ..Default::default() }
}

async fn titles(indexer: &Indexer, store: &Store, q: &WorkQuery) -> Vec<String> {
    let results = indexer.index.search(q, NOW).unwrap();
    let ids: Vec<WorkId> = results.hits.iter().map(|h| h.id).collect();
    let works = flourish_store::IndexSource::works_for_index(store, &ids).await.unwrap();
    ids.iter().map(|id| works.iter().find(|w| w.id == *id).unwrap().title.clone()).collect()
}

async fn tag_id(store: &Store, name: &str) -> i64 {
    store.tag_by_name(name).await.unwrap().unwrap_or_else(|| panic!("tag {name}")).id.0
}

/// Three works: two Harry Potter (one a crossover with Sherlock), one Sherlock.
async fn library(store: &Store) -> Vec<WorkId> {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut a = fixtures::work("The Owl at the Window", &pseud);
    a.freeforms = vec!["Angst".into(), "Owls".into()];
    a.summary = "<p>An owl brings a letter nobody expected.</p>".into();
    let mut b = fixtures::work("Tea in the Greenhouse", &pseud);
    b.fandoms.push("Sherlock Holmes - Arthur Conan Doyle".into());
    b.freeforms = vec!["Fluff".into()];
    b.complete = false;
    b.expected_chapters = None;
    let mut c: WorkDraft = fixtures::work("A Study in Lanterns", &pseud);
    c.fandoms = vec!["Sherlock Holmes - Arthur Conan Doyle".into()];
    c.relationships = vec![];
    c.characters = vec!["Sherlock Holmes".into()];
    c.freeforms = vec!["angst!!".into()];
    c.chapters[0].content = "<p>".to_owned() + &"word ".repeat(3000) + "</p>";
    let mut ids = vec![];
    for d in [a, b, c] {
        ids.push(store.create_work(&d).await.unwrap());
    }
    ids
}

parity_test!(filters_include_exclude_crossover_complete_and_words, |store| {
    library(store).await;
    let indexer = indexed(store).await;
    let hp = tag_id(store, "Harry Potter - J. K. Rowling").await;
    let sh = tag_id(store, "Sherlock Holmes - Arthur Conan Doyle").await;

    let mut q = query();
    q.sort = Some(Sort::Title);
    assert_eq!(
        titles(&indexer, store, &q).await,
        ["The Owl at the Window", "A Study in Lanterns", "Tea in the Greenhouse"],
        "title sort skips articles"
    );
    q.include = vec![hp];
    assert_eq!(titles(&indexer, store, &q).await, ["The Owl at the Window", "Tea in the Greenhouse"]);
    q.exclude = vec![sh];
    assert_eq!(titles(&indexer, store, &q).await, ["The Owl at the Window"]);
    let mut q = query();
    q.crossover = Crossover::Only;
    assert_eq!(titles(&indexer, store, &q).await, ["Tea in the Greenhouse"]);
    q.crossover = Crossover::Exclude;
    q.complete = Some(true);
    q.sort = Some(Sort::Words);
    assert_eq!(titles(&indexer, store, &q).await, ["A Study in Lanterns", "The Owl at the Window"]);
    let mut q = query();
    q.words_from = Some(1000);
    assert_eq!(titles(&indexer, store, &q).await, ["A Study in Lanterns"]);
    let mut q = query();
    q.include_names = vec!["no such tag".into()];
    let results = indexer.index.search(&q, NOW).unwrap();
    assert_eq!(results.total, 0);
    assert!(results.notes[0].contains("no such tag"), "{:?}", results.notes);

    // A page past the end is an empty page.
    let mut q = query();
    q.page = 50;
    let results = indexer.index.search(&q, NOW).unwrap();
    assert_eq!((results.hits.len(), results.total), (0, 3));
});

parity_test!(excluding_a_metatag_removes_its_subtags_and_synonyms_from_results_and_counts, |store| {
    library(store).await;
    let angst = store.tag_by_name("Angst").await.unwrap().unwrap();
    let bang = store.tag_by_name("angst!!").await.unwrap().unwrap();
    let owls = store.tag_by_name("Owls").await.unwrap().unwrap();
    store.set_canonical(angst.id, true).await.unwrap();
    store.make_synonym(bang.id, angst.id).await.unwrap();
    let sad = store.find_or_create_tag("Sad Things", TagKind::Freeform).await.unwrap();
    store.set_canonical(sad.id, true).await.unwrap();
    store.set_canonical(owls.id, true).await.unwrap();
    store.add_metatag(angst.id, sad.id).await.unwrap();
    let indexer = indexed(store).await;

    // Including the metatag finds works tagged with its subtag or the subtag's synonym.
    let mut q = query();
    q.include = vec![sad.id.0];
    q.sort = Some(Sort::Title);
    assert_eq!(titles(&indexer, store, &q).await, ["The Owl at the Window", "A Study in Lanterns"]);
    // A synonym's id filters as its canonical.
    q.include = vec![bang.id.0];
    assert_eq!(titles(&indexer, store, &q).await, ["The Owl at the Window", "A Study in Lanterns"]);

    let mut q = query();
    q.exclude = vec![sad.id.0];
    let results = indexer.index.search(&q, NOW).unwrap();
    assert_eq!(results.total, 1);
    let freeforms = &results.facets.iter().find(|(k, _)| *k == TagKind::Freeform).unwrap().1;
    let count = |id: i64| freeforms.iter().find(|f| f.id == id).map(|f| f.count);
    assert_eq!(count(sad.id.0), Some(0), "an excluded tag stays listed, with nothing counted");
    assert_eq!(count(angst.id.0), None, "its subtag is gone from the counts too");
    assert_eq!(count(owls.id.0), None, "no remaining work is tagged Owls");
    assert!(freeforms.iter().all(|f| f.id != bang.id.0), "synonyms are counted as their canonical");

    // Wrangling later is followed through the outbox: unlinking the metatag brings back
    // the excluded works on the next poll.
    store.remove_metatag(angst.id, sad.id).await.unwrap();
    indexer.catch_up().await.unwrap();
    assert_eq!(indexer.index.search(&q, NOW).unwrap().total, 3);
});

parity_test!(text_search_reads_fields_and_highlights, |store| {
    library(store).await;
    let indexer = indexed(store).await;
    let mut q = query();
    q.text = "owl".into();
    let results = indexer.index.search(&q, NOW).unwrap();
    assert_eq!(results.total, 1);
    assert_eq!(results.sort, Sort::BestMatch);
    assert_eq!(results.hits[0].title_html.as_deref(), Some("The <b>Owl</b> at the Window"));
    assert!(results.hits[0].summary_html.as_deref().unwrap().contains("<b>owl</b>"));
    q.text = "creator:quillwright words>1000".into();
    assert_eq!(titles(&indexer, store, &q).await, ["A Study in Lanterns"]);
    q.text = "tag:fluff OR title:lanterns".into();
    assert_eq!(indexer.index.search(&q, NOW).unwrap().total, 2);
    q.text = "quillwright NOT tag:fluff -lanterns".into();
    assert_eq!(titles(&indexer, store, &q).await, ["The Owl at the Window"]);
    q.text = "\"owl brings\"".into();
    assert_eq!(indexer.index.search(&q, NOW).unwrap().total, 1);
    q.text = "\"brings owl\"".into();
    assert_eq!(indexer.index.search(&q, NOW).unwrap().total, 0, "a phrase keeps its order");
    q.text = "kudos>lots".into();
    let results = indexer.index.search(&q, NOW).unwrap();
    assert_eq!(results.total, 0);
    assert!(!results.notes.is_empty());
});

parity_test!(the_indexer_follows_the_outbox_and_resumes_after_a_restart, |store| {
    let dir = tempfile::tempdir().unwrap();
    let pseud = fixtures::writer(store, "quillwright").await;
    store.create_work(&fixtures::work("First Light", &pseud)).await.unwrap();
    {
        let indexer = Indexer::new(Arc::new(SearchIndex::open(dir.path()).unwrap()), store.clone());
        indexer.start().await.unwrap();
        assert_eq!(indexer.index.doc_count(), 1);
        store.create_work(&fixtures::work("Second Light", &pseud)).await.unwrap();
        assert!(indexer.poll().await.unwrap() > 0);
        assert_eq!(indexer.index.doc_count(), 2);
    }
    // Written while no indexer ran: picked up from the recorded position on start.
    let mut draft = fixtures::work("Third Light", &pseud);
    draft.posted = false;
    store.create_work(&draft).await.unwrap();
    store.create_work(&fixtures::work("Fourth Light", &pseud)).await.unwrap();
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    assert!(index.position() > 0, "the position survives a restart");
    let indexer = Indexer::new(index, store.clone());
    indexer.start().await.unwrap();
    let mut q = query();
    q.sort = Some(Sort::Title);
    assert_eq!(
        titles(&indexer, store, &q).await,
        ["First Light", "Fourth Light", "Second Light"],
        "drafts are not listed"
    );
    // A second process cannot open the same index for writing.
    assert!(matches!(SearchIndex::open(dir.path()), Err(flourish_search::SearchError::Locked(_))));
});

parity_test!(kudos_reach_the_index_at_a_pace_and_survive_a_restart, |store| {
    use flourish_store::{KudosGiver, KudosStore, OutboxStore};
    let dir = tempfile::tempdir().unwrap();
    let works = library(store).await;
    let (owl, tea) = (works[0], works[1]);
    let over = |n: u32| {
        let mut q = query();
        q.text = format!("kudos>{n}");
        q.sort = Some(Sort::Kudos);
        q
    };
    let guest = |key: &str| KudosGiver::Guest(key.into());
    {
        // After its first turn this indexer's next one is days away.
        let indexer =
            Indexer::new(Arc::new(SearchIndex::open(dir.path()).unwrap()), store.clone()).with_counts_share(1e-9);
        indexer.start().await.unwrap();
        for key in ["a", "b", "c"] {
            store.give_kudos(owl, &guest(key)).await.unwrap();
        }
        let rows = store.outbox_after(indexer.index.position(), 10).await.unwrap();
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| r.counts_only), "kudos change counts only: {rows:?}");
        // The first turn is due at once; three rows are one work.
        indexer.poll().await.unwrap();
        assert_eq!(indexer.index.search(&over(2), NOW).unwrap().total, 1);
        assert_eq!((indexer.counts_waiting(), indexer.index.counts_from()), (0, 0));

        // The next turn waits: the rows are passed into the backlog, and the checkpoint
        // records the first of them.
        store.give_kudos(tea, &guest("a")).await.unwrap();
        store.give_kudos(owl, &guest("d")).await.unwrap();
        let first = store.outbox_after(indexer.index.position(), 1).await.unwrap()[0].id;
        indexer.poll().await.unwrap();
        assert_eq!(indexer.counts_waiting(), 2);
        assert_eq!(indexer.index.counts_from(), first);
        assert!(indexer.index.position() > first);
        assert_eq!(indexer.index.search(&over(3), NOW).unwrap().total, 0, "the owl's fourth kudos waits");
        assert_eq!(indexer.index.search(&over(0), NOW).unwrap().total, 1, "so does the tea's first");

        // A content change goes through at once, counts and all, and leaves the backlog.
        let current = store.work(owl, flourish_core::Viewer::Guest).await.unwrap().unwrap();
        let mut draft = fixtures::work("The Owl at the Window", &current.creators[0]);
        draft.freeforms = vec!["Angst".into(), "Owls".into(), "Letters".into()];
        store.update_work(owl, &draft).await.unwrap();
        indexer.poll().await.unwrap();
        assert_eq!(indexer.counts_waiting(), 1);
        assert_eq!(indexer.index.search(&over(3), NOW).unwrap().total, 1, "the owl's kudos came with its edit");
        assert_eq!(indexer.index.counts_from(), first, "the tea's row is still the first waiting");
    }
    // A restart reads the backlog back from the outbox: no new row names the tea, so only
    // that brings its kudos into the index.
    let index = Arc::new(SearchIndex::open(dir.path()).unwrap());
    assert!(index.counts_from() > 0);
    let indexer = Indexer::new(index, store.clone());
    indexer.start().await.unwrap();
    indexer.catch_up().await.unwrap();
    assert_eq!((indexer.counts_waiting(), indexer.index.counts_from()), (0, 0));
    let ranked: Vec<WorkId> = indexer.index.search(&over(0), NOW).unwrap().hits.iter().map(|h| h.id).collect();
    assert_eq!(ranked, [owl, tea]);
});

parity_test!(a_filter_profile_hides_works_from_results_and_from_every_count, |store| {
    let works = library(store).await;
    let (owl, tea, lanterns) = (works[0], works[1], works[2]);
    let other = fixtures::writer(store, "lanternlight").await;
    let mut d = fixtures::work("Owls Again", &other);
    d.freeforms = vec!["Owls".into()];
    let again = store.create_work(&d).await.unwrap();
    let indexer = indexed(store).await;
    let counts = |results: &flourish_search::SearchResults, kind: TagKind| -> Vec<(String, u64)> {
        let group = &results.facets.iter().find(|(k, _)| *k == kind).unwrap().1;
        group.iter().map(|f| (f.name.clone(), f.count)).collect()
    };
    let ids = |results: &flourish_search::SearchResults| -> Vec<WorkId> {
        let mut ids: Vec<WorkId> = results.hits.iter().map(|h| h.id).collect();
        ids.sort();
        ids
    };
    let with = |mute: flourish_search::Mute| {
        let mut q = query();
        q.mute = Some(mute);
        indexer.index.search(&q, NOW).unwrap()
    };
    let all = indexer.index.search(&query(), NOW).unwrap();
    assert_eq!(all.total, 4);

    // A muted tag: gone from the results, the total and the sidebar, and not shown as a
    // chosen filter. "Owls" is on the owl and on the other creator's work.
    let owls = tag_id(store, "Owls").await;
    let muted = with(flourish_search::Mute { tags: vec![owls], ..Default::default() });
    assert_eq!((ids(&muted), muted.total), (vec![tea, lanterns], 2));
    assert!(
        !counts(&muted, TagKind::Freeform).iter().any(|(n, _)| n == "Owls" || n == "Angst"),
        "{:?}",
        counts(&muted, TagKind::Freeform)
    );
    assert!(muted.excluded.is_empty(), "a profile is not a sidebar choice");
    // A muted creator: every work credited to the account.
    let quill = store.pseud("quillwright", "quillwright").await.unwrap().unwrap().user_id.0;
    let muted = with(flourish_search::Mute { creators: vec![quill], ..Default::default() });
    assert_eq!(ids(&muted), vec![again]);
    assert_eq!(counts(&muted, TagKind::Fandom), vec![("Harry Potter - J. K. Rowling".to_owned(), 1)]);
    // Works by id (read, kudos'd), crossovers over one fandom, and all of it at once.
    let muted = with(flourish_search::Mute { works: vec![owl.0, again.0], ..Default::default() });
    assert_eq!(ids(&muted), vec![tea, lanterns]);
    let muted = with(flourish_search::Mute { max_fandoms: Some(1), ..Default::default() });
    assert_eq!(ids(&muted), vec![owl, lanterns, again]);
    let muted = with(flourish_search::Mute {
        tags: vec![owls],
        creators: vec![quill],
        works: vec![tea.0],
        anonymous: true,
        max_fandoms: Some(1),
    });
    assert_eq!(muted.total, 0);
    // A muted tag given by a synonym's id hides its canonical's works too.
    let angst = store.tag_by_name("Angst").await.unwrap().unwrap();
    store.set_canonical(angst.id, true).await.unwrap();
    let loud = store.tag_by_name("angst!!").await.unwrap().unwrap();
    store.make_synonym(loud.id, angst.id).await.unwrap();
    let indexer = indexed(store).await;
    let mut q = query();
    q.mute = Some(flourish_search::Mute { tags: vec![loud.id.0], ..Default::default() });
    let muted = indexer.index.search(&q, NOW).unwrap();
    let mut left: Vec<WorkId> = muted.hits.iter().map(|h| h.id).collect();
    left.sort();
    assert_eq!(left, vec![tea, again], "the synonym hides the canonical's works and its own");
});

parity_test!(autocomplete_puts_canonical_tags_first_then_by_use, |store| {
    library(store).await;
    let angst = store.tag_by_name("Angst").await.unwrap().unwrap();
    store.set_canonical(angst.id, true).await.unwrap();
    let indexer = indexed(store).await;
    let names: Vec<String> =
        indexer.index.autocomplete("an", Some(TagKind::Freeform), 10).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Angst", "angst!!"]);
    let all = indexer.index.autocomplete("an", None, 10);
    assert_eq!(all[0].name, "Teen And Up Audiences", "the canonical tag used by most works comes first");
    assert_eq!(all[0].uses, 3);
    let names: Vec<String> =
        indexer.index.autocomplete("holm", Some(TagKind::Character), 10).into_iter().map(|s| s.name).collect();
    assert_eq!(names, ["Sherlock Holmes"], "word starts inside names match, filtered by kind");
    assert!(indexer.index.autocomplete("   ", None, 10).is_empty());
});

parity_test!(kept_counts_are_reused_until_a_write_changes_the_segment, |store| {
    let owl = library(store).await[0];
    let indexer = indexed(store).await;
    indexer.index.keep_counts_from(0);
    let hp = tag_id(store, "Harry Potter - J. K. Rowling").await;
    let mut q = query();
    q.include = vec![hp];
    let freeform_counts = |results: &flourish_search::SearchResults| -> Vec<(String, u64)> {
        let freeforms = &results.facets.iter().find(|(k, _)| *k == TagKind::Freeform).unwrap().1;
        freeforms.iter().map(|f| (f.name.clone(), f.count)).collect()
    };
    let fresh = indexer.index.search(&q, NOW).unwrap();
    let kept = indexer.index.search(&q, NOW).unwrap();
    assert_eq!(freeform_counts(&kept), freeform_counts(&fresh), "the kept counts are the counted ones");
    assert_eq!(kept.total, 2);
    // Another query is not answered with the first one's counts.
    let mut other = query();
    other.include = vec![tag_id(store, "Sherlock Holmes - Arthur Conan Doyle").await];
    assert_ne!(freeform_counts(&indexer.index.search(&other, NOW).unwrap()), freeform_counts(&fresh));

    // A new work lands in a new segment, and its tags are counted.
    let pseud = fixtures::writer(store, "lanternlight").await;
    let mut d = fixtures::work("Owls Again", &pseud);
    d.freeforms = vec!["Owls".into(), "Letters".into()];
    let added = store.create_work(&d).await.unwrap();
    indexer.catch_up().await.unwrap();
    let after = freeform_counts(&indexer.index.search(&q, NOW).unwrap());
    assert!(after.contains(&("Owls".to_owned(), 2)) && after.contains(&("Letters".to_owned(), 1)), "{after:?}");

    // Deleting a work marks it deleted in its old segment: the counts follow.
    store.delete_work(added).await.unwrap();
    indexer.catch_up().await.unwrap();
    assert_eq!(freeform_counts(&indexer.index.search(&q, NOW).unwrap()), freeform_counts(&fresh));
    // Editing a work replaces its document: its old tags stop counting.
    {
        let work = store.work(owl, flourish_core::Viewer::Guest).await.unwrap().unwrap();
        let mut draft = fixtures::work("The Owl at the Window", &work.creators[0]);
        draft.freeforms = vec!["Angst".into()];
        store.update_work(owl, &draft).await.unwrap();
    }
    indexer.catch_up().await.unwrap();
    let after_edit = freeform_counts(&indexer.index.search(&q, NOW).unwrap());
    assert!(!after_edit.iter().any(|(name, _)| name == "Owls"), "{after_edit:?}");
});
