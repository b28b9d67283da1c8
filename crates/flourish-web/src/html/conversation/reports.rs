//! Reports: the form a reader files one with, and the queue admins and moderators work.
//!
//! The rules (who may report what, once; what enters the queue; who may close it) are the
//! store's (`flourish_store::ReportStore`). Closing one takes its action first, through the
//! store's own method for that action, then closes the target's reports: see the store
//! module for why that order loses nothing.

use crate::audit;
use crate::auth::{Staff, Visitor, Writer};
use crate::error::{AppError, AppResult, path_id};
use crate::html::form::{FieldErrors, FormData, invalid};
use crate::html::{PageQuery, message, query_param, render};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Redirect, Response};
use flourish_core::report::DETAILS_MAX;
use flourish_core::{AccountStatus, Report, ReportAction, ReportContext, ReportId, ReportReason, ReportTarget, UserId};
use flourish_store::{AccountStore, CommentStore, NewReport, QueueFilter, ReportStore, StoreError, WorkEditing};
use serde::Serialize;

/// Reports a queue page lists.
const PER_PAGE: u32 = 50;

/// A refusal of one field, as the store words its own.
fn invalid_field(field: &str, message: impl Into<String>) -> StoreError {
    let mut errors = flourish_core::ValidationErrors::default();
    errors.add(field, message);
    StoreError::Invalid(errors)
}

/// The target a link or form names: `work`, `chapter`, `comment` (ids) or `user` (a
/// username, as profile links carry it).
async fn target_named(state: &AppState, read: impl Fn(&str) -> Option<String>) -> AppResult<ReportTarget> {
    if let Some(id) = read("work") {
        return Ok(ReportTarget::Work(path_id(&id)?));
    }
    if let Some(id) = read("chapter") {
        return Ok(ReportTarget::Chapter(path_id(&id)?));
    }
    if let Some(id) = read("comment") {
        return Ok(ReportTarget::Comment(path_id(&id)?));
    }
    if let Some(name) = read("user") {
        let account = state.store.user_by_name(name.trim()).await?.ok_or(AppError::NotFound)?;
        return Ok(ReportTarget::User(account.id));
    }
    Err(AppError::BadRequest("Say what you are reporting: a work, chapter, comment or user.".into()))
}

#[derive(Serialize)]
struct Reason {
    value: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct FormPage {
    noun: &'static str,
    kind: &'static str,
    /// The form's hidden field value: an id, or for an account its name.
    key: String,
    context: ReportContext,
    reasons: Vec<Reason>,
    reason: String,
    details: String,
    details_max: usize,
    errors: FieldErrors,
}

async fn form_page(
    state: &AppState,
    visitor: &Visitor,
    target: ReportTarget,
    context: ReportContext,
    form: Option<&FormData>,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    let key = match target {
        ReportTarget::User(_) => context.title.clone(),
        other => other.id().to_string(),
    };
    let ctx = FormPage {
        noun: target.noun(),
        kind: target.kind(),
        key,
        reasons: ReportReason::ALL.iter().map(|r| Reason { value: r.as_str(), label: r.label() }).collect(),
        reason: form.map(|f| f.get("reason").to_owned()).unwrap_or_default(),
        details: form.map(|f| f.get("details").to_owned()).unwrap_or_default(),
        details_max: DETAILS_MAX,
        context,
        errors,
    };
    render(state, visitor, "reports/form.html", &format!("Report this {}", target.noun()), ctx).await
}

/// `GET /reports/new?work=ID` (or `chapter`, `comment`, `user=NAME`).
pub async fn new_form(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    uri: Uri,
) -> AppResult<Response> {
    let target = target_named(&state, |name| query_param(&uri, name)).await?;
    let context = state.store.reportable(account.id, target).await?;
    Ok(form_page(&state, &visitor, target, context, None, FieldErrors::default()).await?.into_response())
}

/// `POST /reports`: files it, or shows the form again with what was wrong.
pub async fn create(
    State(state): State<AppState>,
    Writer(visitor, account): Writer,
    form: FormData,
) -> AppResult<Response> {
    let target = target_named(&state, |name| {
        let v = form.get(name);
        (!v.is_empty()).then(|| v.to_owned())
    })
    .await?;
    let reason = form.get("reason").parse::<ReportReason>();
    let result = match reason {
        Ok(reason) => {
            let new = NewReport { reporter: account.id, target, reason, details: form.get("details") };
            state.store.file_report(&new).await.map(|_| ())
        }
        Err(_) => Err(invalid_field("reason", "Choose what is wrong.")),
    };
    match result {
        Ok(()) => {
            let back = state.store.report_context(target).await?.map(|c| c.url).unwrap_or_else(|| "/".to_owned());
            Ok(message(
                &state,
                &visitor,
                "Thank you for your report",
                &[
                    "The archive's moderators will look at it. Nobody else sees who reported what.",
                    "You will hear the outcome in your inbox.",
                ],
                Some((&back, "Go back")),
            )
            .await?
            .into_response())
        }
        Err(StoreError::Invalid(v)) => {
            let context = state.store.reportable(account.id, target).await?;
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            Ok(invalid(form_page(&state, &visitor, target, context, Some(&form), errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

// --- The queue ------------------------------------------------------------------------------

#[derive(Serialize)]
struct ReportView {
    id: i64,
    noun: &'static str,
    title: String,
    url: Option<String>,
    excerpt: String,
    hidden: bool,
    owners: Vec<String>,
    reason: &'static str,
    details: String,
    reporter: String,
    counted: bool,
    state: &'static str,
    outcome: Option<&'static str>,
    resolved_by: Option<String>,
    filed: String,
    closed: Option<String>,
    open_on_target: i64,
}

fn view(report: &Report) -> ReportView {
    let noun = report.target.noun();
    ReportView {
        id: report.id.0,
        noun,
        title: report.context.as_ref().map_or_else(|| format!("(a deleted {noun})"), |c| c.title.clone()),
        url: report.context.as_ref().map(|c| c.url.clone()),
        excerpt: report.context.as_ref().map(|c| c.excerpt.clone()).unwrap_or_default(),
        hidden: report.context.as_ref().is_some_and(|c| c.hidden),
        owners: report.context.iter().flat_map(|c| c.owners.iter().map(|(_, n)| n.clone())).collect(),
        reason: report.reason.label(),
        details: report.details.clone(),
        reporter: report.reporter.clone(),
        counted: report.counted,
        state: report.state.as_str(),
        outcome: report.outcome.map(ReportAction::as_str),
        resolved_by: report.resolved_by.clone(),
        filed: crate::views::date(report.created_at),
        closed: report.resolved_at.map(crate::views::date),
        open_on_target: report.open_on_target,
    }
}

/// `GET /admin/reports` (`?closed=1` for what was dealt with).
pub async fn queue(
    State(state): State<AppState>,
    Staff(visitor, _): Staff,
    uri: Uri,
    page: PageQuery,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx {
        closed: bool,
        reports: Vec<ReportView>,
        total: u64,
        page: u32,
        pages: u32,
    }
    let closed = query_param(&uri, "closed").is_some_and(|v| v == "1");
    let filter = if closed { QueueFilter::Closed } else { QueueFilter::Open };
    let found = state.store.report_queue(filter, page.page(), PER_PAGE).await?;
    let ctx = Ctx {
        closed,
        reports: found.items.iter().map(view).collect(),
        total: found.total,
        page: found.page,
        pages: found.page_count(),
    };
    render(&state, &visitor, "admin/reports.html", "Reports", ctx).await
}

#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: &'static str,
}

async fn report_page(
    state: &AppState,
    visitor: &Visitor,
    report: &Report,
    note: &str,
    errors: FieldErrors,
) -> AppResult<Html<String>> {
    #[derive(Serialize)]
    struct Ctx<'a> {
        report: ReportView,
        others: Vec<ReportView>,
        actions: Vec<Choice>,
        note: &'a str,
        errors: FieldErrors,
    }
    let others = state.store.reports_on_target(report.target).await?;
    let ctx = Ctx {
        report: view(report),
        others: others.iter().filter(|r| r.id != report.id).map(view).collect(),
        actions: report.target.actions().iter().map(|a| Choice { value: a.as_str(), label: a.label() }).collect(),
        note,
        errors,
    };
    render(state, visitor, "admin/report.html", &format!("Report {}", report.id), ctx).await
}

async fn load(state: &AppState, id: &str) -> AppResult<Report> {
    let id: ReportId = path_id(id)?;
    state.store.report(id).await?.ok_or(AppError::NotFound)
}

/// `GET /admin/reports/{id}`: the report, its target in context, every other report of the
/// same target, and what can be done.
pub async fn show(
    State(state): State<AppState>,
    Staff(visitor, _): Staff,
    Path(id): Path<String>,
) -> AppResult<Html<String>> {
    let report = load(&state, &id).await?;
    report_page(&state, &visitor, &report, "", FieldErrors::default()).await
}

/// `POST /admin/reports/{id}` with `action` and `note`: takes the action, closes the
/// target's open reports, tells the reporters, and writes it all to the audit log.
pub async fn resolve(
    State(state): State<AppState>,
    Staff(visitor, staff): Staff,
    Path(id): Path<String>,
    form: FormData,
) -> AppResult<Response> {
    let report = load(&state, &id).await?;
    let note = form.get("note");
    let outcome = match form.get("action").parse::<ReportAction>() {
        Ok(action) => match take_action(&state, staff.id, &report, action).await {
            Ok(()) => state.store.close_reports(report.id, staff.id, action, note).await.map(|n| (action, n)),
            Err(e) => Err(e),
        },
        Err(_) => Err(invalid_field("action", "Choose what to do.")),
    };
    match outcome {
        Ok((action, closed)) => {
            let target = format!("report {}: {} {}", report.id, report.target.kind(), report.target.id());
            let detail = match (closed, note.trim()) {
                (1, "") => String::new(),
                (1, note) => note.to_owned(),
                (n, "") => format!("closed {n} reports of it"),
                (n, note) => format!("closed {n} reports of it; {note}"),
            };
            audit::by_visitor(&state, &visitor, &format!("report_{}", action.as_str()), &target, &detail).await;
            Ok(Redirect::to("/admin/reports?notice=closed").into_response())
        }
        Err(StoreError::Invalid(v)) => {
            let mut errors = FieldErrors::default();
            errors.extend(&v);
            Ok(invalid(report_page(&state, &visitor, &report, note, errors).await?))
        }
        Err(e) => Err(e.into()),
    }
}

/// Takes `action` on the report's target. Each step is idempotent and a target that is
/// gone counts as dealt with, so taking it twice (after a crash) changes nothing.
async fn take_action(state: &AppState, by: UserId, report: &Report, action: ReportAction) -> Result<(), StoreError> {
    if let Some(refusal) = report.target.refuses(action) {
        return Err(invalid_field("action", refusal));
    }
    let Some(context) = &report.context else { return Ok(()) };
    // The work the target lives in, as the report recorded it (none for an account).
    let work = report.work;
    match (action, report.target) {
        (ReportAction::Warn | ReportAction::Dismiss, _) => {}
        (ReportAction::Hide, ReportTarget::Work(_) | ReportTarget::Chapter(_)) => {
            state.store.set_hidden(work.ok_or(StoreError::NotFound("work"))?, true).await?;
        }
        (ReportAction::Delete, ReportTarget::Work(work)) => state.store.delete_work(work).await?,
        (ReportAction::Delete, ReportTarget::Chapter(chapter)) => {
            state.store.delete_chapter(work.ok_or(StoreError::NotFound("chapter"))?, chapter).await?;
        }
        (ReportAction::Hide, ReportTarget::Comment(comment)) => state.store.hide_comment(comment, true, by).await?,
        (ReportAction::Delete, ReportTarget::Comment(comment)) => state.store.delete_comment(comment, by).await?,
        (ReportAction::Suspend, _) => {
            let Some((owner, name)) = context.owners.first() else {
                return Err(invalid_field(
                    "action",
                    "A guest's comment has no account to suspend: hide or delete it instead.",
                ));
            };
            let account = state.store.account(*owner).await?.ok_or(StoreError::NotFound("account"))?;
            if account.is_admin || account.is_moderator || account.id == by {
                return Err(StoreError::Forbidden(format!(
                    "{name} is on the archive's staff: an admin changes their standing from the users page."
                )));
            }
            if account.status == AccountStatus::Active {
                state.store.set_status(account.id, AccountStatus::Suspended).await?;
            }
        }
        // Refused above: an account is warned or suspended, not hidden or deleted.
        (ReportAction::Hide | ReportAction::Delete, ReportTarget::User(_)) => {}
    }
    if let Some(work) = work {
        state.page_cache.forget(work);
    }
    Ok(())
}
