//! One way from a story file to a work draft, for every caller: `flourish import`,
//! `flourish inspect`, and the posting form's "Import from file". Read the bytes (bounded,
//! format recognised, structure recovered), read the text for suggested tags when asked,
//! map the document onto a draft and merge the suggestions the caller accepts; the caller
//! validates the draft (`WorkDraft::validate`) where it must. Each caller passes only what
//! it decides.

use crate::document::Document;
use crate::import::ImportError;
use crate::lexicon::Lexicon;
use crate::suggest::{Speaker, SuggestedTags};
use flourish_core::{Limits, PseudId, WorkDraft};

/// What to do with the tags a text suggests.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suggestions {
    /// Don't read the text for them (the fastest import).
    Skip,
    /// Read them to show (inspect, the import preview); the draft keeps only the file's tags.
    Offer,
    /// Read them and tag the draft with them: the suggested fandom when neither the caller
    /// nor the file names one, and the characters, relationships and places (as additional
    /// tags).
    Accept,
}

/// What the caller decides about one file.
#[derive(Clone, Copy, Debug)]
pub struct FileRequest<'a> {
    /// The file's name: a hint to its format, and its title when the text names none.
    pub name: Option<&'a str>,
    pub creator: PseudId,
    /// Fandoms that replace the file's own; empty keeps what the file says.
    pub fandoms: &'a [String],
    /// A rating that replaces the file's own.
    pub rating: Option<&'a str>,
    pub suggestions: Suggestions,
    pub lexicons: &'a [Lexicon],
    pub limits: &'a Limits,
}

/// A file read into a work.
#[derive(Debug)]
pub struct ReadWork {
    pub document: Document,
    /// Empty with [`Suggestions::Skip`].
    pub suggested: SuggestedTags,
    /// Who speaks each quotation (empty with [`Suggestions::Skip`]).
    pub speakers: Vec<Speaker>,
    pub draft: WorkDraft,
}

impl ReadWork {
    /// "Title", 3 chapters, 1,234 words: for reports.
    pub fn describe(&self) -> String {
        let chapters = self.draft.chapters.len();
        let mut out = format!(
            "{:?}, {chapters} chapter{}, {} words",
            self.draft.title,
            if chapters == 1 { "" } else { "s" },
            self.document.word_count
        );
        // What the reader could not recognise, so the person importing knows to look.
        for notice in &self.document.notices {
            out.push_str("; ");
            out.push_str(notice);
        }
        out
    }
}

/// Reads `bytes` as the request says.
pub fn read_work(bytes: &[u8], request: &FileRequest<'_>) -> Result<ReadWork, ImportError> {
    let document = crate::read_document(bytes, request.name)?;
    let (suggested, speakers) = match request.suggestions {
        Suggestions::Skip => (SuggestedTags::default(), Vec::new()),
        Suggestions::Offer | Suggestions::Accept => crate::suggest::suggest(&document, request.lexicons),
    };
    let accept = request.suggestions == Suggestions::Accept;
    // The suggested fandom stands in only where neither the caller nor the file names one.
    let fandoms = if accept && request.fandoms.is_empty() && document.header_field("fandom").is_none() {
        suggested.fandoms.as_slice()
    } else {
        request.fandoms
    };
    let fallback_title = request.name.map(title_of_file_name).unwrap_or_default();
    let mut draft =
        crate::draft::work_draft(&document, &fallback_title, fandoms, request.rating, request.creator, request.limits);
    if accept {
        add_new(&mut draft.characters, suggested.characters.iter().map(|c| c.name.as_str()));
        add_new(&mut draft.relationships, suggested.relationships.iter().map(|r| r.name.as_str()));
        add_new(&mut draft.freeforms, suggested.places.iter().map(String::as_str));
    }
    Ok(ReadWork { document, suggested, speakers, draft })
}

/// `the_owlery-letters.txt` → `the owlery letters`: a file's name as a title.
pub fn title_of_file_name(name: &str) -> String {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.rsplit_once('.').map_or(stem, |(s, _)| s);
    stem.replace(['_', '-'], " ").trim().to_owned()
}

/// Adds each name not already in `list` (letter case aside).
fn add_new<'a>(list: &mut Vec<String>, names: impl Iterator<Item = &'a str>) {
    for n in names {
        if !list.iter().any(|t| t.eq_ignore_ascii_case(n)) {
            list.push(n.to_owned());
        }
    }
}

/// A fingerprint of a work's text: its chapters' content as submitted, in order. The same
/// file imported twice gives the same fingerprint whatever its titles or tags; the store
/// keeps it to find duplicates.
pub fn fingerprint(draft: &WorkDraft) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for c in &draft.chapters {
        hasher.update(c.content.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(suggestions: Suggestions, fandoms: &'a [String], limits: &'a Limits) -> FileRequest<'a> {
        FileRequest {
            name: Some("stories/the_robe-shop.txt"),
            creator: PseudId(1),
            fandoms,
            rating: None,
            suggestions,
            lexicons: &[],
            limits,
        }
    }

    const STORY: &str = "Chapter 1: Diagon Alley\n\n\"Hello,\" said Draco Malfoy. Harry Potter looked up.\n\n\
        Draco Malfoy smiled. \"Hogwarts, too?\" asked Draco Malfoy.\n";

    #[test]
    fn a_file_becomes_a_draft_titled_by_its_name_with_the_given_fandom() {
        let limits = Limits::default();
        let fandoms = vec!["Harry Potter - J. K. Rowling".to_owned()];
        let read = read_work(STORY.as_bytes(), &request(Suggestions::Skip, &fandoms, &limits)).unwrap();
        assert_eq!(read.draft.title, "the robe shop");
        assert_eq!(read.draft.fandoms, fandoms);
        assert!(read.suggested.characters.is_empty(), "skipped");
        assert_eq!(read.draft.validate(&limits), Ok(()));
        assert!(read.describe().contains("1 chapter,"), "{}", read.describe());
    }

    #[test]
    fn suggestions_are_offered_or_accepted_as_the_caller_says() {
        let limits = Limits::default();
        let offered = read_work(STORY.as_bytes(), &request(Suggestions::Offer, &[], &limits)).unwrap();
        assert!(offered.suggested.characters.iter().any(|c| c.name == "Draco Malfoy"), "{:?}", offered.suggested);
        assert!(offered.draft.characters.is_empty(), "offered, not added");
        assert!(offered.draft.validate(&limits).is_err(), "no fandom anywhere: the caller must ask for one");
        let accepted = read_work(STORY.as_bytes(), &request(Suggestions::Accept, &[], &limits)).unwrap();
        assert!(accepted.draft.characters.iter().any(|c| c == "Draco Malfoy"), "{:?}", accepted.draft.characters);
    }

    #[test]
    fn fingerprints_follow_the_text_only() {
        let limits = Limits::default();
        let a = read_work(STORY.as_bytes(), &request(Suggestions::Skip, &[], &limits)).unwrap();
        let mut b = a.draft.clone();
        b.title = "Another title".into();
        assert_eq!(fingerprint(&a.draft), fingerprint(&b));
        b.chapters[0].content.push('x');
        assert_ne!(fingerprint(&a.draft), fingerprint(&b));
    }
}
