//! The work form.

use super::*;

#[derive(Serialize, Default, Clone)]
pub(super) struct ChapterFields {
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) notes: String,
    pub(super) end_notes: String,
    pub(super) content: String,
}

#[derive(Serialize, Default, Clone)]
pub(super) struct WorkFields {
    pub(super) title: String,
    pub(super) summary: String,
    pub(super) notes: String,
    pub(super) end_notes: String,
    pub(super) rating: String,
    pub(super) warnings: Vec<String>,
    pub(super) categories: Vec<String>,
    pub(super) fandoms: String,
    pub(super) relationships: String,
    pub(super) characters: String,
    pub(super) freeforms: String,
    pub(super) language: String,
    pub(super) pseuds: Vec<i64>,
    pub(super) co_creators: String,
    pub(super) complete: bool,
    pub(super) expected_chapters: String,
    pub(super) restricted: bool,
    pub(super) allow_downloads: bool,
    /// `everyone`, `members` or `no_one` (flourish_core::CommentPolicy).
    pub(super) comment_policy: String,
    pub(super) moderated: bool,
    pub(super) published: String,
    pub(super) series: String,
    pub(super) series_position: String,
    pub(super) new_series: String,
    pub(super) text_format: String,
    pub(super) chapters: Vec<ChapterFields>,
    /// Tags the text suggests, offered as choices the writer must tick.
    pub(super) suggested: Option<SuggestedChoices>,
}

/// What the text suggests, by tag field; shown unticked.
#[derive(Serialize, Default, Clone)]
pub(super) struct SuggestedChoices {
    pub(super) fandoms: Vec<String>,
    pub(super) characters: Vec<String>,
    pub(super) relationships: Vec<String>,
    pub(super) freeforms: Vec<String>,
}

impl SuggestedChoices {
    /// Reads `html` (the work's chapters) for suggestions.
    pub(super) fn of_text(state: &AppState, html: &str, name: &str) -> Option<SuggestedChoices> {
        let doc = flourish_text::read_document(html.as_bytes(), Some(name)).ok()?;
        Some(SuggestedChoices::of(state, &doc))
    }

    pub(super) fn of(state: &AppState, doc: &flourish_text::Document) -> SuggestedChoices {
        SuggestedChoices::from(flourish_text::suggest::suggest(doc, &state.config.lexicons).0)
    }
}

impl From<flourish_text::suggest::SuggestedTags> for SuggestedChoices {
    fn from(s: flourish_text::suggest::SuggestedTags) -> SuggestedChoices {
        SuggestedChoices {
            fandoms: s.fandoms,
            characters: s.characters.into_iter().map(|c| c.name).collect(),
            relationships: s.relationships.into_iter().map(|r| r.name).collect(),
            freeforms: s.places,
        }
    }
}

impl SuggestedChoices {
    /// Each suggestion under the archive's canonical name where it has wrangled one, so a
    /// writer is offered the tag readers filter by.
    pub(super) async fn canonical(mut self, state: &AppState) -> AppResult<SuggestedChoices> {
        use flourish_store::TagStore;
        for list in [&mut self.fandoms, &mut self.characters, &mut self.freeforms] {
            *list = state.store.canonical_names(list).await?;
        }
        self.relationships = state.store.canonical_relationships(&self.relationships).await?;
        Ok(self)
    }
}

/// `existing` (a comma-separated tag field) with the accepted `extra` names added once.
pub(super) fn with_accepted(existing: &str, extra: Vec<&str>) -> String {
    let mut names = flourish_core::tag::split_tag_input(existing);
    for e in extra {
        if !e.trim().is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(e.trim())) {
            names.push(e.trim().to_owned());
        }
    }
    names.join(", ")
}

#[derive(Serialize)]
pub(super) struct Choice {
    pub(super) value: String,
    pub(super) label: String,
}

#[derive(Serialize)]
pub(super) struct WorkFormCtx {
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) editing: bool,
    pub(super) form: WorkFields,
    pub(super) errors: FieldErrors,
    pub(super) ratings: Vec<&'static str>,
    pub(super) warnings: Vec<&'static str>,
    pub(super) categories: Vec<&'static str>,
    pub(super) pseuds: Vec<Choice>,
    pub(super) series: Vec<Choice>,
    pub(super) notice: Option<String>,
    pub(super) limits: flourish_core::Limits,
}

impl WorkFields {
    pub(super) fn blank(default_pseud: Option<i64>) -> WorkFields {
        WorkFields {
            language: "en".into(),
            complete: true,
            allow_downloads: true,
            comment_policy: flourish_core::CommentPolicy::default().as_str().into(),
            text_format: "html".into(),
            pseuds: default_pseud.into_iter().collect(),
            chapters: vec![ChapterFields::default()],
            ..Default::default()
        }
    }

    pub(super) fn read(form: &FormData) -> WorkFields {
        let count = form.get("chapter_count").parse::<usize>().unwrap_or(1).clamp(1, 500);
        let chapters = (0..count)
            .map(|i| ChapterFields {
                title: form.get(&format!("chapters[{i}].title")).to_owned(),
                summary: form.get(&format!("chapters[{i}].summary")).to_owned(),
                notes: form.get(&format!("chapters[{i}].notes")).to_owned(),
                end_notes: form.get(&format!("chapters[{i}].end_notes")).to_owned(),
                content: form.get(&format!("chapters[{i}].content")).to_owned(),
            })
            .collect();
        WorkFields {
            suggested: None,
            title: form.get("title").to_owned(),
            summary: form.get("summary").to_owned(),
            notes: form.get("notes").to_owned(),
            end_notes: form.get("end_notes").to_owned(),
            rating: form.get("rating").to_owned(),
            warnings: form.all("warnings").into_iter().map(str::to_owned).collect(),
            categories: form.all("categories").into_iter().map(str::to_owned).collect(),
            // Suggestions count only when ticked.
            fandoms: with_accepted(form.get("fandoms"), form.all("accept_fandoms")),
            relationships: with_accepted(form.get("relationships"), form.all("accept_relationships")),
            characters: with_accepted(form.get("characters"), form.all("accept_characters")),
            freeforms: with_accepted(form.get("freeforms"), form.all("accept_freeforms")),
            language: form.get("language").to_owned(),
            pseuds: form.all("pseuds").into_iter().filter_map(|p| p.parse().ok()).collect(),
            co_creators: form.get("co_creators").to_owned(),
            complete: form.checked("complete"),
            expected_chapters: form.get("expected_chapters").to_owned(),
            restricted: form.checked("restricted"),
            allow_downloads: form.checked("allow_downloads"),
            comment_policy: form.get("comment_policy").to_owned(),
            moderated: form.checked("moderated"),
            published: form.get("published").to_owned(),
            series: form.get("series").to_owned(),
            series_position: form.get("series_position").to_owned(),
            new_series: form.get("new_series").to_owned(),
            text_format: form.get("text_format").to_owned(),
            chapters,
        }
    }

    /// The fields of a stored work, for its edit form.
    pub(super) fn of(work: &Work) -> WorkFields {
        use flourish_core::TagKind;
        let names = |kind: TagKind| work.tags.of_kind(kind).map(|t| t.name.clone()).collect::<Vec<_>>();
        WorkFields {
            title: work.title.clone(),
            summary: work.summary.clone(),
            notes: work.notes.clone(),
            end_notes: work.end_notes.clone(),
            rating: names(TagKind::Rating).into_iter().next().unwrap_or_default(),
            warnings: names(TagKind::Warning),
            categories: names(TagKind::Category),
            fandoms: names(TagKind::Fandom).join(", "),
            relationships: names(TagKind::Relationship).join(", "),
            characters: names(TagKind::Character).join(", "),
            freeforms: names(TagKind::Freeform).join(", "),
            language: work.language.clone(),
            pseuds: work.creators.iter().map(|p| p.id.0).collect(),
            complete: work.complete,
            expected_chapters: work.expected_chapters.map(|n| n.to_string()).unwrap_or_default(),
            restricted: work.restricted,
            allow_downloads: work.allow_downloads,
            comment_policy: work.comment_policy.as_str().to_owned(),
            moderated: work.moderated,
            published: work.published_at.date().to_string(),
            text_format: "html".into(),
            chapters: vec![],
            ..Default::default()
        }
    }

    /// The draft these fields describe, or the fields' errors. `own_pseuds` are the
    /// writer's; crediting anyone else goes through co-creator invitations.
    pub(super) fn draft(
        &self,
        own_pseuds: &[flourish_core::Pseud],
        limits: &flourish_core::Limits,
        with_chapters: bool,
        errors: &mut FieldErrors,
    ) -> Option<WorkDraft> {
        let rating = Rating::from_name(&self.rating);
        if rating.is_none() {
            errors.add("rating", "Choose a rating.");
        }
        let mut warnings = Vec::new();
        for w in &self.warnings {
            match ArchiveWarning::from_name(w) {
                Some(w) => warnings.push(w),
                None => errors.add("warnings", format!("{w:?} is not an archive warning.")),
            }
        }
        let mut categories = Vec::new();
        for c in &self.categories {
            match Category::from_name(c) {
                Some(c) => categories.push(c),
                None => errors.add("categories", format!("{c:?} is not a category.")),
            }
        }
        let creators: Vec<_> = own_pseuds.iter().filter(|p| self.pseuds.contains(&p.id.0)).map(|p| p.id).collect();
        if creators.is_empty() {
            errors.add("pseuds", "Choose at least one of your pseuds to post as.");
        }
        let expected_chapters = match self.expected_chapters.trim() {
            "" | "?" => None,
            n => match n.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    errors.add("expected_chapters", "Enter a number of chapters, or ? if you don't know yet.");
                    None
                }
            },
        };
        let published_at = match self.published.trim() {
            "" => None,
            d => match time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")) {
                Ok(date) if flourish_core::validation::may_be_published_on(date) => Some(date.midnight().assume_utc()),
                Ok(_) => {
                    errors.add("published", flourish_core::validation::FUTURE_DATE);
                    None
                }
                Err(_) => {
                    errors.add("published", "Enter the date as YYYY-MM-DD.");
                    None
                }
            },
        };
        let comment_policy = match self.comment_policy.trim() {
            "" => flourish_core::CommentPolicy::default(),
            p => p.parse().unwrap_or_else(|_| {
                errors.add("comment_policy", "Choose who may comment.");
                flourish_core::CommentPolicy::default()
            }),
        };
        let html = |text: &str| if text.trim().is_empty() { String::new() } else { paragraphs_in_html(text) };
        let draft = WorkDraft {
            title: self.title.trim().to_owned(),
            summary: html(&self.summary),
            notes: html(&self.notes),
            end_notes: html(&self.end_notes),
            language: self.language.trim().to_owned(),
            rating: rating.unwrap_or(Rating::NotRated),
            warnings,
            categories,
            fandoms: flourish_core::tag::split_tag_input(&self.fandoms),
            relationships: flourish_core::tag::split_tag_input(&self.relationships),
            characters: flourish_core::tag::split_tag_input(&self.characters),
            freeforms: flourish_core::tag::split_tag_input(&self.freeforms),
            creators,
            expected_chapters,
            complete: self.complete,
            posted: false,
            restricted: self.restricted,
            published_at,
            allow_downloads: self.allow_downloads,
            comment_policy,
            moderated: self.moderated,
            chapters: self
                .chapters
                .iter()
                .map(|c| ChapterDraft {
                    title: c.title.trim().to_owned(),
                    summary: html(&c.summary),
                    notes: html(&c.notes),
                    end_notes: html(&c.end_notes),
                    content: if c.content.trim().is_empty() {
                        String::new()
                    } else {
                        to_html(&c.content, &self.text_format)
                    },
                })
                .collect(),
            series: None,
        };
        // The archive's own rules, so every problem is shown at once, not only the form's.
        let checked = if with_chapters { draft.validate(limits) } else { draft.validate_metadata(limits) };
        if let Err(e) = checked {
            let mut seen = errors.fields.keys().cloned().collect::<std::collections::BTreeSet<_>>();
            for f in e.0 {
                // "creators" is the form's "pseuds", already checked above.
                if f.field != "creators" && seen.insert(f.field.clone()) {
                    errors.add(&f.field, f.message);
                }
            }
        }
        errors.is_empty().then_some(draft)
    }
}

/// Which form the work form is: posting a new work, or editing one.
pub(super) struct FormTarget {
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) editing: bool,
}

impl FormTarget {
    pub(super) fn new_work() -> FormTarget {
        FormTarget { heading: "Post New Work".into(), action: "/works/new".into(), editing: false }
    }

    pub(super) fn edit(work: &Work) -> FormTarget {
        FormTarget {
            heading: format!("Edit {}", work.title),
            action: format!("/works/{}/edit", work.id),
            editing: true,
        }
    }
}

pub(super) async fn work_form(
    state: &AppState,
    visitor: &Visitor,
    account: &Account,
    target: FormTarget,
    form: WorkFields,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    let FormTarget { heading, action, editing } = target;
    let heading = heading.as_str();
    let pseuds = state.store.pseuds_of(account.id).await?;
    let series = state.store.series_of_user(account.id).await?;
    let ctx = WorkFormCtx {
        heading: heading.into(),
        action,
        editing,
        form,
        errors,
        ratings: Rating::ALL.iter().map(|r| r.name()).collect(),
        warnings: ArchiveWarning::ALL.iter().map(|w| w.name()).collect(),
        categories: Category::ALL.iter().map(|c| c.name()).collect(),
        pseuds: pseuds.iter().map(|p| Choice { value: p.id.0.to_string(), label: p.name.clone() }).collect(),
        series: series.iter().map(|s| Choice { value: s.id.0.to_string(), label: s.title.clone() }).collect(),
        notice: None,
        limits: state.store.limits().clone(),
    };
    render(state, visitor, "posting/work_form.html", heading, ctx).await
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
) -> AppResult<Html<String>> {
    let pseuds = state.store.pseuds_of(account.id).await?;
    let default = pseuds.iter().find(|p| p.is_default).map(|p| p.id.0);
    let form = WorkFields::blank(default);
    work_form(&state, &visitor, &account, FormTarget::new_work(), form, FieldErrors::default()).await
}

pub(super) async fn create(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let mut fields = WorkFields::read(&form);
    let action = form.get("action");
    if action == "suggest" {
        // Read what is typed so far and offer its tags; nothing is saved.
        let html: String = fields.chapters.iter().map(|c| to_html(&c.content, &fields.text_format)).collect();
        fields.suggested =
            match SuggestedChoices::of_text(&state, &format!("<html><body>{html}</body></html>"), "text.html") {
                Some(s) => Some(s.canonical(&state).await?),
                None => None,
            };
        let page =
            work_form(&state, &visitor, &account, FormTarget::new_work(), fields, FieldErrors::default()).await?;
        return Ok(page.into_response());
    }
    let own = state.store.pseuds_of(account.id).await?;
    let mut errors = FieldErrors::default();
    let co_creators = resolve_co_creators(&state, &fields.co_creators, &account, &mut errors).await?;
    let series = resolve_series(&state, &fields, &account, &mut errors).await?;
    let mut created = None;
    if let Some(mut draft) = fields.draft(&own, state.store.limits(), true, &mut errors) {
        draft.posted = action == "post";
        draft.series = series;
        if errors.is_empty() {
            match state.store.create_work(&draft).await {
                Ok(id) => created = Some(id),
                Err(e) => errors.take(e)?,
            }
        }
    }
    let Some(id) = created else {
        let page = work_form(&state, &visitor, &account, FormTarget::new_work(), fields, errors).await?;
        return Ok(invalid(page));
    };
    invite_co_creators(&state, &account, id, &co_creators).await?;
    let event = if action == "post" { "work_posted" } else { "draft_saved" };
    work_changed(&state, &Actor::of(&visitor), id, &fields.title, event, "").await;
    let to = if action == "post" { format!("/works/{id}") } else { format!("/works/{id}/preview") };
    Ok(Redirect::to(&to).into_response())
}

/// Co-creators named on the form: `username`, or `pseud (username)`.
pub(super) async fn resolve_co_creators(
    state: &AppState,
    text: &str,
    account: &Account,
    errors: &mut FieldErrors,
) -> AppResult<Vec<flourish_core::PseudId>> {
    let mut found = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()).take(20) {
        let (pseud, user) = match name.split_once('(') {
            Some((p, u)) => (p.trim(), u.trim_end_matches(')').trim()),
            None => (name, name),
        };
        match state.store.pseud(user, pseud).await? {
            Some(p) if p.user_id == account.id => {}
            Some(p) => found.push(p.id),
            None => errors.add("co_creators", format!("There is no writer called {name}.")),
        }
    }
    Ok(found)
}

/// The series chosen on the form: one of the writer's, or a new one by title.
pub(super) async fn resolve_series(
    state: &AppState,
    fields: &WorkFields,
    account: &Account,
    errors: &mut FieldErrors,
) -> AppResult<Option<SeriesPlacement>> {
    let position = match fields.series_position.trim() {
        "" => None,
        p => match p.parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                errors.add("series_position", "Enter a position of 1 or more, or leave it empty for the end.");
                None
            }
        },
    };
    if !fields.new_series.trim().is_empty() {
        if fields.new_series.chars().count() > state.store.limits().title {
            errors.add("new_series", "That series title is too long.");
        }
        return Ok(Some(SeriesPlacement {
            series: SeriesChoice::New(fields.new_series.trim().to_owned()),
            part: position,
        }));
    }
    match fields.series.trim() {
        "" => Ok(None),
        id => {
            let id: Option<SeriesId> = id.parse().ok();
            let mine = state.store.series_of_user(account.id).await?;
            match id.filter(|id| mine.iter().any(|s| s.id == *id)) {
                Some(id) => Ok(Some(SeriesPlacement { series: SeriesChoice::Existing(id), part: position })),
                None => {
                    errors.add("series", "Choose one of your series.");
                    Ok(None)
                }
            }
        }
    }
}

/// What follows a saved work: invitations to co-creators. (Its series is joined in the
/// work's own transaction, through the draft.)
pub(super) async fn invite_co_creators(
    state: &AppState,
    account: &Account,
    id: WorkId,
    co_creators: &[flourish_core::PseudId],
) -> AppResult<()> {
    for pseud in co_creators {
        state.store.invite_creator(id, *pseud, account.id).await?;
    }
    Ok(())
}
