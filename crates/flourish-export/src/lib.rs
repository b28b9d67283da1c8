//! Downloads: a work as an EPUB 3 book, one self-contained HTML file, plain text wrapped
//! for reading, or Markdown. Pure functions from a loaded work to bytes; the web crate
//! caches and serves them.
//!
//! Open [`export`] first. Every format reads the same [`Book`] (the work, its chapters and
//! where it lives) and the same title-page facts ([`meta::Facts`]); chapter HTML, already
//! sanitized by the store, becomes XHTML in [`xhtml`] and text blocks in [`blocks`].

pub mod blocks;
pub mod epub;
pub mod html;
pub mod markdown;
pub mod meta;
pub mod text;
pub mod xhtml;

use flourish_core::{Chapter, Work};

/// Bump when any format's output changes, so cached downloads are rebuilt.
pub const EXPORT_VERSION: u32 = 1;

/// What a download is made from.
#[derive(Clone, Debug)]
pub struct Book<'a> {
    pub work: &'a Work,
    /// Every chapter, in order, with its text.
    pub chapters: &'a [Chapter],
    /// The archive's name: the publisher.
    pub archive_name: &'a str,
    /// The work's address on the archive: its identifier and the link back.
    pub work_url: &'a str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Epub,
    Html,
    Txt,
    Md,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Epub, Format::Html, Format::Txt, Format::Md];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Html => "html",
            Format::Txt => "txt",
            Format::Md => "md",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.extension().eq_ignore_ascii_case(ext))
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Epub => "application/epub+zip",
            Format::Html => "text/html; charset=utf-8",
            Format::Txt => "text/plain; charset=utf-8",
            Format::Md => "text/markdown; charset=utf-8",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Epub => "EPUB",
            Format::Html => "HTML",
            Format::Txt => "TXT",
            Format::Md => "Markdown",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot write the EPUB archive: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write the EPUB archive: {0}")]
    Io(#[from] std::io::Error),
}

/// The download of `book` in `format`.
pub fn export(book: &Book<'_>, format: Format) -> Result<Vec<u8>, ExportError> {
    match format {
        Format::Epub => epub::write(book),
        Format::Html => Ok(html::write(book).into_bytes()),
        Format::Txt => Ok(text::write(book).into_bytes()),
        Format::Md => Ok(markdown::write(book).into_bytes()),
    }
}

/// A file name for the download: the title's letters and digits, like AO3's
/// `The_Little_Blond_Boy.epub`, or `work-ID` when the title has none.
pub fn file_name(work: &Work, format: Format) -> String {
    let mut name = String::new();
    for word in work.title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if !name.is_empty() {
            name.push('_');
        }
        name.push_str(word);
        if name.chars().count() > 60 {
            break;
        }
    }
    if name.is_empty() {
        name = format!("work-{}", work.id);
    }
    format!("{name}.{}", format.extension())
}

/// The team's sample work, for the format tests here and the transform tests elsewhere.
#[doc(hidden)]
pub mod fixture;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_keep_letters_and_digits() {
        let (work, _) = fixture::work();
        assert_eq!(file_name(&work, Format::Epub), "The_Little_Boy_in_Florish_s.epub");
        assert_eq!(Format::from_extension("MD"), Some(Format::Md));
        assert_eq!(Format::from_extension("pdf"), None);
    }
}
