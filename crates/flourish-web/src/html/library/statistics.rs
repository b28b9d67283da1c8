//! A creator's statistics page: totals, each work and each chapter, a small chart of hits
//! per day per work (SVG drawn here, no script), filters by year and fandom, and the same
//! figures day by day as CSV. The creator's own (anyone else: 404).

use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::html::render;
use crate::query_string::query_param;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{Uri, header};
use axum::response::{IntoResponse, Response};
use flourish_core::{TagKind, UserId, Work, WorkId};
use flourish_store::library::statistics::DAY;
use flourish_store::{Activity, IndexSource, StatisticsStore};
use serde::Serialize;
use std::collections::BTreeMap;

/// Days the chart of each work covers: the last ones of the chosen range.
const CHART_DAYS: i64 = 30;

/// The counts of one work, one chapter or the whole page.
#[derive(Clone, Copy, Default, Serialize)]
struct Counts {
    hits: u64,
    kudos: u64,
    comments: u64,
    bookmarks: u64,
    subscriptions: u64,
}

impl Counts {
    fn add(&mut self, kind: &str, n: i64) {
        let n = n.max(0) as u64;
        match kind {
            "hits" => self.hits += n,
            "kudos" => self.kudos += n,
            "comments" => self.comments += n,
            "bookmarks" => self.bookmarks += n,
            "subscriptions" => self.subscriptions += n,
            _ => {}
        }
    }
}

#[derive(Serialize)]
struct ChapterRow {
    position: u32,
    title: String,
    hits: u64,
}

#[derive(Serialize)]
struct WorkRow {
    id: i64,
    title: String,
    words: u64,
    fandoms: Vec<String>,
    counts: Counts,
    chapters: Vec<ChapterRow>,
    /// An inline SVG of hits per day; only markup this module writes.
    chart: String,
}

/// What the filters chose.
struct Range {
    year: Option<i32>,
    fandom: Option<String>,
    from: i64,
    to: i64,
}

fn range(uri: &Uri) -> AppResult<Range> {
    let today = time::OffsetDateTime::now_utc().unix_timestamp().div_euclid(DAY);
    let year = match query_param(uri, "year").filter(|y| !y.is_empty()) {
        None => None,
        Some(y) => Some(y.parse::<i32>().ok().filter(|y| (1970..=9999).contains(y)).ok_or_else(|| {
            AppError::BadRequest(format!("“{}” is not a year.", y.chars().take(20).collect::<String>()))
        })?),
    };
    let (from, to) = match year {
        Some(y) => {
            let first = time::Date::from_calendar_date(y, time::Month::January, 1).map_err(|_| bad_year())?;
            let last = time::Date::from_calendar_date(y, time::Month::December, 31).map_err(|_| bad_year())?;
            let day = |d: time::Date| d.midnight().assume_utc().unix_timestamp().div_euclid(DAY);
            (day(first), day(last).min(today))
        }
        None => (0, today),
    };
    let fandom = query_param(uri, "fandom").filter(|f| !f.trim().is_empty());
    Ok(Range { year, fandom, from, to })
}

fn bad_year() -> AppError {
    AppError::BadRequest("That year is not on the calendar.".into())
}

fn own(visitor: &Visitor, username: &str) -> AppResult<UserId> {
    match &visitor.account {
        Some(a) if a.username.eq_ignore_ascii_case(username) => Ok(a.id),
        _ => Err(AppError::NotFound),
    }
}

fn fandoms(work: &Work) -> Vec<String> {
    work.tags.0.iter().filter(|t| t.kind == TagKind::Fandom).map(|t| t.name.clone()).collect()
}

/// The works (filtered by fandom) and their activity in the range.
async fn gather(state: &AppState, user: UserId, r: &Range) -> AppResult<(Vec<Work>, Vec<String>, Vec<Activity>)> {
    let ids: Vec<WorkId> = state.store.creator_work_ids(user).await?.into_iter().map(WorkId).collect();
    let all = state.store.works_for_index(&ids).await?;
    let mut every_fandom: Vec<String> = all.iter().flat_map(fandoms).collect();
    every_fandom.sort();
    every_fandom.dedup();
    let works: Vec<Work> = match &r.fandom {
        Some(f) => all.into_iter().filter(|w| fandoms(w).iter().any(|x| x.eq_ignore_ascii_case(f))).collect(),
        None => all,
    };
    let activity = state.store.creator_activity(user, r.from, r.to).await?;
    Ok((works, every_fandom, activity))
}

/// A polyline of `values` (oldest first) in a 240×40 box, with its figures as the title.
fn chart(values: &[u64], label: &str) -> String {
    let max = values.iter().copied().max().unwrap_or(0).max(1) as f64;
    let step = 240.0 / (values.len().max(2) - 1) as f64;
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", i as f64 * step, 38.0 - (*v as f64 / max) * 36.0))
        .collect();
    let total: u64 = values.iter().sum();
    format!(
        "<svg class=\"hits-chart\" viewBox=\"0 0 240 40\" width=\"240\" height=\"40\" role=\"img\" aria-label=\"{label}\">\
         <title>{label}: {total} hits in {} days, at most {} a day</title>\
         <polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"{}\"/></svg>",
        values.len(),
        max as u64,
        points.join(" ")
    )
}

/// `GET /users/{username}/stats` (`?year=`, `?fandom=`).
pub async fn page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
    uri: Uri,
) -> AppResult<Response> {
    let user = own(&visitor, &username)?;
    let r = range(&uri)?;
    let (works, every_fandom, activity) = gather(&state, user, &r).await?;
    let chapters = state.store.creator_chapters(user).await?;
    let chart_from = r.to - CHART_DAYS + 1;
    let mut rows = Vec::new();
    let mut totals = Counts::default();
    for w in &works {
        let mine: Vec<&Activity> = activity.iter().filter(|a| a.work_id == w.id.0).collect();
        let mut counts = Counts::default();
        for a in mine.iter().filter(|a| a.chapter_id == 0) {
            counts.add(&a.kind, a.n);
        }
        if r.year.is_none() {
            // All time: the work's own counts, which include what came before day-by-day
            // figures were kept.
            counts.hits = counts.hits.max(w.stats.hits);
            counts.kudos = w.stats.kudos;
            counts.comments = w.stats.comments;
            counts.bookmarks = w.stats.bookmarks;
        }
        let chapters = chapters
            .iter()
            .filter(|(work, ..)| *work == w.id.0)
            .map(|(_, id, position, title)| ChapterRow {
                position: *position as u32,
                title: title.clone(),
                hits: mine.iter().filter(|a| a.chapter_id == *id && a.kind == "hits").map(|a| a.n.max(0) as u64).sum(),
            })
            .collect();
        let mut daily = vec![0u64; CHART_DAYS as usize];
        for a in mine.iter().filter(|a| a.chapter_id == 0 && a.kind == "hits" && a.day >= chart_from) {
            if let Some(slot) = daily.get_mut((a.day - chart_from) as usize) {
                *slot += a.n.max(0) as u64;
            }
        }
        totals.hits += counts.hits;
        totals.kudos += counts.kudos;
        totals.comments += counts.comments;
        totals.bookmarks += counts.bookmarks;
        totals.subscriptions += counts.subscriptions;
        rows.push(WorkRow {
            id: w.id.0,
            title: w.title.clone(),
            words: w.word_count,
            fandoms: fandoms(w),
            counts,
            chapters,
            chart: chart(&daily, &format!("Hits per day, last {CHART_DAYS} days, {}", w.title)),
        });
    }
    rows.sort_by(|a, b| b.counts.hits.cmp(&a.counts.hits).then(a.id.cmp(&b.id)));
    let this_year = time::OffsetDateTime::now_utc().year();
    let first_year = works.iter().map(|w| w.published_at.year()).min().unwrap_or(this_year);
    #[derive(Serialize)]
    struct Ctx {
        rows: Vec<WorkRow>,
        totals: Counts,
        words: u64,
        years: Vec<i32>,
        year: Option<i32>,
        fandoms: Vec<String>,
        fandom: Option<String>,
        csv_url: String,
        chart_days: i64,
    }
    let mut csv = format!("/users/{username}/stats.csv");
    if let Some(q) = uri.query() {
        csv.push('?');
        csv.push_str(q);
    }
    let ctx = Ctx {
        words: works.iter().map(|w| w.word_count).sum(),
        rows,
        totals,
        years: (first_year..=this_year).rev().collect(),
        year: r.year,
        fandoms: every_fandom,
        fandom: r.fandom,
        csv_url: csv,
        chart_days: CHART_DAYS,
    };
    Ok(render(&state, &visitor, "stats.html", "Statistics", ctx).await?.into_response())
}

/// `GET /users/{username}/stats.csv`: the same works and filters, one row per work (and
/// per chapter, for hits) per day with anything in it.
pub async fn csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(username): Path<String>,
    uri: Uri,
) -> AppResult<Response> {
    let user = own(&visitor, &username)?;
    let r = range(&uri)?;
    let (works, _, activity) = gather(&state, user, &r).await?;
    // (day, work, chapter) → counts, in date order.
    let mut days: BTreeMap<(i64, i64, i64), Counts> = BTreeMap::new();
    for a in activity.iter().filter(|a| works.iter().any(|w| w.id.0 == a.work_id)) {
        days.entry((a.day, a.work_id, a.chapter_id)).or_default().add(&a.kind, a.n);
    }
    let positions: std::collections::HashMap<i64, i64> =
        state.store.creator_chapters(user).await?.into_iter().map(|(_, id, position, _)| (id, position)).collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    let wrap = |e: csv::Error| AppError::Internal(Box::new(e));
    out.write_record([
        "date",
        "work_id",
        "title",
        "chapter",
        "hits",
        "kudos",
        "comments",
        "bookmarks",
        "subscriptions",
    ])
    .map_err(wrap)?;
    for ((day, work, chapter), c) in &days {
        let title = works.iter().find(|w| w.id.0 == *work).map_or("", |w| w.title.as_str());
        let date = crate::listing::filters::format_date(day * DAY).unwrap_or_default();
        let chapter =
            if *chapter == 0 { String::new() } else { positions.get(chapter).map_or(String::new(), i64::to_string) };
        let n = |v: u64| v.to_string();
        out.write_record([
            date.as_str(),
            &work.to_string(),
            title,
            &chapter,
            &n(c.hits),
            &n(c.kudos),
            &n(c.comments),
            &n(c.bookmarks),
            &n(c.subscriptions),
        ])
        .map_err(wrap)?;
    }
    let body = out.into_inner().map_err(|e| AppError::Internal(Box::new(e.into_error())))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{username}-statistics.csv\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
