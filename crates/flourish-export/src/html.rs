//! One self-contained HTML file: the stylesheet inline, no scripts, nothing fetched; the
//! title page, a table of contents, every chapter with its notes, and the afterword.

use crate::Book;
use crate::meta::{Facts, chapter_heading};
use crate::xhtml::{escape, to_xhtml};

/// The stylesheet of the HTML download and of the EPUB: readable serif text, the title
/// page's facts as a definition list, POV and flashback sections set off like the site's.
pub const STYLE: &str = "\
body { font-family: Georgia, 'Palatino Linotype', Palatino, serif; line-height: 1.5; margin: 0 auto; max-width: 40em; padding: 0 1em; }
h1, h2, h3 { font-family: sans-serif; line-height: 1.2; }
h1.title { margin-bottom: 0.2em; }
.byline { margin-top: 0; font-style: italic; }
dl.meta { font-family: sans-serif; font-size: 0.9em; border: 1px solid #ccc; padding: 0.5em 1em; }
dl.meta dt { font-weight: bold; float: left; clear: left; margin-right: 0.4em; }
dl.meta dd { margin: 0 0 0.2em 0; }
.notes, .end-notes, .summary { border-left: 3px solid #999; padding-left: 0.8em; margin: 1em 0; }
.notes blockquote, .end-notes blockquote, .summary blockquote { margin: 0; }
.notes h3, .end-notes h3, .summary h3 { font-size: 1em; margin: 0.5em 0 0.2em; }
section.pov, section.flashback, section.letter { margin: 1em 0; }
section.flashback { border-left: 3px solid #999; padding-left: 0.8em; font-style: italic; }
p.section-label { font-variant: small-caps; font-weight: bold; text-align: center; font-style: normal; }
hr, hr.scene-break { border: 0; text-align: center; margin: 1.5em 0; }
hr::after, hr.scene-break::after { content: '* * *'; letter-spacing: 0.5em; }
.center { text-align: center; }
.right { text-align: right; }
.justify { text-align: justify; }
.big { font-size: larger; }
.image-alt { font-style: italic; }
nav.toc ol { padding-left: 1.5em; }
footer.afterword { border-top: 1px solid #ccc; margin-top: 2em; }
";

/// The title page as XHTML (valid HTML too): title, creators, tags by type, language,
/// series, dates and counts, the work's address, summary and notes.
pub fn preface(book: &Book<'_>, facts: &Facts) -> String {
    let mut out = format!(
        "<h1 class=\"title\">{}</h1>\n<div class=\"byline\">by {}</div>\n<dl class=\"meta tags\">\n",
        escape(&facts.title),
        escape(&facts.byline())
    );
    for group in &facts.groups {
        out.push_str(&format!("<dt>{}:</dt><dd>{}</dd>\n", group.label, escape(&group.tags.join(", "))));
    }
    out.push_str(&format!("<dt>Language:</dt><dd>{}</dd>\n", escape(&facts.language)));
    for (title, part) in &facts.series {
        out.push_str(&format!("<dt>Series:</dt><dd>Part {part} of {}</dd>\n", escape(title)));
    }
    for (k, v) in facts.stats() {
        out.push_str(&format!("<dt>{k}:</dt><dd>{}</dd>\n", escape(&v)));
    }
    out.push_str(&format!("<dt>Source:</dt><dd><a href=\"{0}\">{0}</a></dd>\n</dl>\n", escape(&facts.url)));
    notes_block(&mut out, "summary", "Summary", &book.work.summary);
    notes_block(&mut out, "notes", "Notes", &book.work.notes);
    out
}

/// A titled block of notes, as XHTML; nothing when `html` is empty. The label above a
/// blockquote is AO3's layout too, which Flourish's importer reads back.
pub fn notes_block(out: &mut String, class: &str, heading: &str, html: &str) {
    if html.trim().is_empty() {
        return;
    }
    out.push_str(&format!(
        "<div class=\"{class}\"><h3>{heading}</h3>\n<blockquote class=\"userstuff\">\n{}\n</blockquote>\n</div>\n",
        to_xhtml(html)
    ));
}

/// One chapter's heading, notes, text and end notes, as XHTML.
pub fn chapter_body(chapter: &flourish_core::Chapter) -> String {
    let mut out = format!("<h2>{}</h2>\n", escape(&chapter_heading(chapter.position, &chapter.title)));
    notes_block(&mut out, "summary", "Chapter Summary", &chapter.summary);
    notes_block(&mut out, "notes", "Chapter Notes", &chapter.notes);
    out.push_str("<div class=\"userstuff\">\n");
    out.push_str(&to_xhtml(&chapter.content));
    out.push_str("\n</div>\n");
    notes_block(&mut out, "end-notes", "Chapter End Notes", &chapter.end_notes);
    out
}

/// The afterword: the work's end notes and where it was posted.
pub fn afterword(book: &Book<'_>, facts: &Facts) -> String {
    let mut out = String::from("<h2>Afterword</h2>\n");
    notes_block(&mut out, "end-notes", "End Notes", &book.work.end_notes);
    out.push_str(&format!(
        "<p>Posted on {} at <a href=\"{1}\">{1}</a>. Please leave kudos and comments there.</p>\n",
        escape(&facts.archive),
        escape(&facts.url)
    ));
    out
}

pub fn write(book: &Book<'_>) -> String {
    let facts = Facts::new(book);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <style>\n{STYLE}</style>\n</head>\n<body>\n<header class=\"preface\" id=\"preface\">\n",
        lang = escape(&facts.language),
        title = escape(&facts.title),
    );
    out.push_str(&preface(book, &facts));
    out.push_str("</header>\n");
    if book.chapters.len() > 1 {
        out.push_str("<nav class=\"toc\"><h2>Contents</h2><ol>\n");
        for c in book.chapters {
            out.push_str(&format!(
                "<li><a href=\"#chapter-{}\">{}</a></li>\n",
                c.position,
                escape(&chapter_heading(c.position, &c.title))
            ));
        }
        out.push_str("</ol></nav>\n");
    }
    for c in book.chapters {
        out.push_str(&format!("<article class=\"chapter\" id=\"chapter-{}\">\n", c.position));
        out.push_str(&chapter_body(c));
        out.push_str("</article>\n");
    }
    out.push_str("<footer class=\"afterword\" id=\"afterword\">\n");
    out.push_str(&afterword(book, &facts));
    out.push_str("</footer>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_file_stands_alone() {
        let (work, chapters) = crate::fixture::work();
        let html = write(&crate::fixture::book(&work, &chapters));
        assert!(html.contains("<style>") && !html.contains("<link") && !html.contains("<script"));
        assert!(html.contains("<dt>Relationship:</dt><dd>Draco Malfoy/Harry Potter</dd>"));
        assert!(html.contains("<dt>Series:</dt><dd>Part 2 of Shop Windows</dd>"));
        assert!(html.contains("<a href=\"#chapter-2\">Chapter 2: Diagon Alley</a>"));
        assert!(html.contains("<section data-label=\"Flashback\" class=\"flashback\">"), "{html}");
        assert!(html.contains("<hr class=\"scene-break\"/>"));
        assert!(html.contains("<h3>Chapter Notes</h3>"));
        assert!(html.contains("Thank you for reading!"));
    }
}
