//! The facts a download's title page shows, the same in every format.

use crate::Book;
use flourish_core::TagKind;

/// A group of tags under its AO3 label ("Fandom", "Characters"…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TagGroup {
    pub label: &'static str,
    pub tags: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Facts {
    pub title: String,
    pub creators: Vec<String>,
    pub groups: Vec<TagGroup>,
    pub language: String,
    /// `(series title, part)`.
    pub series: Vec<(String, u32)>,
    pub words: String,
    pub chapters: String,
    pub published: String,
    /// Only when it differs from the publication date.
    pub updated: Option<String>,
    pub url: String,
    pub archive: String,
}

/// The tag kinds in the order AO3's work pages list them.
pub const TAG_ORDER: [TagKind; 7] = [
    TagKind::Rating,
    TagKind::Warning,
    TagKind::Category,
    TagKind::Fandom,
    TagKind::Relationship,
    TagKind::Character,
    TagKind::Freeform,
];

impl Facts {
    pub fn new(book: &Book<'_>) -> Facts {
        let work = book.work;
        let groups = TAG_ORDER
            .iter()
            .filter_map(|kind| {
                let tags: Vec<String> = work.tags.of_kind(*kind).map(|t| t.name.clone()).collect();
                (!tags.is_empty()).then(|| TagGroup { label: kind.label(tags.len()), tags })
            })
            .collect();
        let published = date(work.published_at);
        let updated = Some(date(work.updated_at)).filter(|u| *u != published);
        Facts {
            title: work.title.clone(),
            creators: work.creators.iter().map(|p| p.byline()).collect(),
            groups,
            language: work.language.clone(),
            series: work.series.iter().map(|s| (s.title.clone(), s.position)).collect(),
            words: thousands(work.word_count),
            chapters: work.chapters_label(),
            published,
            updated,
            url: book.work_url.to_owned(),
            archive: book.archive_name.to_owned(),
        }
    }

    /// "draco_m and pansy", or "Anonymous" for a work nobody is credited on any more.
    pub fn byline(&self) -> String {
        match self.creators.as_slice() {
            [] => "Anonymous".to_owned(),
            [one] => one.clone(),
            [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// "Published: 2020-01-01 · Updated: … · Words: 1,234 · Chapters: 2/?".
    pub fn stats(&self) -> Vec<(&'static str, String)> {
        let mut stats = vec![("Published", self.published.clone())];
        if let Some(u) = &self.updated {
            stats.push(("Updated", u.clone()));
        }
        stats.push(("Words", self.words.clone()));
        stats.push(("Chapters", self.chapters.clone()));
        stats
    }
}

pub fn date(t: time::OffsetDateTime) -> String {
    let d = t.date();
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// 150000 → "150,000", as AO3 prints word counts.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The chapter heading every format uses: "Chapter 2: Diagon Alley", or "Chapter 2".
pub fn chapter_heading(position: u32, title: &str) -> String {
    if title.trim().is_empty() {
        format!("Chapter {position}")
    } else {
        format!("Chapter {position}: {}", title.trim())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_dates_and_bylines_read_as_on_ao3() {
        assert_eq!(thousands(150000), "150,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(chapter_heading(2, " Diagon Alley "), "Chapter 2: Diagon Alley");
        assert_eq!(chapter_heading(3, ""), "Chapter 3");
        let (work, chapters) = crate::fixture::work();
        let book = crate::fixture::book(&work, &chapters);
        let facts = Facts::new(&book);
        assert_eq!(facts.byline(), "draco_m and Pansy (pansy)");
        assert_eq!(facts.groups[0].label, "Rating");
        assert_eq!(facts.groups.iter().find(|g| g.label == "Characters").unwrap().tags.len(), 2);
        assert_eq!(facts.published, "2019-09-01");
    }
}
