//! Chapter HTML as a list of blocks (paragraphs, headings, scene breaks, section labels,
//! list items, quotations), each with its text twice: with Markdown's inline markup, and
//! plain. The Markdown and plain-text downloads both render from these.

use crate::xhtml::{Event, walk};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    Para,
    Heading(u8),
    /// A scene break (`<hr>`).
    Break,
    /// The label of a point-of-view or flashback section ("Draco's Point of View").
    Label,
    Item {
        ordered: Option<u32>,
        depth: usize,
    },
    Pre,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block {
    pub kind: Kind,
    /// How many quotations (`<blockquote>`) it sits in.
    pub quote: usize,
    pub markdown: String,
    pub plain: String,
}

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    md: String,
    plain: String,
    quote: usize,
    heading: Option<u8>,
    label: bool,
    pre: bool,
    /// Open lists: their next number (`None` for bulleted lists).
    lists: Vec<Option<u32>>,
    item: Option<Option<u32>>,
    /// Link targets waiting for their closing `](…)`.
    links: Vec<String>,
}

impl State {
    fn flush(&mut self) {
        let md = self.md.trim().to_owned();
        let plain = self.plain.trim().to_owned();
        self.md.clear();
        self.plain.clear();
        if plain.is_empty() && md.is_empty() {
            return;
        }
        let kind = if self.pre {
            Kind::Pre
        } else if self.label {
            Kind::Label
        } else if let Some(level) = self.heading {
            Kind::Heading(level)
        } else if let Some(ordered) = self.item {
            Kind::Item { ordered, depth: self.lists.len().max(1) }
        } else {
            Kind::Para
        };
        self.blocks.push(Block { kind, quote: self.quote, markdown: md, plain });
    }

    fn inline(&mut self, md: &str, plain: &str) {
        self.md.push_str(md);
        self.plain.push_str(plain);
    }

    fn text(&mut self, text: &str) {
        if self.pre {
            self.inline(text, text);
            return;
        }
        // Runs of whitespace read as one space, as a browser shows them; control
        // characters are not text at all.
        let text: String = text.chars().filter(|c| !c.is_control() || c.is_whitespace()).collect();
        let mut folded = String::with_capacity(text.len());
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                folded.push(' ');
            }
            folded.push_str(word);
        }
        let mut collapsed = String::with_capacity(folded.len());
        for c in folded.chars() {
            if c == ' ' && (collapsed.ends_with(' ') || (collapsed.is_empty() && self.plain.ends_with(' '))) {
                continue;
            }
            collapsed.push(c);
        }
        let md = escape_markdown(&collapsed, self.md.trim().is_empty());
        self.inline(&md, &collapsed);
    }
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "pre"
            | "dl"
            | "dt"
            | "dd"
            | "table"
            | "tr"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "address"
            | "center"
            | "caption"
    )
}

/// Escapes what Markdown would read as markup; `line_start` also guards the characters
/// that only mean something at the start of a line.
fn escape_markdown(text: &str, line_start: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>') {
            out.push('\\');
        }
        out.push(c);
    }
    if line_start {
        let trimmed = out.trim_start();
        let first = trimmed.chars().next();
        let numbered =
            trimmed.split_once(". ").is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if matches!(first, Some('#' | '-' | '+' | '=')) || numbered {
            return format!("\\{out}");
        }
    }
    out
}

/// A link target as a Markdown link destination: every byte outside the characters URLs
/// are written with is percent-encoded, so spaces, brackets, quotes and `<` can neither end
/// the destination early nor turn it into an autolink or raw HTML.
fn markdown_destination(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    for b in href.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'*+,;=%".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn blocks(html: &str) -> Vec<Block> {
    let mut s = State::default();
    walk(html, |event| match event {
        Event::Start { name, attrs, .. } => match name {
            "hr" => {
                s.flush();
                s.blocks.push(Block {
                    kind: Kind::Break,
                    quote: s.quote,
                    markdown: "* * *".into(),
                    plain: "* * *".into(),
                });
            }
            "br" => s.inline("  \n", "\n"),
            "em" | "i" | "cite" | "var" | "dfn" => s.inline("*", ""),
            "strong" | "b" => s.inline("**", ""),
            "s" | "strike" | "del" => s.inline("~~", ""),
            "code" | "tt" | "kbd" | "samp" if !s.pre => s.inline("`", ""),
            "a" => {
                // Text after the sanitizer must not create a link it refused.
                let href = attrs
                    .iter()
                    .find(|(k, v)| *k == "href" && flourish_core::links::is_safe_link(v))
                    .map(|(_, v)| v.chars().filter(|c| !c.is_control()).collect::<String>());
                if href.is_some() {
                    s.inline("[", "");
                }
                s.links.push(href.unwrap_or_default());
            }
            "img" => {
                if let Some((_, alt)) = attrs.iter().find(|(k, _)| *k == "alt").filter(|(_, v)| !v.is_empty()) {
                    let text = format!("[{alt}]");
                    s.inline(&escape_markdown(&text, false), &text);
                }
            }
            name if is_block(name) => {
                s.flush();
                match name {
                    "blockquote" => s.quote += 1,
                    "ul" => s.lists.push(None),
                    "ol" => {
                        let start = attrs.iter().find(|(k, _)| *k == "start").and_then(|(_, v)| v.parse().ok());
                        s.lists.push(Some(start.unwrap_or(1)));
                    }
                    "li" => {
                        // The item's number, and the list's next.
                        let marker = s.lists.last_mut().and_then(|n| {
                            let current = *n;
                            if let Some(n) = n {
                                *n += 1;
                            }
                            current
                        });
                        s.item = Some(marker);
                    }
                    "pre" => s.pre = true,
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => s.heading = name[1..].parse().ok(),
                    "p" => {
                        s.label = attrs
                            .iter()
                            .any(|(k, v)| *k == "class" && v.split_whitespace().any(|c| c == "section-label"))
                    }
                    _ => {}
                }
            }
            _ => {}
        },
        Event::End { name } => match name {
            "em" | "i" | "cite" | "var" | "dfn" => s.inline("*", ""),
            "strong" | "b" => s.inline("**", ""),
            "s" | "strike" | "del" => s.inline("~~", ""),
            "code" | "tt" | "kbd" | "samp" if !s.pre => s.inline("`", ""),
            "a" => {
                if let Some(href) = s.links.pop().filter(|h| !h.is_empty()) {
                    let tail = format!("]({})", markdown_destination(&href));
                    s.inline(&tail, "");
                }
            }
            name if is_block(name) => {
                s.flush();
                match name {
                    "blockquote" => s.quote = s.quote.saturating_sub(1),
                    "ul" | "ol" => {
                        s.lists.pop();
                    }
                    "li" => s.item = None,
                    "pre" => s.pre = false,
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => s.heading = None,
                    "p" => s.label = false,
                    _ => {}
                }
            }
            _ => {}
        },
        Event::Text(text) => s.text(text),
    });
    s.flush();
    s.blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chapters_become_blocks_with_markdown_and_plain_text() {
        let html = "<section class=\"pov\" data-label=\"Draco\"><p class=\"section-label\">Draco&#39;s Point of View</p>\n\
                    <p>I  saw <em>him</em> in   <a href=\"https://x.org/a b\">the shop</a>.</p></section>\n\
                    <hr class=\"scene-break\"><blockquote><p>*Quoted* 1. text</p></blockquote><ol><li>one</li><li>two</li></ol>";
        let b = blocks(html);
        let kinds: Vec<&Kind> = b.iter().map(|b| &b.kind).collect();
        assert_eq!(
            kinds,
            [
                &Kind::Label,
                &Kind::Para,
                &Kind::Break,
                &Kind::Para,
                &Kind::Item { ordered: Some(1), depth: 1 },
                &Kind::Item { ordered: Some(2), depth: 1 }
            ]
        );
        assert_eq!(b[0].plain, "Draco's Point of View");
        assert_eq!(b[1].markdown, "I saw *him* in [the shop](https://x.org/a%20b).");
        assert_eq!(b[1].plain, "I saw him in the shop.");
        assert_eq!(b[3].quote, 1);
        assert_eq!(b[3].markdown, "\\*Quoted\\* 1. text");
    }
}
