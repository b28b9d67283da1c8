//! Reading API request bodies: JSON whose unknown fields, wrong types and missing fields
//! come back as field errors (422), never as a bare 400 from the framework.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use flourish_core::{ArchiveWarning, Category, ChapterDraft, PseudId, Rating, ValidationErrors, WorkDraft};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::ToSchema;

/// A JSON body, read strictly.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(AppError::BadRequest("Send JSON, with Content-Type: application/json.".into()));
        }
        let bytes =
            Bytes::from_request(req, state).await.map_err(|_| AppError::TooLarge(crate::auth::MAX_FORM_BYTES))?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut de).map(ApiJson).map_err(|e| {
            let field = e.path().to_string();
            let mut errors = ValidationErrors::default();
            let message = e.inner().to_string();
            // serde's "at line 1 column 5" helps nobody reading a field error.
            let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
            errors.add(if field == "." { "body".to_owned() } else { field }, message);
            AppError::Invalid(errors)
        })
    }
}

/// A chapter as the API takes it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChapterInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub end_notes: String,
    /// The chapter's text, in `format`.
    pub content: String,
    /// `html` (the default; sanitized), `markdown` or `plain`.
    #[serde(default)]
    pub format: Option<String>,
}

impl ChapterInput {
    pub fn draft(&self, field: &str, errors: &mut ValidationErrors) -> ChapterDraft {
        let format = self.format.as_deref().unwrap_or("html");
        if !matches!(format, "html" | "markdown" | "plain") {
            errors.add(format!("{field}format"), "Use html, markdown or plain.");
        }
        ChapterDraft {
            title: self.title.trim().to_owned(),
            summary: self.summary.clone(),
            notes: self.notes.clone(),
            end_notes: self.end_notes.clone(),
            content: flourish_text::formats::to_html(&self.content, format),
        }
    }
}

fn yes() -> bool {
    true
}

/// A work as the API takes it. Tag fields take names as on the posting form.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkInput {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub end_notes: String,
    /// A BCP 47 code; `en` when absent.
    #[serde(default)]
    pub language: Option<String>,
    /// One of AO3's ratings, by name: `General Audiences`, `Teen And Up Audiences`…
    pub rating: String,
    pub warnings: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub fandoms: Vec<String>,
    #[serde(default)]
    pub relationships: Vec<String>,
    #[serde(default)]
    pub characters: Vec<String>,
    #[serde(default)]
    pub freeforms: Vec<String>,
    /// Ids of the token owner's pseuds; the default pseud when absent.
    #[serde(default)]
    pub pseuds: Vec<i64>,
    #[serde(default = "yes")]
    pub complete: bool,
    #[serde(default)]
    pub expected_chapters: Option<u32>,
    #[serde(default)]
    pub restricted: bool,
    /// `false` keeps the work a draft.
    #[serde(default = "yes")]
    pub posted: bool,
    /// Backdating, `YYYY-MM-DD`.
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default = "yes")]
    pub allow_downloads: bool,
    /// Who may comment: `everyone`, `members` (the default) or `no_one`.
    #[serde(default)]
    pub comment_policy: Option<String>,
    /// Hold new comments until a creator approves them.
    #[serde(default)]
    pub moderated: bool,
    /// The work's chapters when posting; absent when updating (chapters have their own routes).
    #[serde(default)]
    pub chapters: Vec<ChapterInput>,
}

impl WorkInput {
    /// The draft, or every field error at once.
    pub fn draft(&self, own: &[flourish_core::Pseud]) -> Result<WorkDraft, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let rating = Rating::from_name(&self.rating);
        if rating.is_none() {
            let names: Vec<&str> = Rating::ALL.iter().map(|r| r.name()).collect();
            errors.add("rating", format!("Use one of: {}.", names.join(", ")));
        }
        let mut warnings = Vec::new();
        for (i, w) in self.warnings.iter().enumerate() {
            match ArchiveWarning::from_name(w) {
                Some(w) => warnings.push(w),
                None => errors.add(format!("warnings[{i}]"), format!("{w:?} is not an archive warning.")),
            }
        }
        let mut categories = Vec::new();
        for (i, c) in self.categories.iter().enumerate() {
            match Category::from_name(c) {
                Some(c) => categories.push(c),
                None => errors.add(format!("categories[{i}]"), format!("{c:?} is not a category.")),
            }
        }
        let creators: Vec<PseudId> = if self.pseuds.is_empty() {
            own.iter().filter(|p| p.is_default).map(|p| p.id).collect()
        } else {
            for (i, id) in self.pseuds.iter().enumerate() {
                if !own.iter().any(|p| p.id.0 == *id) {
                    errors.add(format!("pseuds[{i}]"), "Not one of your pseuds.");
                }
            }
            self.pseuds.iter().map(|id| PseudId(*id)).collect()
        };
        let published_at = match self.published.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(d) => match time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")) {
                Ok(date) if flourish_core::validation::may_be_published_on(date) => Some(date.midnight().assume_utc()),
                Ok(_) => {
                    errors.add("published", flourish_core::validation::FUTURE_DATE);
                    None
                }
                Err(_) => {
                    errors.add("published", "Use YYYY-MM-DD.");
                    None
                }
            },
        };
        let comment_policy = match self.comment_policy.as_deref() {
            None => flourish_core::CommentPolicy::default(),
            Some(p) => p.parse().unwrap_or_else(|_| {
                errors.add("comment_policy", "Use one of: everyone, members, no_one.");
                flourish_core::CommentPolicy::default()
            }),
        };
        let chapters =
            self.chapters.iter().enumerate().map(|(i, c)| c.draft(&format!("chapters[{i}]."), &mut errors)).collect();
        let draft = WorkDraft {
            title: self.title.trim().to_owned(),
            summary: self.summary.clone(),
            notes: self.notes.clone(),
            end_notes: self.end_notes.clone(),
            language: self.language.clone().unwrap_or_else(|| "en".into()),
            rating: rating.unwrap_or(Rating::NotRated),
            warnings,
            categories,
            fandoms: self.fandoms.clone(),
            relationships: self.relationships.clone(),
            characters: self.characters.clone(),
            freeforms: self.freeforms.clone(),
            creators,
            expected_chapters: self.expected_chapters,
            complete: self.complete,
            posted: self.posted,
            restricted: self.restricted,
            published_at,
            allow_downloads: self.allow_downloads,
            comment_policy,
            moderated: self.moderated,
            chapters,
            series: None,
        };
        if errors.0.is_empty() { Ok(draft) } else { Err(errors) }
    }
}
