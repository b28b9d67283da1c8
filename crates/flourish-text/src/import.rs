//! Reading any story file: format detection from the content (the file name only breaks
//! ties), decoding, and the parser for the format.

use crate::decode::decode;
use crate::document::{Document, Format};
pub use crate::error::ImportError;

/// Files larger than this are refused before any parsing (the default; callers may lower it).
pub const MAX_FILE_BYTES: usize = 50 << 20;

/// What the content says the format is; `name` (a file name) decides only between text
/// formats that look alike.
pub fn detect_format(bytes: &[u8], name: Option<&str>) -> Format {
    let ext = name.and_then(|n| n.rsplit_once('.')).map(|(_, e)| e.to_ascii_lowercase());
    if bytes.starts_with(b"PK\x03\x04") {
        return Format::Epub;
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.starts_with("<?xml") && head.contains("<html")
    {
        return Format::Html;
    }
    // Markdown may hold HTML; YAML front matter, or Markdown's name and headings, say it is
    // Markdown all the same.
    let markdown_headings = head.lines().any(|l| l.starts_with("# ") || l.starts_with("## "));
    if head.starts_with("---\n") || head.starts_with("---\r\n") {
        let front_matter_ends = head.lines().skip(1).take(200).any(|l| l.trim() == "---" || l.trim() == "...");
        if front_matter_ends && (markdown_headings || matches!(ext.as_deref(), Some("md" | "markdown"))) {
            return Format::Md;
        }
    }
    let tags = ["<p>", "<p ", "<div", "<br", "<h1", "<h2", "<em>", "<i>"].iter().filter(|t| head.contains(*t)).count();
    if tags >= 2 || (tags >= 1 && matches!(ext.as_deref(), Some("html" | "htm" | "xhtml"))) {
        return Format::Html;
    }
    if matches!(ext.as_deref(), Some("md" | "markdown")) || markdown_headings {
        return Format::Md;
    }
    Format::Txt
}

/// Reads a story file into a [`Document`].
pub fn read_document(bytes: &[u8], name: Option<&str>) -> Result<Document, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { size: bytes.len(), max: MAX_FILE_BYTES });
    }
    let format = detect_format(bytes, name);
    let mut doc = match format {
        Format::Html => {
            let decoded = decode(bytes)?;
            crate::html::parse_html(&decoded.text, decoded.encoding)
        }
        Format::Md => {
            let decoded = decode(bytes)?;
            crate::md::parse_md(&decoded.text, decoded.encoding)
        }
        Format::Epub => crate::epub::parse_epub(bytes)?,
        Format::Txt => {
            let decoded = decode(bytes)?;
            crate::txt::parse_txt(&decoded.text, decoded.encoding)
        }
    };
    if doc.chapters.iter().all(|c| c.blocks.is_empty()) {
        return Err(ImportError::NoText);
    }
    doc.drop_empty_chapters();
    Ok(doc)
}
