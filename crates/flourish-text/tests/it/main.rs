//! The importer on the team's own fixtures (every pattern, several styles, the traps), on
//! the archive's first story when it is present, and on hostile input.

mod epub;
mod hostile;
mod html;
mod suggest;
mod txt;

use flourish_text::Document;

pub fn fixture(name: &str) -> Document {
    let path = format!("{}/tests/it/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    flourish_text::read_document(&bytes, Some(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Chapter numbers and titles, for compact assertions.
pub fn chapters(doc: &Document) -> Vec<(Option<u32>, Option<String>)> {
    doc.chapters.iter().map(|c| (c.number, c.title.clone())).collect()
}
