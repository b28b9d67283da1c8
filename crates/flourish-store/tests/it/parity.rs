use flourish_core::{ArchiveWarning, ChapterId, PseudId, SeriesDraft, TagKind, Viewer, WorkId};
use flourish_store::{
    AccountStore, OutboxStore, SeriesStore, StatsStore, StoreError, TagStore, WorkEditing, WorkStore,
};
use flourish_testkit::{fixtures, parity_test};

parity_test!(a_work_round_trips_with_tags_creators_and_chapters, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("The Greenhouse", &pseud);
    draft.chapters.push(fixtures::chapter("Second", "Don't look back, Neville."));
    draft.complete = false;
    draft.expected_chapters = None;
    let id = store.create_work(&draft).await.unwrap();

    let work = store.work(id, Viewer::Guest).await.unwrap().expect("visible");
    assert_eq!(work.title, "The Greenhouse");
    assert_eq!(work.creators.len(), 1);
    assert_eq!(work.creators[0].name, "quillwright");
    assert_eq!(work.chapters_label(), "2/?");
    assert_eq!(work.tags.rating().map(|t| t.name.as_str()), Some("Teen And Up Audiences"));
    let kinds: Vec<TagKind> = work.tags.0.iter().map(|t| t.kind).collect();
    let mut sorted = kinds.clone();
    sorted.sort();
    assert_eq!(kinds, sorted, "tags come grouped by kind");
    let characters: Vec<&str> = work.tags.of_kind(TagKind::Character).map(|t| t.name.as_str()).collect();
    assert_eq!(characters, ["Neville Longbottom", "Luna Lovegood"], "creator's order is kept");

    let index = store.chapter_index(id, Viewer::Guest).await.unwrap();
    assert_eq!(index.iter().map(|c| c.position).collect::<Vec<_>>(), [1, 2]);
    let second = store.chapter(id, index[1].id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(second.title, "Second");
    assert_eq!(second.word_count, 4);
    let all = store.chapters(id, Viewer::Guest).await.unwrap();
    assert_eq!(work.word_count, all.iter().map(|c| c.word_count).sum::<u64>());
    assert!(all[0].content.contains("class=\"pov\""), "structure classes survive sanitizing");
});

parity_test!(content_is_sanitized_on_the_way_in, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("Sneaky", &pseud);
    draft.summary = "<p onmouseover=\"steal()\">Hi</p><script>alert(1)</script>".into();
    draft.chapters[0].content = "<p>Text<iframe src=\"//evil\"></iframe><a href=\"javascript:x()\">link</a></p>".into();
    let id = store.create_work(&draft).await.unwrap();
    let work = store.work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(work.summary, "<p>Hi</p>");
    let chapter = &store.chapters(id, Viewer::Guest).await.unwrap()[0];
    assert_eq!(chapter.content, "<p>Text<a rel=\"nofollow\">link</a></p>");
    assert_eq!(chapter.sanitizer_version, flourish_text::SANITIZER_VERSION);
});

parity_test!(restricted_works_and_drafts_are_hidden_from_guests_everywhere, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let open = store.create_work(&fixtures::work("Open", &pseud)).await.unwrap();
    let mut restricted = fixtures::work("Members Only", &pseud);
    restricted.restricted = true;
    restricted.fandoms = vec!["Secret Fandom".into()];
    let restricted = store.create_work(&restricted).await.unwrap();
    let mut draft = fixtures::work("Unposted", &pseud);
    draft.posted = false;
    let draft = store.create_work(&draft).await.unwrap();
    let member = Viewer::Member(pseud.user_id);

    assert!(store.work(restricted, Viewer::Guest).await.unwrap().is_none());
    assert!(store.work(restricted, member).await.unwrap().is_some());
    assert!(store.work(draft, member).await.unwrap().is_none(), "drafts are shown to nobody yet");
    assert!(store.chapter_index(restricted, Viewer::Guest).await.unwrap().is_empty());
    assert!(store.chapters(restricted, Viewer::Guest).await.unwrap().is_empty());

    let listing = store.recent_works(Viewer::Guest, 1, 20).await.unwrap();
    assert_eq!(listing.items.iter().map(|w| w.id).collect::<Vec<_>>(), [open]);
    assert_eq!(listing.total, 1);
    assert_eq!(store.recent_works(member, 1, 20).await.unwrap().total, 2);

    let guest = store.counts(Viewer::Guest).await.unwrap();
    assert_eq!((guest.works, guest.fandoms, guest.creators), (1, 1, 1));
    assert_eq!(store.counts(member).await.unwrap().fandoms, 2);

    let by_pseud = store.works_by_pseud(pseud.id, Viewer::Guest, 1, 20).await.unwrap();
    assert_eq!(by_pseud.total, 1);
    let secret = store.tag_by_name("secret fandom").await.unwrap().unwrap();
    assert_eq!(store.works_with_tag(secret.id, Viewer::Guest, 1, 20).await.unwrap().total, 0);
    assert_eq!(store.works_with_tag(secret.id, member, 1, 20).await.unwrap().total, 1);
});

parity_test!(listings_paginate_newest_first, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut ids = vec![];
    for n in 0..5 {
        let mut draft = fixtures::work(&format!("Work {n}"), &pseud);
        draft.published_at = Some(time::OffsetDateTime::from_unix_timestamp(1_600_000_000 + n * 86_400).unwrap());
        ids.push(store.create_work(&draft).await.unwrap());
    }
    let first = store.recent_works(Viewer::Guest, 1, 2).await.unwrap();
    assert_eq!(first.items.iter().map(|w| w.id).collect::<Vec<_>>(), [ids[4], ids[3]]);
    assert_eq!((first.total, first.page_count()), (5, 3));
    let last = store.recent_works(Viewer::Guest, 3, 2).await.unwrap();
    assert_eq!(last.items.iter().map(|w| w.id).collect::<Vec<_>>(), [ids[0]]);
    assert!(store.recent_works(Viewer::Guest, 9, 2).await.unwrap().items.is_empty());
    assert_eq!(first.items[0].published_at.unix_timestamp(), 1_600_000_000 + 4 * 86_400, "backdated");
});

parity_test!(a_tag_page_gathers_synonyms_under_the_canonical_tag, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut a = fixtures::work("A", &pseud);
    a.relationships = vec!["Draco Malfoy/Harry Potter".into()];
    let mut b = fixtures::work("B", &pseud);
    b.relationships = vec!["Drarry".into()];
    let a = store.create_work(&a).await.unwrap();
    let b = store.create_work(&b).await.unwrap();
    let canonical = store.tag_by_name("draco malfoy/harry potter").await.unwrap().unwrap();
    let synonym = store.tag_by_name("Drarry").await.unwrap().unwrap();
    assert_eq!(synonym.kind, TagKind::Relationship);

    let err = store.make_synonym(synonym.id, canonical.id).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "target must be canonical first");
    store.set_canonical(canonical.id, true).await.unwrap();
    store.make_synonym(synonym.id, canonical.id).await.unwrap();

    let mut found: Vec<WorkId> =
        store.works_with_tag(canonical.id, Viewer::Guest, 1, 20).await.unwrap().items.iter().map(|w| w.id).collect();
    found.sort();
    assert_eq!(found, [a, b]);
    assert_eq!(store.works_with_tag(synonym.id, Viewer::Guest, 1, 20).await.unwrap().total, 2);
    assert_eq!(
        store.synonyms(canonical.id).await.unwrap().iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        ["Drarry"]
    );
    let b_now = store.work(b, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(b_now.version, 2, "wrangling bumps the version of affected works");
});

parity_test!(a_new_relationship_is_filed_under_its_characters_canonical_names, |store| {
    let canonical = |name: &'static str| async move {
        let tag = store.find_or_create_tag(name, TagKind::Character).await.unwrap();
        store.set_canonical(tag.id, true).await.unwrap();
        tag
    };
    let hermione = canonical("Hermione Jean Granger").await;
    let ron = canonical("Ronald Bilius Weasley").await;
    for (synonym, of) in [("Hermione Granger", &hermione), ("Ron Weasley", &ron)] {
        let tag = store.find_or_create_tag(synonym, TagKind::Character).await.unwrap();
        store.make_synonym(tag.id, of.id).await.unwrap();
    }
    // Halves under their canonical names, in AO3's order; the kind of pairing kept.
    let names = ["Ron Weasley/Hermione Granger".to_owned(), "Hermione Granger & Ron Weasley".to_owned()];
    assert_eq!(
        store.canonical_relationships(&names).await.unwrap(),
        ["Hermione Jean Granger/Ronald Bilius Weasley", "Hermione Jean Granger & Ronald Bilius Weasley"]
    );
    // A pairing the archive has wrangled as a whole goes to its canonical tag; one it
    // has as its own tag stays as it is; unknown people stay as written.
    let romione =
        store.find_or_create_tag("Hermione Jean Granger/Ronald Bilius Weasley", TagKind::Relationship).await.unwrap();
    store.set_canonical(romione.id, true).await.unwrap();
    let nickname = store.find_or_create_tag("Romione", TagKind::Relationship).await.unwrap();
    store.make_synonym(nickname.id, romione.id).await.unwrap();
    let names = ["Romione".to_owned(), "Ron Weasley/Hermione Granger".to_owned(), "Neville/Luna".to_owned()];
    assert_eq!(
        store.canonical_relationships(&names).await.unwrap(),
        ["Hermione Jean Granger/Ronald Bilius Weasley", "Luna/Neville"],
        "the same pairing twice is offered once"
    );
    store.find_or_create_tag("Ron Weasley/Hermione Granger", TagKind::Relationship).await.unwrap();
    assert_eq!(
        store.canonical_relationship("Ron Weasley/Hermione Granger").await.unwrap(),
        "Ron Weasley/Hermione Granger",
        "a name the archive has is its own tag until a wrangler says otherwise"
    );
});

parity_test!(the_fixed_vocabulary_exists_in_a_new_archive, |store| {
    for w in ArchiveWarning::ALL {
        let tag = store.tag_by_name(w.name()).await.unwrap().unwrap_or_else(|| panic!("{}", w.name()));
        assert_eq!((tag.kind, tag.canonical), (TagKind::Warning, true));
    }
    assert!(store.tag_by_name("Not Rated").await.unwrap().is_some());
    assert!(store.tag_by_name("F/F").await.unwrap().is_some());
});

parity_test!(invalid_drafts_store_nothing, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("", &pseud);
    draft.fandoms.clear();
    match store.create_work(&draft).await {
        Err(StoreError::Invalid(errors)) => {
            assert_eq!(errors.0.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["title", "fandoms"]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let mut ghost = fixtures::work("Ghost", &pseud);
    ghost.creators.push(PseudId(999_999));
    assert!(matches!(store.create_work(&ghost).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.work_count().await.unwrap(), 0, "nothing half-written");
});

parity_test!(adding_a_chapter_updates_counts_dates_and_version, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("Serial", &pseud);
    draft.complete = false;
    draft.expected_chapters = Some(3);
    draft.published_at = Some(time::OffsetDateTime::from_unix_timestamp(1_500_000_000).unwrap());
    let id = store.create_work(&draft).await.unwrap();
    let before = store.work(id, Viewer::Guest).await.unwrap().unwrap();
    let chapter = store.add_chapter(id, &fixtures::chapter("Two", "one two three")).await.unwrap();
    assert_eq!(chapter.position, 2);
    let after = store.work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(after.chapters_label(), "2/3");
    assert_eq!(after.word_count, before.word_count + 3);
    assert!(after.updated_at > before.updated_at);
    assert_eq!(after.published_at, before.published_at);
    assert_eq!(after.version, before.version + 1);
    assert!(matches!(
        store.add_chapter(WorkId(424_242), &fixtures::chapter("x", "y")).await,
        Err(StoreError::NotFound("work"))
    ));
    assert!(store.chapter(id, ChapterId(chapter.id.0 + 1000), Viewer::Guest).await.unwrap().is_none());
});

parity_test!(pseuds_are_unique_per_account_and_usernames_globally, |store| {
    let (user, default) = store.create_user("Quillwright").await.unwrap();
    assert!(default.is_default);
    let second = store.add_pseud(user.id, "Ink Well").await.unwrap();
    assert_eq!(second.byline(), "Ink Well (Quillwright)");
    assert!(matches!(store.add_pseud(user.id, "ink well").await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.create_user("quillwright").await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.create_user("x").await, Err(StoreError::Invalid(_))));
    let found = store.pseud("QUILLWRIGHT", "ink WELL").await.unwrap().unwrap();
    assert_eq!(found.id, second.id);
});

parity_test!(series_keep_their_works_in_order, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let first = store.create_work(&fixtures::work("First", &pseud)).await.unwrap();
    let second = store.create_work(&fixtures::work("Second", &pseud)).await.unwrap();
    let mut hidden = fixtures::work("Hidden", &pseud);
    hidden.restricted = true;
    let hidden = store.create_work(&hidden).await.unwrap();
    let series = store
        .create_series(&SeriesDraft { title: "Greenhouse Days".into(), creators: vec![pseud.id], ..Default::default() })
        .await
        .unwrap();
    store.add_to_series(series, second, Some(2)).await.unwrap();
    store.add_to_series(series, first, Some(1)).await.unwrap();
    store.add_to_series(series, hidden, None).await.unwrap();
    let works = store.series_works(series, Viewer::Guest).await.unwrap();
    assert_eq!(works.iter().map(|(p, w)| (*p, w.id)).collect::<Vec<_>>(), [(1, first), (2, second)]);
    assert_eq!(works[0].1.series[0].title, "Greenhouse Days");
    assert_eq!(store.series_works(series, Viewer::Member(pseud.user_id)).await.unwrap().len(), 3);
    assert_eq!(store.series(series).await.unwrap().unwrap().creators[0].id, pseud.id);
    assert!(matches!(store.add_to_series(series, WorkId(999), None).await, Err(StoreError::NotFound("work"))));
});

parity_test!(a_work_joins_its_series_in_its_own_transaction, |store| {
    use flourish_core::{SeriesChoice, SeriesPlacement};
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut first = fixtures::work("Letter One", &pseud);
    first.series = Some(SeriesPlacement { series: SeriesChoice::New("Winter Letters".into()), part: None });
    let first = store.create_work(&first).await.unwrap();
    let mine = store.series_of_user(pseud.user_id).await.unwrap();
    assert_eq!(mine.len(), 1, "the new series was made with the work");
    assert_eq!(store.series(mine[0].id).await.unwrap().unwrap().creators[0].id, pseud.id);

    // A file names the series by title, in another letter case: the same series, at its part.
    let mut second = fixtures::work("Letter Two", &pseud);
    second.series = Some(SeriesPlacement { series: SeriesChoice::Titled("winter letters".into()), part: Some(2) });
    let second = store.create_work(&second).await.unwrap();
    let works = store.series_works(mine[0].id, Viewer::Guest).await.unwrap();
    assert_eq!(works.iter().map(|(p, w)| (*p, w.id)).collect::<Vec<_>>(), [(1, first), (2, second)]);

    // Editing the work without a part keeps its place; a series that does not exist refuses
    // the whole write, so no work is left half-placed.
    let mut edit = fixtures::work("Letter Two, revised", &pseud);
    edit.series = Some(SeriesPlacement { series: SeriesChoice::Existing(mine[0].id), part: None });
    store.update_work(second, &edit).await.unwrap();
    assert_eq!(store.series_works(mine[0].id, Viewer::Guest).await.unwrap()[1].0, 2);
    let before = store.work_count().await.unwrap();
    let mut lost = fixtures::work("Lost Letter", &pseud);
    lost.series = Some(SeriesPlacement { series: SeriesChoice::Existing(flourish_core::SeriesId(999)), part: None });
    assert!(matches!(store.create_work(&lost).await, Err(StoreError::NotFound("series"))));
    assert_eq!(store.work_count().await.unwrap(), before, "the work was not stored without its series");
    edit.title = "Renamed in vain".into();
    edit.series = lost.series.clone();
    assert!(matches!(store.update_work(second, &edit).await, Err(StoreError::NotFound("series"))));
    assert_eq!(store.work(second, Viewer::Guest).await.unwrap().unwrap().title, "Letter Two, revised");
});

parity_test!(every_visible_change_is_in_the_outbox_in_order, |store| {
    assert_eq!(store.outbox_head().await.unwrap(), 0);
    let pseud = fixtures::writer(store, "quillwright").await;
    let a = store.create_work(&fixtures::work("A", &pseud)).await.unwrap();
    let b = store.create_work(&fixtures::work("B", &pseud)).await.unwrap();
    store.add_chapter(a, &fixtures::chapter("Two", "More.")).await.unwrap();
    let entries = store.outbox_after(0, 100).await.unwrap();
    assert_eq!(entries.iter().map(|e| (e.work, e.version)).collect::<Vec<_>>(), [(a, 1), (b, 1), (a, 2)]);
    assert_eq!(store.outbox_head().await.unwrap(), entries[2].id);
    let tail = store.outbox_after(entries[0].id, 1).await.unwrap();
    assert_eq!(tail.len(), 1);
    assert_eq!(tail[0].work, b);
});

parity_test!(co_creators_are_credited_in_order, |store| {
    let first = fixtures::writer(store, "quillwright").await;
    let second = fixtures::writer(store, "moonlit_archivist").await;
    let mut draft = fixtures::work("Together", &second);
    draft.creators.push(first.id);
    let id = store.create_work(&draft).await.unwrap();
    let work = store.work(id, Viewer::Guest).await.unwrap().unwrap();
    assert_eq!(work.creators.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(), ["moonlit_archivist", "quillwright"]);
    assert_eq!(store.works_by_pseud(first.id, Viewer::Guest, 1, 20).await.unwrap().total, 1);
    assert_eq!(store.works_by_pseud(second.id, Viewer::Guest, 1, 20).await.unwrap().total, 1);
});

parity_test!(a_work_with_the_same_text_is_found, |store| {
    use flourish_text::pipeline::fingerprint;
    let pseud = fixtures::writer(store, "quillwright").await;
    let draft = fixtures::work("Original", &pseud);
    assert!(store.works_with_fingerprints(&[fingerprint(&draft)]).await.unwrap().is_empty());
    let id = store.create_work(&draft).await.unwrap();
    let mut retitled = draft.clone();
    retitled.title = "Same text, new title".into();
    let mut edited = draft.clone();
    edited.chapters[0].content.push_str("<p>One more line.</p>");
    assert_ne!(fingerprint(&edited), fingerprint(&draft));
    let found = store.works_with_fingerprints(&[fingerprint(&retitled), fingerprint(&edited)]).await.unwrap();
    assert_eq!(found, [(fingerprint(&draft), id)]);
});

parity_test!(a_tag_given_twice_is_one_tag, |store| {
    let pseud = fixtures::writer(store, "quillwright").await;
    let mut draft = fixtures::work("Twice", &pseud);
    draft.freeforms = vec!["Fluff".into(), "fluff".into(), "Angst".into(), "Fluff".into()];
    draft.chapters = (0..3).map(|n| fixtures::chapter(&format!("Part {n}"), "Text.")).collect();
    let id = store.create_work(&draft).await.unwrap();
    let work = store.work(id, Viewer::Guest).await.unwrap().unwrap();
    let freeforms: Vec<&str> = work.tags.of_kind(TagKind::Freeform).map(|t| t.name.as_str()).collect();
    assert_eq!(freeforms, ["Fluff", "Angst"]);
    let index = store.chapter_index(id, Viewer::Guest).await.unwrap();
    assert_eq!(index.iter().map(|c| c.title.as_str()).collect::<Vec<_>>(), ["Part 0", "Part 1", "Part 2"]);
});

parity_test!(a_batch_of_works_is_stored_whole_or_not_at_all, |store| {
    let a = fixtures::writer(store, "quillwright").await;
    let b = fixtures::writer(store, "moonlit_archivist").await;
    let mut drafts = Vec::new();
    for n in 0..30 {
        let mut d = fixtures::work(&format!("Batch {n}"), if n % 2 == 0 { &a } else { &b });
        d.freeforms = vec![format!("Tag {}", n % 4), "Shared".into()];
        d.chapters =
            (0..(n % 3 + 1)).map(|c| fixtures::chapter(&format!("C{c}"), &format!("Work {n} chapter {c}."))).collect();
        drafts.push(d);
    }
    let ids = store.create_works(&drafts).await.unwrap();
    assert_eq!(ids.len(), 30);
    for (n, id) in ids.iter().enumerate() {
        let work = store.work(*id, Viewer::Guest).await.unwrap().unwrap();
        assert_eq!(work.title, format!("Batch {n}"), "ids come back in the drafts' order");
        assert_eq!(work.chapter_count as usize, n % 3 + 1);
        let freeforms: Vec<String> = work.tags.of_kind(TagKind::Freeform).map(|t| t.name.clone()).collect();
        assert_eq!(freeforms, [format!("Tag {}", n % 4), "Shared".to_string()]);
        let chapters = store.chapters(*id, Viewer::Guest).await.unwrap();
        assert!(chapters[0].content.contains(&format!("Work {n} chapter 0.")));
    }
    assert_eq!(store.outbox_head().await.unwrap() as usize, 30);

    let mut bad = drafts[..3].to_vec();
    bad[2].creators = vec![PseudId(987_654)];
    assert!(matches!(store.create_works(&bad).await, Err(StoreError::Invalid(_))));
    assert_eq!(store.work_count().await.unwrap(), 30, "a failed batch stores nothing");
});

parity_test!(metatags_need_canonical_tags_of_one_kind_and_refuse_loops, |store| {
    let tag = |name: &'static str, kind| async move { store.find_or_create_tag(name, kind).await.unwrap() };
    let top = tag("Alternate Universe", TagKind::Freeform).await;
    let mid = tag("Alternate Universe - Modern Setting", TagKind::Freeform).await;
    let loose = tag("modern au", TagKind::Freeform).await;
    let fandom = tag("Harry Potter - J. K. Rowling", TagKind::Fandom).await;
    assert!(
        matches!(store.add_metatag(mid.id, top.id).await, Err(StoreError::Conflict(m)) if m.contains("not canonical"))
    );
    for t in [&top, &mid, &fandom] {
        store.set_canonical(t.id, true).await.unwrap();
    }
    store.add_metatag(mid.id, top.id).await.unwrap();
    assert_eq!(store.metatags(mid.id).await.unwrap()[0].name, top.name);
    assert_eq!(store.subtags(top.id).await.unwrap()[0].name, mid.name);
    assert!(matches!(store.add_metatag(top.id, mid.id).await, Err(StoreError::Conflict(m)) if m.contains("loop")));
    assert!(matches!(store.add_metatag(mid.id, fandom.id).await, Err(StoreError::Conflict(m)) if m.contains("kinds")));
    let before = store.wrangling_generation().await.unwrap();
    store.make_synonym(loose.id, mid.id).await.unwrap();
    assert!(store.wrangling_generation().await.unwrap() > before, "wrangling is announced");
    store.remove_metatag(mid.id, top.id).await.unwrap();
    assert!(store.metatags(mid.id).await.unwrap().is_empty());
    assert!(matches!(store.remove_metatag(mid.id, top.id).await, Err(StoreError::NotFound(_))));
});

parity_test!(parents_link_characters_to_fandoms_and_relationships_to_characters, |store| {
    let fandom = store.find_or_create_tag("Sherlock Holmes - Arthur Conan Doyle", TagKind::Fandom).await.unwrap();
    let watson = store.find_or_create_tag("John Watson", TagKind::Character).await.unwrap();
    let pair = store.find_or_create_tag("Sherlock Holmes/John Watson", TagKind::Relationship).await.unwrap();
    store.set_canonical(fandom.id, true).await.unwrap();
    store.set_canonical(watson.id, true).await.unwrap();
    store.add_parent(watson.id, fandom.id).await.unwrap();
    store.add_parent(pair.id, watson.id).await.unwrap();
    store.add_parent(pair.id, fandom.id).await.unwrap();
    assert_eq!(store.children(fandom.id).await.unwrap().len(), 2);
    assert_eq!(store.parents(pair.id).await.unwrap().len(), 2);
    assert!(matches!(store.add_parent(fandom.id, watson.id).await, Err(StoreError::Conflict(_))));
});

parity_test!(a_reindex_batch_reads_works_as_the_index_reads_them_one_by_one, |store| {
    use flourish_core::{Tag, TagId};
    use flourish_store::IndexSource;
    let pseud = fixtures::writer(store, "quillwright").await;
    let first = store.create_work(&fixtures::work("The Greenhouse", &pseud)).await.unwrap();
    let mut crossover = fixtures::work("Two Lamps", &pseud);
    crossover.fandoms =
        vec!["Good Omens - Neil Gaiman & Terry Pratchett".into(), "Harry Potter - J. K. Rowling".into()];
    crossover.characters = vec!["Luna Lovegood".into(), "Aziraphale".into(), "Crowley".into()];
    crossover.series =
        Some(flourish_core::SeriesPlacement { series: flourish_core::SeriesChoice::New("Lamps".into()), part: None });
    let second = store.create_work(&crossover).await.unwrap();
    let mut draft = fixtures::work("Not Yet", &pseud);
    draft.posted = false;
    let third = store.create_work(&draft).await.unwrap();
    let ids = [first, second, third];
    let one_by_one = store.works_for_index(&ids).await.unwrap();
    assert_eq!(one_by_one.len(), 3);

    // Every tag read from the database, then every tag from what the caller knows: the same
    // works, tags in the same order.
    let from_database = store.works_for_index_after(WorkId(0), 10, &|_| None).await.unwrap();
    let known: std::collections::HashMap<i64, Tag> =
        one_by_one.iter().flat_map(|w| w.tags.0.iter().map(|t| (t.id.0, t.clone()))).collect();
    let from_known = store.works_for_index_after(WorkId(0), 10, &|id: TagId| known.get(&id.0).cloned()).await.unwrap();
    let shape = |works: &[flourish_core::Work]| {
        works
            .iter()
            .map(|w| {
                let tags: Vec<(String, TagKind)> = w.tags.0.iter().map(|t| (t.name.clone(), t.kind)).collect();
                let creators: Vec<String> = w.creators.iter().map(|p| p.name.clone()).collect();
                let series: Vec<String> = w.series.iter().map(|s| s.title.clone()).collect();
                (w.id, w.title.clone(), tags, creators, series)
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(shape(&from_database), shape(&one_by_one));
    assert_eq!(shape(&from_known), shape(&one_by_one));
    let characters: Vec<&str> = from_known[1].tags.of_kind(TagKind::Character).map(|t| t.name.as_str()).collect();
    assert_eq!(characters, ["Luna Lovegood", "Aziraphale", "Crowley"], "the creator's order");
    // A batch is the works after the one given, at most the limit asked.
    let rest = store.works_for_index_after(first, 1, &|_| None).await.unwrap();
    assert_eq!(rest.iter().map(|w| w.id).collect::<Vec<_>>(), [second]);
    assert_eq!(shape(&rest), shape(&one_by_one[1..2]));
});
