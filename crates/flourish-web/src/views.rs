//! What templates receive: domain types turned into ready-to-print values (paths, dates,
//! labels), built in one place so every page shows a work the same way.

use flourish_core::{Chapter, ChapterSummary, Pseud, Series, Tag, TagKind, Work};
use flourish_store::Page;
use serde::Serialize;
use time::OffsetDateTime;
use time::macros::format_description;

/// A time as the store keeps it (unix seconds); the epoch if it is out of range.
pub fn unix(secs: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(secs).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A calendar date as it was given (a work's published and updated dates), in no zone.
pub fn date(t: OffsetDateTime) -> String {
    t.format(format_description!("[year]-[month]-[day]")).unwrap_or_default()
}

tokio::task_local! {
    /// The time zone of the member whose request this is (see [`with_time_zone`]).
    static ZONE: jiff::tz::TimeZone;
}

/// `t` in the reader's time zone (UTC for guests), with the zone's abbreviation.
fn in_zone(t: OffsetDateTime) -> (OffsetDateTime, String) {
    ZONE.try_with(|zone| {
        let Ok(at) = jiff::Timestamp::from_second(t.unix_timestamp()) else { return (t, "UTC".to_owned()) };
        let info = zone.to_offset_info(at);
        let offset = time::UtcOffset::from_whole_seconds(info.offset().seconds()).unwrap_or(time::UtcOffset::UTC);
        (t.to_offset(offset), info.abbreviation().to_owned())
    })
    .unwrap_or_else(|_| (t, "UTC".to_owned()))
}

/// The day something happened (a bookmark, a visit), in the reader's time zone.
pub fn local_date(t: OffsetDateTime) -> String {
    date(in_zone(t).0)
}

/// When something happened (a comment, a notification), in the reader's time zone.
pub fn local_time(t: OffsetDateTime) -> String {
    let (local, zone) = in_zone(t);
    format!("{} {zone}", local.format(format_description!("[year]-[month]-[day] [hour]:[minute]")).unwrap_or_default())
}

/// Whether `name` is a time zone this archive knows.
pub fn known_time_zone(name: &str) -> bool {
    jiff::tz::TimeZone::get(name).is_ok()
}

/// Every time zone a member may choose, by name.
pub fn time_zones() -> Vec<String> {
    let mut names: Vec<String> = jiff::tz::db().available().map(|n| n.to_string()).collect();
    names.sort();
    names
}

/// Middleware: a member's HTML pages show times in their chosen zone. (Their preferences
/// are read once per request and the page's look reads the same copy.)
pub async fn with_time_zone(
    axum::extract::State(state): axum::extract::State<crate::state::AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let visitor = request.extensions().get::<crate::auth::Visitor>().filter(|v| v.account.is_some()).cloned();
    let page = request.method() == axum::http::Method::GET && !request.uri().path().starts_with("/api/");
    let zone = match visitor {
        Some(v) if page => match v.preferences(&state.store).await {
            Ok(Some(p)) if p.time_zone != "UTC" => jiff::tz::TimeZone::get(&p.time_zone).ok(),
            _ => None,
        },
        _ => None,
    };
    match zone {
        Some(zone) => ZONE.scope(zone, next.run(request)).await,
        None => next.run(request).await,
    }
}

#[derive(Serialize)]
pub struct Link {
    pub name: String,
    pub url: String,
}

impl From<&Tag> for Link {
    fn from(t: &Tag) -> Link {
        Link { name: t.name.clone(), url: t.works_path() }
    }
}

impl From<&Pseud> for Link {
    fn from(p: &Pseud) -> Link {
        Link { name: p.byline(), url: p.path() }
    }
}

/// One group of a work's tag block: `Relationships: A/B, C & D`.
#[derive(Serialize)]
pub struct TagGroup {
    pub kind: &'static str,
    pub label: &'static str,
    pub tags: Vec<Link>,
}

#[derive(Serialize)]
pub struct SeriesLink {
    pub title: String,
    pub url: String,
    pub position: u32,
}

/// A work as every page shows it: blurb, meta block, preface.
#[derive(Serialize)]
pub struct WorkView {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub creators: Vec<Link>,
    pub rating: Option<Link>,
    /// Short codes for the "required tags" of a blurb.
    pub rating_short: &'static str,
    pub warnings: Vec<Link>,
    pub categories: Vec<Link>,
    pub fandoms: Vec<Link>,
    /// Every tag group in AO3's order; empty groups left out.
    pub tag_groups: Vec<TagGroup>,
    /// Warnings, relationships, characters and additional tags: the blurb's tag line.
    pub blurb_tags: Vec<BlurbTag>,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub language: String,
    pub words: u64,
    /// Hits, kudos, comments and bookmarks, as counted on the work row.
    pub stats: flourish_core::WorkStats,
    pub chapters: String,
    pub chapter_count: u32,
    pub complete: bool,
    pub restricted: bool,
    pub published: String,
    pub updated: String,
    pub updated_differs: bool,
    pub series: Vec<SeriesLink>,
    /// In search results: the title with matches marked (escaped HTML).
    pub title_html: Option<String>,
    /// In search results: the part of the summary that matched (escaped HTML).
    pub summary_snippet: Option<String>,
    /// For a member who read it: "2 new chapters since you read", "Updated since you
    /// read", "Read to chapter 2 of 5" or "Read" ([`Listing::mark_read`]).
    pub reading_mark: Option<String>,
}

#[derive(Serialize)]
pub struct BlurbTag {
    pub kind: &'static str,
    pub name: String,
    pub url: String,
}

impl WorkView {
    pub fn new(work: &Work) -> WorkView {
        let links = |kind| work.tags.of_kind(kind).map(Link::from).collect::<Vec<_>>();
        let tag_groups = TagKind::ALL
            .iter()
            .filter_map(|&kind| {
                let tags = links(kind);
                (!tags.is_empty()).then(|| TagGroup { kind: kind.as_str(), label: kind.label(tags.len()), tags })
            })
            .collect();
        let blurb_tags = [TagKind::Warning, TagKind::Relationship, TagKind::Character, TagKind::Freeform]
            .iter()
            .flat_map(|&kind| {
                work.tags.of_kind(kind).map(move |t| BlurbTag {
                    kind: kind.as_str(),
                    name: t.name.clone(),
                    url: t.works_path(),
                })
            })
            .collect();
        let rating = work.tags.rating();
        let rating_short = rating.and_then(|r| flourish_core::Rating::from_name(&r.name)).map_or("NR", |r| r.short());
        let published = date(work.published_at);
        let updated = date(work.updated_at);
        WorkView {
            id: work.id.0,
            title: work.title.clone(),
            url: format!("/works/{}", work.id),
            creators: work.creators.iter().map(Link::from).collect(),
            rating: rating.map(Link::from),
            rating_short,
            warnings: links(TagKind::Warning),
            categories: links(TagKind::Category),
            fandoms: links(TagKind::Fandom),
            tag_groups,
            blurb_tags,
            summary: work.summary.clone(),
            notes: work.notes.clone(),
            end_notes: work.end_notes.clone(),
            language: language_name(&work.language),
            words: work.word_count,
            stats: work.stats,
            chapters: work.chapters_label(),
            chapter_count: work.chapter_count,
            complete: work.complete,
            restricted: work.restricted,
            updated_differs: updated != published,
            published,
            updated,
            series: work
                .series
                .iter()
                .map(|s| SeriesLink {
                    title: s.title.clone(),
                    url: format!("/series/{}", s.series_id),
                    position: s.position,
                })
                .collect(),
            title_html: None,
            summary_snippet: None,
            reading_mark: None,
        }
    }
}

/// English names of common language codes; others are shown as their code.
fn language_name(code: &str) -> String {
    let name = match code.split('-').next().unwrap_or(code) {
        "en" => "English",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "it" => "Italiano",
        "pt" => "Português",
        "ru" => "Русский",
        "ja" => "日本語",
        "zh" => "中文",
        "ko" => "한국어",
        "pl" => "Polski",
        "nl" => "Nederlands",
        _ => return code.to_owned(),
    };
    name.to_owned()
}

#[derive(Serialize)]
pub struct ChapterView {
    pub id: i64,
    pub position: u32,
    pub title: String,
    pub display_title: String,
    pub url: String,
    pub summary: String,
    pub notes: String,
    pub end_notes: String,
    pub content: String,
    pub words: u64,
    pub published: String,
}

impl ChapterView {
    pub fn new(chapter: &Chapter) -> ChapterView {
        ChapterView {
            id: chapter.id.0,
            position: chapter.position,
            title: chapter.title.clone(),
            display_title: chapter.summary().display_title(),
            url: format!("/works/{}/chapters/{}", chapter.work_id, chapter.id),
            summary: chapter.summary.clone(),
            notes: chapter.notes.clone(),
            end_notes: chapter.end_notes.clone(),
            content: chapter.content.clone(),
            words: chapter.word_count,
            published: date(chapter.published_at),
        }
    }
}

#[derive(Serialize)]
pub struct ChapterLink {
    pub id: i64,
    pub position: u32,
    pub display_title: String,
    pub url: String,
    pub published: String,
}

impl ChapterLink {
    pub fn new(work: &Work, c: &ChapterSummary) -> ChapterLink {
        ChapterLink {
            id: c.id.0,
            position: c.position,
            display_title: c.display_title(),
            url: format!("/works/{}/chapters/{}", work.id, c.id),
            published: date(c.published_at),
        }
    }
}

#[derive(Serialize)]
pub struct SeriesView {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub notes: String,
    pub complete: bool,
    pub creators: Vec<Link>,
    pub updated: String,
}

impl SeriesView {
    pub fn new(s: &Series) -> SeriesView {
        SeriesView {
            id: s.id.0,
            title: s.title.clone(),
            summary: s.summary.clone(),
            notes: s.notes.clone(),
            complete: s.complete,
            creators: s.creators.iter().map(Link::from).collect(),
            updated: date(s.updated_at),
        }
    }
}

/// A page of works with what pagination needs.
#[derive(Serialize)]
pub struct Listing {
    pub works: Vec<WorkView>,
    pub page: u32,
    pub pages: u32,
    pub total: u64,
    pub first: u64,
    pub last: u64,
    /// Page numbers to show, with `None` for a gap (`1 2 … 9 10 11 … 40`).
    pub nav: Vec<Option<u32>>,
}

impl Listing {
    pub fn new(page: &Page<Work>) -> Listing {
        let pages = page.page_count();
        let first = Page::<Work>::offset(page.page, page.per_page) as u64 + 1;
        let last = first + page.items.len() as u64 - 1;
        Listing {
            works: page.items.iter().map(WorkView::new).collect(),
            page: page.page,
            pages,
            total: page.total,
            first: first.min(page.total.max(1)),
            last,
            nav: page_numbers(page.page, pages),
        }
    }
}

impl Listing {
    /// Marks the works a member has read: new chapters since, updated since, or read.
    /// Nothing for guests, and only ever the viewer's own history.
    pub async fn mark_read(
        &mut self,
        state: &crate::state::AppState,
        viewer: flourish_core::Viewer,
    ) -> Result<(), flourish_store::StoreError> {
        let flourish_core::Viewer::Member(user) = viewer else { return Ok(()) };
        let ids: Vec<flourish_core::WorkId> = self.works.iter().map(|w| flourish_core::WorkId(w.id)).collect();
        let readings = flourish_store::ReadingStore::readings_of(&state.store, user, &ids).await?;
        for view in &mut self.works {
            if let Some(r) = readings.iter().find(|r| r.work.0 == view.id) {
                view.reading_mark = Some(match r.new_chapters() {
                    0 if r.updated_since() => "Updated since you read".to_owned(),
                    0 => match r.chapter_position {
                        Some(p) if p < r.chapters_now => format!("Read to chapter {p} of {}", r.chapters_now),
                        _ => "Read".to_owned(),
                    },
                    1 => "1 new chapter since you read".to_owned(),
                    n => format!("{n} new chapters since you read"),
                });
            }
        }
        Ok(())
    }
}

fn page_numbers(current: u32, pages: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let mut last_shown = 0;
    for p in 1..=pages {
        let near = p.abs_diff(current) <= 2;
        if p <= 2 || p + 1 >= pages || near {
            if last_shown + 1 < p {
                out.push(None);
            }
            out.push(Some(p));
            last_shown = p;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn pagination_elides_the_middle() {
        let show = |c, n| {
            super::page_numbers(c, n)
                .iter()
                .map(|p| p.map_or("…".to_string(), |p| p.to_string()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(show(1, 1), "1");
        assert_eq!(show(1, 10), "1 2 3 … 9 10");
        assert_eq!(show(5, 10), "1 2 3 4 5 6 7 … 9 10");
        assert_eq!(show(20, 40), "1 2 … 18 19 20 21 22 … 39 40");
    }
}

/// An Atom feed a page offers (`<link rel="alternate">` in its head, and a visible link).
#[derive(Clone, Debug, Serialize)]
pub struct FeedLink {
    pub title: String,
    pub url: String,
}
