//! `flourish inspect FILE [--json]`: what the importer recovers, without storing anything.

use anyhow::Context;
use flourish_text::Document;
use flourish_text::pipeline::{FileRequest, Suggestions, read_work};
use std::path::Path;

pub fn run(file: &Path, json: bool, lexicons: &[flourish_text::lexicon::Lexicon]) -> anyhow::Result<()> {
    let bytes = crate::import::read_bounded(file).with_context(|| file.display().to_string())?;
    let limits = flourish_core::Limits::default();
    let request = FileRequest {
        name: file.file_name().and_then(|n| n.to_str()),
        creator: flourish_core::PseudId(0),
        fandoms: &[],
        rating: None,
        suggestions: Suggestions::Offer,
        lexicons,
        limits: &limits,
    };
    let read = read_work(&bytes, &request).with_context(|| file.display().to_string())?;
    if json {
        // The document's own fields, then what the text suggests (issue 7's names).
        let mut value = serde_json::to_value(&read.document)?;
        value["suggested_tags"] = serde_json::to_value(&read.suggested)?;
        value["speakers"] = serde_json::to_value(&read.speakers)?;
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!("{}", summary(&read.document));
        print!("{}", suggestions(&read.suggested));
    }
    Ok(())
}

fn suggestions(s: &flourish_text::suggest::SuggestedTags) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if !s.fandoms.is_empty() {
        let _ = writeln!(out, "suggested fandom:        {}", s.fandoms.join(", "));
    }
    if let Some(n) = &s.narrator {
        let _ = writeln!(out, "narrator:                {n}");
    }
    if !s.characters.is_empty() {
        let names: Vec<String> = s.characters.iter().map(|c| format!("{} ({})", c.name, c.mentions)).collect();
        let _ = writeln!(out, "suggested characters:    {}", names.join(", "));
    }
    if !s.relationships.is_empty() {
        let names: Vec<&str> = s.relationships.iter().map(|r| r.name.as_str()).collect();
        let _ = writeln!(out, "suggested relationships: {}", names.join(", "));
    }
    if !s.places.is_empty() {
        let _ = writeln!(out, "suggested places:        {}", s.places.join(", "));
    }
    out
}

fn summary(doc: &Document) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(out, "format:   {:?} ({})", doc.format, doc.encoding);
    let _ = writeln!(out, "title:    {}", doc.title.as_deref().unwrap_or("(none found)"));
    if !doc.authors.is_empty() {
        let _ = writeln!(out, "authors:  {}", doc.authors.join(", "));
    }
    if let Some(s) = &doc.summary {
        let _ = writeln!(out, "summary:  {s}");
    }
    let _ = writeln!(out, "words:    {}", doc.word_count);
    for notice in &doc.notices {
        let _ = writeln!(out, "notice:   {notice}");
    }
    for b in &doc.boilerplate {
        let _ = writeln!(out, "removed:  lines {}–{}", b.start_line.unwrap_or(0), b.end_line.unwrap_or(0));
    }
    for n in &doc.notes {
        let at = n.chapter.map_or("work".to_owned(), |c| format!("chapter {c}"));
        let _ = writeln!(out, "note:     {:?} at the {:?} of the {at}", n.kind, n.position);
    }
    for (i, c) in doc.chapters.iter().enumerate() {
        let name = match (&c.number, &c.title) {
            (Some(n), Some(t)) => format!("Chapter {n}: {t}"),
            (Some(n), None) => format!("Chapter {n}"),
            (None, Some(t)) => t.clone(),
            (None, None) => "(untitled)".into(),
        };
        let lines = c.start_line.zip(c.end_line).map(|(s, e)| format!(", lines {s}–{e}")).unwrap_or_default();
        let _ = writeln!(out, "{:>3}. {name} — {} words{lines}", i + 1, c.word_count);
        for s in &c.sections {
            let _ = writeln!(
                out,
                "       {:?} {:?}: lines {}–{}",
                s.kind,
                s.label,
                s.start_line.unwrap_or(0),
                s.end_line.unwrap_or(0)
            );
        }
        if !c.scene_breaks.is_empty() {
            let _ = writeln!(out, "       scene breaks at lines {:?}", c.scene_breaks);
        } else if c.scene_break_count() > 0 {
            let _ = writeln!(out, "       scene breaks: {}", c.scene_break_count());
        }
    }
    out
}
