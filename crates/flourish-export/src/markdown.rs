//! Markdown (CommonMark): the title page as a list of facts, chapters as `##` headings,
//! emphasis and links kept, scene breaks as `* * *`.

use crate::Book;
use crate::blocks::{Kind, blocks};
use crate::meta::{Facts, chapter_heading};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn render_blocks(out: &mut String, html: &str) {
    for b in blocks(html) {
        let quote = "> ".repeat(b.quote);
        let text = match &b.kind {
            Kind::Para => b.markdown.clone(),
            Kind::Heading(level) => format!("{} {}", "#".repeat((*level as usize + 2).min(6)), b.markdown),
            Kind::Break => "* * *".to_owned(),
            Kind::Label => format!("**{}**", b.markdown),
            Kind::Item { ordered, depth } => {
                let marker = ordered.map_or_else(|| "-".to_owned(), |n| format!("{n}."));
                format!("{}{marker} {}", "   ".repeat(depth - 1), b.markdown)
            }
            Kind::Pre => format!("```\n{}\n```", b.plain),
        };
        for line in text.lines() {
            out.push_str(&quote);
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
    }
}

fn section(out: &mut String, heading: &str, html: &str) {
    if html.trim().is_empty() {
        return;
    }
    out.push_str(&format!("**{heading}:**\n\n"));
    render_blocks(out, html);
}

pub fn write(book: &Book<'_>) -> String {
    let facts = Facts::new(book);
    let work = book.work;
    let mut out = format!("# {}\n\nby {}\n\n<{}>\n\n", escape(&facts.title), escape(&facts.byline()), facts.url);
    for group in &facts.groups {
        let tags: Vec<String> = group.tags.iter().map(|t| escape(t)).collect();
        out.push_str(&format!("- **{}:** {}\n", group.label, tags.join(", ")));
    }
    out.push_str(&format!("- **Language:** {}\n", escape(&facts.language)));
    for (title, part) in &facts.series {
        out.push_str(&format!("- **Series:** Part {part} of {}\n", escape(title)));
    }
    for (k, v) in facts.stats() {
        out.push_str(&format!("- **{k}:** {v}\n"));
    }
    out.push('\n');
    section(&mut out, "Summary", &work.summary);
    section(&mut out, "Notes", &work.notes);
    for chapter in book.chapters {
        out.push_str(&format!("## {}\n\n", escape(&chapter_heading(chapter.position, &chapter.title))));
        section(&mut out, "Chapter Summary", &chapter.summary);
        section(&mut out, "Chapter Notes", &chapter.notes);
        render_blocks(&mut out, &chapter.content);
        section(&mut out, "Chapter End Notes", &chapter.end_notes);
    }
    out.push_str("---\n\n");
    section(&mut out, "End Notes", &work.end_notes);
    out.push_str(&format!("Posted on {}: <{}>\n", escape(&facts.archive), facts.url));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_emphasis_links_and_structure() {
        let (work, chapters) = crate::fixture::work();
        let md = write(&crate::fixture::book(&work, &chapters));
        assert!(md.starts_with("# The Little Boy in Florish's\n\nby draco\\_m and Pansy (pansy)\n"), "{md}");
        assert!(md.contains("- **Relationship:** Draco Malfoy/Harry Potter\n"));
        assert!(md.contains("## Chapter 2: Diagon Alley"));
        assert!(md.contains("**Draco's Point of View**"));
        assert!(md.contains("*green*"), "{md}");
        assert!(md.contains("\n* * *\n"));
        assert!(md.contains("**End Notes:**"));
    }
}
