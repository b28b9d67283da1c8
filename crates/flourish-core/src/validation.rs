//! Field-level validation of what writers submit, against the archive's [`Limits`].

use crate::limits::Limits;
use crate::tag::validate_tag_name;
use crate::work::{ChapterDraft, SeriesChoice, SeriesDraft, WorkDraft};
use serde::{Deserialize, Serialize};
use std::fmt;

/// One problem with one field. `field` names it the way a form or an API client does:
/// `title`, `fandoms`, `chapters[1].content`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Every problem found, so a form can mark all of them at once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", e.field, e.message)?;
        }
        Ok(())
    }
}

impl ValidationErrors {
    pub fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError { field: field.into(), message: message.into() });
    }

    pub fn for_field(&self, field: &str) -> impl Iterator<Item = &FieldError> {
        self.0.iter().filter(move |e| e.field == field)
    }

    /// `Ok` when nothing was added.
    pub fn into_result(self) -> Result<(), ValidationErrors> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }

    fn required(&mut self, field: &str, label: &str, value: &str) {
        if value.trim().is_empty() {
            self.add(field, format!("{label} can't be blank."));
        }
    }

    fn max_chars(&mut self, field: &str, label: &str, value: &str, max: usize) {
        let n = value.chars().count();
        if n > max {
            self.add(field, format!("{label} must be at most {max} characters long (it is {n})."));
        }
    }
}

/// What a writer is told when a work is dated in the future.
pub const FUTURE_DATE: &str = "A work can be backdated, not dated in the future.";

/// Backdating: a work may count as published on any day up to today (UTC), never later.
pub fn may_be_published_on(date: time::Date) -> bool {
    date <= time::OffsetDateTime::now_utc().date()
}

impl WorkDraft {
    /// Checks every field; returns all problems found.
    pub fn validate(&self, limits: &Limits) -> Result<(), ValidationErrors> {
        let mut errors = self.metadata_errors(limits);
        if self.chapters.is_empty() {
            errors.add("chapters", "A work needs at least one chapter.");
        }
        for (i, chapter) in self.chapters.iter().enumerate() {
            chapter.check(&format!("chapters[{i}]."), limits, &mut errors);
        }
        if let Some(expected) = self.expected_chapters
            && expected > 0
            && !self.complete
            && (expected as usize) < self.chapters.len()
        {
            errors.add(
                "expected_chapters",
                format!(
                    "The planned number of chapters ({expected}) is less than the chapters posted ({}).",
                    self.chapters.len()
                ),
            );
        }
        errors.into_result()
    }

    /// Checks the work's own fields, not its chapters: for editing a work whose chapters are
    /// edited one by one.
    pub fn validate_metadata(&self, limits: &Limits) -> Result<(), ValidationErrors> {
        self.metadata_errors(limits).into_result()
    }

    fn metadata_errors(&self, limits: &Limits) -> ValidationErrors {
        let mut errors = ValidationErrors::default();
        errors.required("title", "Title", &self.title);
        errors.max_chars("title", "Title", &self.title, limits.title);
        errors.max_chars("summary", "Summary", &self.summary, limits.summary);
        errors.max_chars("notes", "Notes", &self.notes, limits.notes);
        errors.max_chars("end_notes", "End notes", &self.end_notes, limits.notes);
        errors.required("language", "Language", &self.language);
        if !is_language_tag(&self.language) && !self.language.trim().is_empty() {
            errors.add("language", "Language must be a language code such as en, fr or pt-BR.");
        }
        if self.warnings.is_empty() {
            errors.add("warnings", "Choose at least one archive warning.");
        }
        if self.fandoms.iter().all(|f| f.trim().is_empty()) {
            errors.add("fandoms", "Fandom can't be blank.");
        }
        if self.creators.is_empty() {
            errors.add("creators", "A work needs at least one creator.");
        }
        let mut user_tags = 0;
        for (kind, name) in self.user_tags() {
            let field = format!("{}s", kind.as_str());
            if name.trim().is_empty() {
                continue;
            }
            user_tags += 1;
            if let Err(e) = validate_tag_name(name.trim(), limits.tag_name) {
                errors.add(field, format!("{name:?}: {e}."));
            }
        }
        if user_tags > limits.tags_per_work {
            errors.add(
                "tags",
                format!(
                    "A work can have at most {} fandom, relationship, character and additional tags (it has {user_tags}).",
                    limits.tags_per_work
                ),
            );
        }
        if self.expected_chapters == Some(0) {
            errors.add("expected_chapters", "The planned number of chapters must be at least 1.");
        }
        if self.published_at.is_some_and(|at| !may_be_published_on(at.date())) {
            errors.add("published", FUTURE_DATE);
        }
        if let Some(placement) = &self.series {
            if let SeriesChoice::New(title) | SeriesChoice::Titled(title) = &placement.series {
                errors.required("series", "Series title", title);
                errors.max_chars("series", "Series title", title, limits.title);
            }
            if placement.part == Some(0) {
                errors.add("series", "A work's part in a series is 1 or more.");
            }
        }
        errors
    }
}

impl ChapterDraft {
    /// Checks one chapter on its own (for adding a chapter to an existing work).
    pub fn validate(&self, limits: &Limits) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        self.check("", limits, &mut errors);
        errors.into_result()
    }

    fn check(&self, prefix: &str, limits: &Limits, errors: &mut ValidationErrors) {
        let f = |name: &str| format!("{prefix}{name}");
        errors.max_chars(&f("title"), "Chapter title", &self.title, limits.title);
        errors.max_chars(&f("summary"), "Chapter summary", &self.summary, limits.summary);
        errors.max_chars(&f("notes"), "Chapter notes", &self.notes, limits.notes);
        errors.max_chars(&f("end_notes"), "Chapter end notes", &self.end_notes, limits.notes);
        errors.required(&f("content"), "Chapter text", &self.content);
        errors.max_chars(&f("content"), "Chapter text", &self.content, limits.chapter);
    }
}

impl SeriesDraft {
    pub fn validate(&self, limits: &Limits) -> Result<(), ValidationErrors> {
        let mut errors = ValidationErrors::default();
        errors.required("title", "Series title", &self.title);
        errors.max_chars("title", "Series title", &self.title, limits.title);
        errors.max_chars("summary", "Series summary", &self.summary, limits.summary);
        errors.max_chars("notes", "Series notes", &self.notes, limits.notes);
        if self.creators.is_empty() {
            errors.add("creators", "A series needs at least one creator.");
        }
        errors.into_result()
    }
}

/// A loose BCP 47 check: a 2–3 letter primary language, then alphanumeric subtags.
fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PseudId;

    fn draft() -> WorkDraft {
        WorkDraft::new("A Title", "Harry Potter - J. K. Rowling", PseudId(1), "<p>Text.</p>")
    }

    #[test]
    fn a_complete_draft_is_valid() {
        assert_eq!(draft().validate(&Limits::default()), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_on_its_field() {
        let mut d = draft();
        d.title = "x".repeat(256);
        d.fandoms = vec![" ".into()];
        d.warnings.clear();
        d.freeforms = vec!["bad,tag".into()];
        d.chapters[0].content = "   ".into();
        d.language = "english please".into();
        let errors = d.validate(&Limits::default()).unwrap_err();
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["title", "language", "warnings", "fandoms", "freeforms", "chapters[0].content"]);
        assert!(errors.0[0].message.contains("255"), "{}", errors.0[0].message);
    }

    #[test]
    fn a_work_may_be_backdated_but_not_dated_in_the_future() {
        let now = time::OffsetDateTime::now_utc();
        let mut d = draft();
        d.published_at = Some(now - time::Duration::days(3650));
        assert_eq!(d.validate(&Limits::default()), Ok(()));
        d.published_at = Some(now);
        assert_eq!(d.validate(&Limits::default()), Ok(()), "today is not the future");
        d.published_at = Some(now + time::Duration::days(2));
        let errors = d.validate(&Limits::default()).unwrap_err();
        assert_eq!(errors.0, [FieldError { field: "published".into(), message: FUTURE_DATE.into() }]);
    }

    #[test]
    fn a_series_to_join_needs_a_title_and_a_real_part() {
        use crate::work::{SeriesChoice, SeriesPlacement};
        let mut d = draft();
        d.series = Some(SeriesPlacement { series: SeriesChoice::New(" ".into()), part: Some(0) });
        let errors = d.validate(&Limits::default()).unwrap_err();
        assert_eq!(errors.for_field("series").count(), 2, "{errors}");
        d.series = Some(SeriesPlacement { series: SeriesChoice::Titled("Letters".into()), part: None });
        assert_eq!(d.validate(&Limits::default()), Ok(()));
    }

    #[test]
    fn limits_come_from_configuration() {
        let limits = Limits { tags_per_work: 2, summary: 5, ..Limits::default() };
        let mut d = draft();
        d.summary = "123456".into();
        d.characters = vec!["A".into(), "B".into()];
        let errors = d.validate(&limits).unwrap_err();
        assert_eq!(errors.for_field("summary").count(), 1);
        assert_eq!(errors.for_field("tags").count(), 1);
    }

    #[test]
    fn planned_chapters_cannot_be_fewer_than_posted() {
        let mut d = draft();
        d.complete = false;
        d.expected_chapters = Some(1);
        d.chapters.push(d.chapters[0].clone());
        assert_eq!(d.validate(&Limits::default()).unwrap_err().0[0].field, "expected_chapters");
    }
}
