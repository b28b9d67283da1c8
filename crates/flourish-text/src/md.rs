//! Markdown to a [`Document`], through the same block structure as HTML: `#` headings that
//! repeat are chapters, a lone one above them is the title, `---` and `* * *` are scene
//! breaks. The metadata a Markdown file carries at its top is read as the work's: YAML
//! front matter (`---` / `title:` `author:` `summary:` `tags:` / `---`, as Obsidian, Jekyll,
//! Hugo and pandoc write it) and a pandoc title block (`% Title` / `% Author`).

use crate::blocks::HtmlBlock;
use crate::document::{Document, Format};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub fn parse_md(text: &str, encoding: &str) -> Document {
    let (fields, blanked) = front_matter(text);
    let text = blanked.as_deref().unwrap_or(text);
    let mut doc = parse_body(text);
    doc.encoding = encoding.to_owned();
    for (key, value) in fields {
        match key.as_str() {
            "title" => doc.title = Some(value),
            "author" | "authors" | "creator" | "by" => {
                doc.authors =
                    value.split([',', ';', '&']).map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect()
            }
            "summary" | "description" | "abstract" => doc.summary = Some(value),
            "tags" | "keywords" => doc.header.push(("tags".into(), value)),
            "pairings" | "pairing" | "relationship" => doc.header.push(("relationships".into(), value)),
            "lang" => doc.header.push(("language".into(), value)),
            _ => doc.header.push((key, value)),
        }
    }
    doc
}

/// The fields of YAML front matter or a pandoc title block, and the text with that block
/// blanked line for line (so line numbers stay right); `None` when there is none.
fn front_matter(text: &str) -> (Vec<(String, String)>, Option<String>) {
    let body = text.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let blank_first = |n: usize| -> String {
        let mut out: Vec<&str> = vec![""; n];
        out.extend(&lines[n..]);
        out.join("\n")
    };
    if lines.first().is_some_and(|l| l.trim() == "---") {
        let Some(end) = lines.iter().take(200).skip(1).position(|l| matches!(l.trim(), "---" | "...")) else {
            return (vec![], None);
        };
        let end = end + 1;
        let fields = yaml_fields(&lines[1..end]);
        // A thematic break at the top of a story is not front matter: it must say something.
        if fields.is_empty() {
            return (vec![], None);
        }
        return (fields, Some(blank_first(end + 1)));
    }
    if lines.first().is_some_and(|l| l.starts_with("% ")) {
        let block: Vec<&str> = lines.iter().take(3).take_while(|l| l.starts_with('%')).copied().collect();
        let value =
            |i: usize| block.get(i).map(|l| l.trim_start_matches('%').trim().to_owned()).filter(|v| !v.is_empty());
        let mut fields = Vec::new();
        fields.extend(value(0).map(|t| ("title".to_owned(), t)));
        fields.extend(value(1).map(|a| ("author".to_owned(), a)));
        fields.extend(value(2).map(|d| ("date".to_owned(), d)));
        return (fields, Some(blank_first(block.len())));
    }
    (vec![], None)
}

/// `key: value`, `key: [a, b]` and `key:` over `- item` lines, the forms front matter
/// uses for a work's metadata; lists are joined with commas. Anything else is passed over.
fn yaml_fields(lines: &[&str]) -> Vec<(String, String)> {
    let unquote = |v: &str| v.trim().trim_matches(|c| c == '"' || c == '\'').trim().to_owned();
    let mut fields: Vec<(String, String)> = Vec::new();
    for line in lines {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some(item) = trimmed.strip_prefix("- ") {
            // An item of the list under the last key.
            if line.starts_with([' ', '\t', '-'])
                && let Some((_, value)) = fields.last_mut()
            {
                if !value.is_empty() {
                    value.push_str(", ");
                }
                value.push_str(&unquote(item));
            }
            continue;
        }
        if line.starts_with([' ', '\t']) {
            continue;
        }
        let Some((key, value)) = trimmed.split_once(':') else { continue };
        let key = key.trim().to_lowercase();
        if key.is_empty() || key.contains(char::is_whitespace) && key.split_whitespace().count() > 2 {
            continue;
        }
        let value = value.trim();
        let value = match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            Some(list) => list.split(',').map(unquote).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(", "),
            None => unquote(value),
        };
        fields.push((key, value));
    }
    fields.retain(|(_, v)| !v.is_empty());
    fields
}

/// The text with a blank line after each line that closes a block element and is followed
/// straight away by Markdown ("<p class="centered">…</p>" then "---" then "## LETTER I.").
/// CommonMark runs an HTML block on to the next blank line, swallowing that Markdown as raw
/// text; kramdown, which Jekyll sites are written for, ends the block at its closing tag.
/// Returns the offsets (in the new text) of the lines added, to keep line numbers right.
fn close_html_blocks(text: &str) -> (std::borrow::Cow<'_, str>, Vec<usize>) {
    let closes_block = |line: &str| {
        let line = line.trim_end();
        line.rsplit_once("</").is_some_and(|(_, tag)| {
            tag.strip_suffix('>').is_some_and(|t| crate::html::is_block(&t.to_ascii_lowercase()))
        })
    };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let markdown_next =
        |i: usize| lines.get(i + 1).is_some_and(|n| !n.trim().is_empty() && !n.trim_start().starts_with('<'));
    if !(0..lines.len()).any(|i| closes_block(lines[i]) && markdown_next(i)) {
        return (std::borrow::Cow::Borrowed(text), vec![]);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut added = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        if closes_block(line) && markdown_next(i) {
            added.push(out.len());
            out.push('\n');
        }
    }
    (std::borrow::Cow::Owned(out), added)
}

fn parse_body(text: &str) -> Document {
    let (text, added) = close_html_blocks(text);
    let text = text.as_ref();
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of =
        |offset: usize| line_starts.partition_point(|&s| s <= offset) - added.partition_point(|&a| a < offset);
    let mut blocks = Vec::new();
    // The block being read: its tag, line and events.
    let mut current: Option<(String, usize, Vec<Event>)> = None;
    let mut depth = 0usize;
    // An HTML block inside the Markdown ("<p class="centered">…</p>"), read as HTML is.
    let mut html_block: Option<(usize, String)> = None;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        match &event {
            Event::Start(Tag::HtmlBlock) if current.is_none() => {
                html_block = Some((line_of(range.start), String::new()))
            }
            Event::Html(h) if current.is_none() => {
                if let Some((_, html)) = &mut html_block {
                    html.push_str(h);
                }
            }
            Event::End(TagEnd::HtmlBlock) if current.is_none() => {
                if let Some((line, html)) = html_block.take() {
                    let (mut inner, _) = crate::html::blocks(&html);
                    for b in &mut inner {
                        // The HTML reader counts lines from 1 within the block.
                        b.line = line + b.line.saturating_sub(1);
                    }
                    blocks.extend(inner);
                }
            }
            Event::Start(tag) if current.is_none() => {
                let name = match tag {
                    Tag::Paragraph => "p".to_owned(),
                    Tag::Heading { level, .. } => format!("h{}", *level as usize),
                    Tag::Item => "li".to_owned(),
                    Tag::CodeBlock(_) => "pre".to_owned(),
                    // Containers: their paragraphs are the blocks.
                    _ => continue,
                };
                current = Some((name, line_of(range.start), Vec::new()));
                depth = 1;
            }
            Event::Start(_) => {
                depth += 1;
                if let Some((_, _, events)) = &mut current {
                    events.push(event.clone());
                }
            }
            Event::End(end) if current.is_some() => {
                depth -= 1;
                if depth == 0 {
                    let (tag, line, events) = current.take().expect("checked");
                    blocks.push(block(tag, line, events));
                } else if let Some((_, _, events)) = &mut current {
                    // A list item's own paragraph ends inside it.
                    if !matches!(end, TagEnd::Paragraph) {
                        events.push(event.clone());
                    }
                }
            }
            Event::Rule => blocks.push(HtmlBlock {
                tag: "hr".into(),
                line: line_of(range.start),
                html: String::new(),
                text: String::new(),
                lines: vec![],
                context: String::new(),
            }),
            _ => {
                if let Some((_, _, events)) = &mut current {
                    events.push(event.clone());
                }
            }
        }
    }
    crate::blocks::parse_blocks(blocks, Format::Md)
}

fn block(tag: String, line: usize, events: Vec<Event>) -> HtmlBlock {
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.to_string()),
            Event::SoftBreak | Event::HardBreak => Some(" ".into()),
            _ => None,
        })
        .collect();
    // Paragraph starts inside list items are dropped so items stay inline.
    let inline: Vec<Event> = events.into_iter().filter(|e| !matches!(e, Event::Start(Tag::Paragraph))).collect();
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, inline.into_iter());
    HtmlBlock {
        tag,
        line,
        html: html.trim().to_owned(),
        text: text.trim().to_owned(),
        lines: vec![],
        context: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_front_matter_fills_the_work_and_leaves_the_story() {
        let text = "---\ntitle: \"The Glass Orchard\"\nauthor: fernwright\nsummary: Apples that ring like bells.\ntags: [Found Family, Slow Burn]\nfandom: Original Work\ncharacters:\n  - Ada Fenn\n  - Tobias Fenn\n---\n\n# Chapter 1: Spring\n\nThe orchard rang all morning.\n\n***\n\nBy noon it was silent.\n\n# Chapter 2: Summer\n\nAda counted the bells.\n";
        let doc = parse_md(text, "utf-8");
        assert_eq!(doc.title.as_deref(), Some("The Glass Orchard"));
        assert_eq!(doc.authors, ["fernwright"]);
        assert_eq!(doc.summary.as_deref(), Some("Apples that ring like bells."));
        assert_eq!(doc.header_field("tags"), Some("Found Family, Slow Burn"));
        assert_eq!(doc.header_field("fandom"), Some("Original Work"));
        assert_eq!(doc.header_field("characters"), Some("Ada Fenn, Tobias Fenn"));
        assert_eq!(doc.chapters.len(), 2);
        assert_eq!(doc.chapters[0].title.as_deref(), Some("Spring"));
        assert_eq!(doc.chapters[0].scene_breaks.len(), 1);
        let html = doc.chapters[0].content_html();
        assert!(!html.contains("fernwright") && !html.contains("title:"), "{html}");
        assert_eq!(doc.chapters[0].start_line, Some(12), "line numbers are the file's");
    }

    #[test]
    fn a_pandoc_title_block_is_title_and_author() {
        let doc = parse_md(
            "% The Glass Orchard\n% fernwright; ashling\n% 2024\n\nThe orchard rang.\n\nThen it stopped.\n",
            "utf-8",
        );
        assert_eq!(doc.title.as_deref(), Some("The Glass Orchard"));
        assert_eq!(doc.authors, ["fernwright", "ashling"]);
        assert!(!doc.chapters[0].content_html().contains('%'));
    }

    #[test]
    fn a_rule_at_the_top_is_not_front_matter() {
        let doc = parse_md("---\n\nThe orchard rang.\n\n---\n\nThen it stopped.\n", "utf-8");
        assert_eq!(doc.title, None);
        let html = doc.chapters[0].content_html();
        assert!(html.contains("The orchard rang.") && html.contains("Then it stopped."), "{html}");
    }
}
