//! Plain text wrapped for reading: 72 columns, a blank line between paragraphs, the
//! title page's facts at the top, chapter headings, scene breaks as a centred `* * *`.

use crate::Book;
use crate::blocks::{Block, Kind, blocks};
use crate::meta::{Facts, chapter_heading};

pub const WIDTH: usize = 72;

fn wrap_into(out: &mut String, text: &str, first: &str, rest: &str) {
    // First fit, like a typewriter: optimal fit reads better by a hair and costs ten times more.
    let options = textwrap::Options::new(WIDTH)
        .initial_indent(first)
        .subsequent_indent(rest)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    for line in text.split('\n') {
        for wrapped in textwrap::wrap(line, &options) {
            out.push_str(wrapped.trim_end());
            out.push('\n');
        }
    }
}

/// Text blocks of sanitized HTML, each followed by a blank line.
pub fn render_blocks(out: &mut String, html: &str) {
    for block in blocks(html) {
        render_block(out, &block);
        out.push('\n');
    }
}

fn render_block(out: &mut String, b: &Block) {
    let quote = "    ".repeat(b.quote);
    match &b.kind {
        Kind::Break => {
            out.push_str(format!("{:^width$}", "* * *", width = WIDTH).trim_end());
            out.push('\n');
        }
        Kind::Label => wrap_into(out, &format!("~ {} ~", b.plain), &quote, &quote),
        Kind::Heading(_) => wrap_into(out, &b.plain.to_uppercase(), &quote, &quote),
        Kind::Item { ordered, depth } => {
            let indent = format!("{quote}{}", "  ".repeat(depth - 1));
            let marker = ordered.map_or_else(|| "* ".to_owned(), |n| format!("{n}. "));
            let hanging = format!("{indent}{}", " ".repeat(marker.len()));
            wrap_into(out, &b.plain, &format!("{indent}{marker}"), &hanging);
        }
        Kind::Pre => {
            for line in b.plain.lines() {
                out.push_str(&quote);
                out.push_str(line);
                out.push('\n');
            }
        }
        Kind::Para => wrap_into(out, &b.plain, &quote, &quote),
    }
}

fn section(out: &mut String, heading: &str, html: &str) {
    if html.trim().is_empty() {
        return;
    }
    out.push_str(heading);
    out.push_str(":\n\n");
    render_blocks(out, html);
}

pub fn write(book: &Book<'_>) -> String {
    let facts = Facts::new(book);
    let work = book.work;
    let mut out = String::new();
    wrap_into(&mut out, &facts.title, "", "");
    wrap_into(&mut out, &format!("by {}", facts.byline()), "", "");
    out.push('\n');
    wrap_into(&mut out, &facts.url, "", "");
    out.push('\n');
    for group in &facts.groups {
        wrap_into(&mut out, &format!("{}: {}", group.label, group.tags.join(", ")), "", "    ");
    }
    wrap_into(&mut out, &format!("Language: {}", facts.language), "", "");
    for (title, part) in &facts.series {
        wrap_into(&mut out, &format!("Series: Part {part} of {title}"), "", "    ");
    }
    let stats: Vec<String> = facts.stats().iter().map(|(k, v)| format!("{k}: {v}")).collect();
    wrap_into(&mut out, &stats.join("  "), "", "");
    out.push('\n');
    section(&mut out, "Summary", &work.summary);
    section(&mut out, "Notes", &work.notes);
    for chapter in book.chapters {
        out.push_str(&"=".repeat(WIDTH));
        out.push_str("\n\n");
        wrap_into(&mut out, &chapter_heading(chapter.position, &chapter.title), "", "");
        out.push('\n');
        section(&mut out, "Chapter Summary", &chapter.summary);
        section(&mut out, "Chapter Notes", &chapter.notes);
        render_blocks(&mut out, &chapter.content);
        section(&mut out, "Chapter End Notes", &chapter.end_notes);
    }
    out.push_str(&"=".repeat(WIDTH));
    out.push_str("\n\n");
    section(&mut out, "End Notes", &work.end_notes);
    wrap_into(&mut out, &format!("Posted on {}: {}", facts.archive, facts.url), "", "");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_wrapped_with_the_facts_first() {
        let (work, chapters) = crate::fixture::work();
        let txt = write(&crate::fixture::book(&work, &chapters));
        assert!(txt.starts_with("The Little Boy in Florish's\nby draco_m and Pansy (pansy)\n"), "{txt}");
        assert!(txt.contains("Relationship: Draco Malfoy/Harry Potter"));
        assert!(txt.contains("Words: 1,234"));
        assert!(txt.contains("Chapter 2: Diagon Alley"));
        assert!(txt.contains("~ Draco's Point of View ~"));
        assert!(txt.lines().any(|l| l.trim() == "* * *"), "scene break");
        assert!(txt.lines().all(|l| l.chars().count() <= WIDTH), "wrapped");
        assert!(!txt.contains('<') && !txt.contains("&amp;"), "no markup left");
        assert!(txt.contains("Posted on Flourish: https://archive.example.org/works/7"));
    }
}
