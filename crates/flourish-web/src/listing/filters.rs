//! The works filter as GET parameters, so every filtered view has its own URL:
//!
//! `q`, `include` and `exclude` (tag ids, repeated), `other_tags` and `excluded_tags`
//! (names, comma-separated), `crossover` (`include`, `exclude`, `only`), `complete`
//! (`true`, `false`), `words_from`, `words_to`, `date_from`, `date_to` (YYYY-MM-DD, date
//! updated), `language`, `sort`, `page`.

use crate::error::AppError;
use flourish_search::{Crossover, Sort, WorkQuery};

/// Limits on what one listing request may ask; beyond them the request is refused with a
/// message rather than served slowly.
pub const MAX_TAG_PARAMS: usize = 100;
pub const MAX_QUERY_CHARS: usize = 1_000;
pub const MAX_PARAMS: usize = 300;

/// Reads the filter from a raw query string.
pub fn parse(raw: Option<&str>) -> Result<WorkQuery, AppError> {
    let mut q = WorkQuery { page: 1, ..WorkQuery::default() };
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes()).into_owned().collect();
    if pairs.len() > MAX_PARAMS {
        return Err(AppError::BadRequest(format!("Too many parameters: a listing takes at most {MAX_PARAMS}.")));
    }
    let mut page_seen = false;
    for (key, value) in pairs {
        let value = value.trim();
        match key.as_str() {
            "q" => {
                if value.chars().count() > MAX_QUERY_CHARS {
                    return Err(AppError::BadRequest(format!(
                        "The search is too long: at most {MAX_QUERY_CHARS} characters, please."
                    )));
                }
                q.text = value.to_owned();
            }
            "include" | "include[]" => q.include.extend(tag_id(value)?),
            "exclude" | "exclude[]" => q.exclude.extend(tag_id(value)?),
            "other_tags" => q.include_names.extend(flourish_core::tag::split_tag_input(value)),
            "excluded_tags" => q.exclude_names.extend(flourish_core::tag::split_tag_input(value)),
            "crossover" => {
                q.crossover = match value {
                    "" | "include" => Crossover::Include,
                    "exclude" => Crossover::Exclude,
                    "only" => Crossover::Only,
                    other => return Err(bad("crossover", other, "include, exclude or only")),
                }
            }
            "complete" => {
                q.complete = match value {
                    "" => None,
                    "true" | "yes" => Some(true),
                    "false" | "no" => Some(false),
                    other => return Err(bad("complete", other, "true or false")),
                }
            }
            "words_from" => q.words_from = number(value, "words_from")?,
            "words_to" => q.words_to = number(value, "words_to")?,
            "date_from" => q.updated_from = date(value, "date_from", false)?,
            "date_to" => q.updated_to = date(value, "date_to", true)?,
            "language" => q.language = (!value.is_empty()).then(|| value.to_owned()),
            "sort" => {
                q.sort = match value {
                    "" => None,
                    s => Some(Sort::from_param(s).ok_or_else(|| {
                        let names: Vec<&str> = Sort::ALL.iter().map(|s| s.param()).collect();
                        bad("sort", s, &names.join(", "))
                    })?),
                }
            }
            // The first `page` counts, as on every other page; junk is page 1.
            "page" if !page_seen => {
                page_seen = true;
                q.page = value.parse::<u32>().unwrap_or(1).clamp(1, 1_000_000);
            }
            "" => return Err(AppError::BadRequest("A parameter needs a name: remove the bare `=…`.".into())),
            // Unknown parameters (tracking tags, old links) are ignored, as pages do.
            _ => {}
        }
    }
    // Each of the four on its own, so that the API's schema can state the limit.
    for (param, tags) in [
        ("include", q.include.len()),
        ("exclude", q.exclude.len()),
        ("other_tags", q.include_names.len()),
        ("excluded_tags", q.exclude_names.len()),
    ] {
        if tags > MAX_TAG_PARAMS {
            return Err(AppError::BadRequest(format!(
                "Too many tags in {param} ({tags}): a filter takes at most {MAX_TAG_PARAMS} in each."
            )));
        }
    }
    Ok(q)
}

/// The query string of `q` without its page: for pagination and sort links.
pub fn to_query_string(q: &WorkQuery) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    if !q.text.is_empty() {
        s.append_pair("q", &q.text);
    }
    for id in &q.include {
        s.append_pair("include", &id.to_string());
    }
    for id in &q.exclude {
        s.append_pair("exclude", &id.to_string());
    }
    if !q.include_names.is_empty() {
        s.append_pair("other_tags", &q.include_names.join(", "));
    }
    if !q.exclude_names.is_empty() {
        s.append_pair("excluded_tags", &q.exclude_names.join(", "));
    }
    match q.crossover {
        Crossover::Include => {}
        Crossover::Exclude => {
            s.append_pair("crossover", "exclude");
        }
        Crossover::Only => {
            s.append_pair("crossover", "only");
        }
    }
    if let Some(c) = q.complete {
        s.append_pair("complete", if c { "true" } else { "false" });
    }
    if let Some(w) = q.words_from {
        s.append_pair("words_from", &w.to_string());
    }
    if let Some(w) = q.words_to {
        s.append_pair("words_to", &w.to_string());
    }
    if let Some(d) = q.updated_from.and_then(format_date) {
        s.append_pair("date_from", &d);
    }
    if let Some(d) = q.updated_to.and_then(format_date) {
        s.append_pair("date_to", &d);
    }
    if let Some(l) = &q.language {
        s.append_pair("language", l);
    }
    if let Some(sort) = q.sort {
        s.append_pair("sort", sort.param());
    }
    s.finish()
}

pub fn format_date(secs: i64) -> Option<String> {
    let date = time::OffsetDateTime::from_unix_timestamp(secs).ok()?.date();
    Some(format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day()))
}

fn bad(param: &str, value: &str, expected: &str) -> AppError {
    let value: String = value.chars().take(40).collect();
    AppError::BadRequest(format!("“{value}” is not a value for {param}: use {expected}."))
}

fn tag_id(value: &str) -> Result<Option<i64>, AppError> {
    if value.is_empty() {
        return Ok(None);
    }
    // Any id is taken: one that is no tag's (0, negative, too large) matches no work.
    match value.parse::<i64>() {
        Ok(id) => Ok(Some(id)),
        Err(_) => Err(bad("include or exclude", value, "tag ids from the filter form")),
    }
}

fn number(value: &str, param: &str) -> Result<Option<u64>, AppError> {
    let cleaned: String = value.chars().filter(|c| !matches!(c, ',' | '.' | ' ' | '_')).collect();
    if cleaned.is_empty() {
        return Ok(None);
    }
    cleaned.parse().map(Some).map_err(|_| bad(param, value, "a whole number such as 1000"))
}

fn date(value: &str, param: &str, end_of_day: bool) -> Result<Option<i64>, AppError> {
    if value.is_empty() {
        return Ok(None);
    }
    let date = time::Date::parse(value, time::macros::format_description!("[year]-[month]-[day]"))
        .map_err(|_| bad(param, value, "a date such as 2024-05-31"))?;
    let start = date.midnight().assume_utc().unix_timestamp();
    Ok(Some(if end_of_day { start + 86_399 } else { start }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_round_trips_through_its_url() {
        let raw = "q=owl+tower&include=3&include=7&exclude=9&other_tags=Angst%EF%BC%8C+Fluff&crossover=only&complete=false&words_from=1%2C000&date_to=2024-05-31&sort=kudos&page=3";
        let q = parse(Some(raw)).unwrap();
        assert_eq!(q.text, "owl tower");
        assert_eq!((q.include.clone(), q.exclude.clone()), (vec![3, 7], vec![9]));
        assert_eq!(q.include_names, ["Angst", "Fluff"]);
        assert_eq!((q.crossover, q.complete, q.words_from), (Crossover::Only, Some(false), Some(1000)));
        assert_eq!((q.sort, q.page), (Some(Sort::Kudos), 3));
        let again = parse(Some(&to_query_string(&q))).unwrap();
        assert_eq!((again.include, again.updated_to, again.page), (vec![3, 7], q.updated_to, 1));
    }

    #[test]
    fn nonsense_is_refused_with_a_message() {
        for raw in ["words_from=lots", "sort=sideways", "include=x", "date_from=yesterday", "crossover=maybe", "=true"]
        {
            assert!(matches!(parse(Some(raw)), Err(AppError::BadRequest(_))), "{raw}");
        }
        // An id that is no tag's is an id all the same: it matches nothing.
        assert_eq!(parse(Some("include=-1&exclude=9223372036854775807")).unwrap().include, [-1]);
        let many = (0..1000).map(|i| format!("include={i}")).collect::<Vec<_>>().join("&");
        assert!(matches!(parse(Some(&many)), Err(AppError::BadRequest(m)) if m.contains("at most")));
        let long = format!("q={}", "a".repeat(100_000));
        assert!(matches!(parse(Some(&long)), Err(AppError::BadRequest(m)) if m.contains("too long")));
        assert_eq!(parse(Some("page=junk&utm_source=x")).unwrap().page, 1);
    }
}
