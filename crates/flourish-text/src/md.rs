//! Markdown to a [`Document`], through the same block structure as HTML: `#` headings that
//! repeat are chapters, a lone one above them is the title, `---` and `* * *` are scene
//! breaks.

use crate::blocks::HtmlBlock;
use crate::document::{Document, Format};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub fn parse_md(text: &str, encoding: &str) -> Document {
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| line_starts.partition_point(|&s| s <= offset);
    let mut blocks = Vec::new();
    // The block being read: its tag, line and events.
    let mut current: Option<(String, usize, Vec<Event>)> = None;
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).into_offset_iter() {
        match &event {
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
    let mut doc = crate::blocks::parse_blocks(blocks, Format::Md);
    doc.encoding = encoding.to_owned();
    doc
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
