//! Filter profiles on both backends: names resolved to ids, unknown names refused whole,
//! one default, what a profile hides resolved for the index.

use flourish_core::{FilterProfile, Visit};
use flourish_store::{FilterStore, KudosGiver, KudosStore, ReadingStore, StoreError, WorkStore};
use flourish_testkit::{fixtures, parity_test};

parity_test!(filter_profiles_resolve_names_and_keep_one_default, |store| {
    let writer = fixtures::writer(store, "harbourlight").await;
    let reader = fixtures::writer(store, "tidewatcher").await.user_id;
    let mut draft = fixtures::work("The Little Lamp", &writer);
    draft.freeforms = vec!["Angst".into()];
    let lamp = store.create_work(&draft).await.unwrap();
    let other = store.create_work(&fixtures::work("Morning", &writer)).await.unwrap();
    let profile = |name: &str| FilterProfile { name: name.into(), ..Default::default() };

    // Unknown names are refused together, and nothing is saved.
    let mut bad = profile("No angst");
    bad.exclude_tags = vec!["Angst".into(), "No Such Tag".into()];
    bad.exclude_creators = vec!["nobody-at-all".into()];
    match store.save_filter_profile(reader, None, &bad).await {
        Err(StoreError::Invalid(e)) => {
            let text = format!("{e}");
            assert!(text.contains("No Such Tag") && text.contains("nobody-at-all"), "{text}");
        }
        other => panic!("{other:?}"),
    }
    assert!(store.filter_profiles(reader).await.unwrap().is_empty());
    let mut zero = profile("Zero");
    zero.max_fandoms = Some(0);
    assert!(matches!(store.save_filter_profile(reader, None, &zero).await, Err(StoreError::Invalid(_))));
    assert!(matches!(store.save_filter_profile(reader, None, &profile("  ")).await, Err(StoreError::Invalid(_))));

    // A default profile muting a tag (by any case) and a creator, hiding read and kudos'd works.
    let mut good = profile("No angst");
    good.is_default = true;
    good.exclude_tags = vec!["angst".into(), "ANGST".into()];
    good.exclude_creators = vec!["harbourlight".into()];
    good.hide_read = true;
    good.hide_kudosed = true;
    good.max_fandoms = Some(2);
    let first = store.save_filter_profile(reader, None, &good).await.unwrap();
    store.record_visits(&[Visit { user: reader, work: lamp, chapter: None, at: 10, seen: None }]).await.unwrap();
    store.give_kudos(other, &KudosGiver::Member(reader)).await.unwrap();
    let set = store.mute_set(reader, None).await.unwrap().unwrap();
    assert_eq!(
        (set.profile, set.tags.len(), set.creators, set.max_fandoms),
        (first, 1, vec![writer.user_id.0], Some(2))
    );
    assert_eq!(set.works, {
        let mut w = vec![lamp.0, other.0];
        w.sort();
        w
    });
    assert!(store.mute_set(writer.user_id, None).await.unwrap().is_none(), "profiles are their owner's");
    // The same name twice is a conflict; a second default takes over.
    assert!(matches!(store.save_filter_profile(reader, None, &good).await, Err(StoreError::Conflict(_))));
    let mut second = profile("Light reading");
    second.is_default = true;
    let second = store.save_filter_profile(reader, None, &second).await.unwrap();
    let all = store.filter_profiles(reader).await.unwrap();
    assert_eq!(all.iter().filter(|p| p.is_default).map(|p| p.id).collect::<Vec<_>>(), [second]);
    assert_eq!(store.mute_set(reader, Some(first)).await.unwrap().unwrap().name, "No angst");
    assert_eq!(all.iter().find(|p| p.id == first).unwrap().exclude_tags, ["Angst"]);
    // Another account can neither rewrite nor delete it.
    assert!(matches!(
        store.save_filter_profile(writer.user_id, Some(first), &good).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(store.delete_filter_profile(writer.user_id, first).await, Err(StoreError::NotFound(_))));
    store.delete_filter_profile(reader, second).await.unwrap();
    assert!(store.mute_set(reader, None).await.unwrap().is_none(), "no default left");
});
