//! HTML to a [`Document`]: AO3's "Download HTML" with its preface and afterword, and any
//! other HTML page of a story.
//!
//! The page is read with html5ever's tokenizer, not a tree builder: the tokenizer reports
//! each tag's line, needs no recursion (a page nested 100,000 levels deep costs nothing
//! extra), and a story only needs its blocks in order — paragraphs, headings, rules — each
//! with its inline markup and the regions (preface, notes, afterword) it sits in.

use crate::blocks::HtmlBlock;
use crate::document::{Document, Format};
use crate::paragraphs::escape_text;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use std::cell::RefCell;

// Tag sets as `matches!`, which compile to a few comparisons by length and bytes; these
// run for every tag of the page.

/// Elements that start and end a block of text.
pub(crate) fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "td"
            | "th"
            | "tr"
            | "table"
            | "ul"
            | "ol"
            | "dl"
            | "center"
            | "body"
            | "figure"
            | "figcaption"
    )
}

/// Inline markup kept in a block's HTML (`span` is dropped: it only carries styling).
fn is_kept_inline(name: &str) -> bool {
    matches!(
        name,
        "em" | "i"
            | "strong"
            | "b"
            | "u"
            | "s"
            | "strike"
            | "del"
            | "ins"
            | "sup"
            | "sub"
            | "small"
            | "big"
            | "code"
            | "abbr"
            | "q"
            | "cite"
    )
}

/// The tag given to a block that is only a no-break space.
pub(crate) const SPACER: &str = "spacer";

/// Elements whose content is not story text.
fn is_skipped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "nav"
            | "noscript"
            | "template"
            | "iframe"
            | "object"
            | "svg"
            | "math"
            | "button"
            | "select"
            | "form"
    )
}

#[derive(Default)]
struct State {
    blocks: Vec<HtmlBlock>,
    html: String,
    text: String,
    /// Where in `text` each `<br>` fell.
    breaks: Vec<usize>,
    tag: String,
    line: usize,
    /// Open block-level elements: (tag, markers).
    stack: Vec<(String, Vec<String>)>,
    /// The markers of `stack` as one string, rebuilt only when the stack changes: runs of
    /// paragraphs share it.
    context: Option<String>,
    /// Inside an element whose content is not story (script, nav…): its tag and depth.
    skipping: Option<(String, usize)>,
    title: Option<String>,
    in_title: bool,
}

impl State {
    fn context(&mut self) -> String {
        let stack = &self.stack;
        self.context
            .get_or_insert_with(|| {
                let mut out = String::new();
                for (_, markers) in stack {
                    for m in markers {
                        out.push_str(m);
                        out.push(' ');
                    }
                }
                out
            })
            .clone()
    }

    /// Ends the current block, if it has anything in it.
    fn flush(&mut self) {
        // Most blocks are already single-spaced; fold whitespace only when needed.
        let plain = !self.text.bytes().any(|b| matches!(b, b'\n' | b'\t' | b'\r' | 0x0c))
            && !self.text.contains("  ")
            && self.text.is_ascii();
        let text = if plain {
            self.text.trim().to_owned()
        } else {
            let mut text = String::with_capacity(self.text.len());
            for word in self.text.split_whitespace() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(word);
            }
            text
        };
        // A paragraph or division holding only a no-break space is a deliberate gap: a
        // scene break where a page uses few of them (see `blocks::page_units`).
        if text.is_empty() && matches!(self.tag.as_str(), "p" | "div") && self.text.contains('\u{a0}') {
            self.tag = SPACER.to_owned();
        }
        if !text.is_empty() || self.tag == "hr" || self.tag == SPACER {
            let html = self.html.trim().to_owned();
            let context = self.context();
            let tag = if self.tag.is_empty() { "p".to_owned() } else { std::mem::take(&mut self.tag) };
            let mut lines = Vec::new();
            if !self.breaks.is_empty() {
                let mut from = 0;
                for &at in self.breaks.iter().chain(std::iter::once(&self.text.len())) {
                    let line = self.text[from..at].split_whitespace().collect::<Vec<_>>().join(" ");
                    if !line.is_empty() {
                        lines.push(line);
                    }
                    from = at;
                }
            } else if tag == "pre" {
                // Preformatted text keeps its lines: a Gutenberg header in `<pre>` continues
                // a field on an indented line ("Title: Max und Moritz" over "Eine
                // Bubengeschichte…", its subtitle).
                lines = self.text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
            }
            self.blocks.push(HtmlBlock { tag, line: self.line, html, text, lines, context });
        }
        self.html.clear();
        self.text.clear();
        self.breaks.clear();
        self.tag.clear();
    }
}

struct Sink(RefCell<State>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        let mut s = self.0.borrow_mut();
        let line = line as usize;
        match token {
            TagToken(tag) => {
                let name: &str = &tag.name;
                if let Some((skip, depth)) = s.skipping.as_mut() {
                    if *skip == name {
                        match tag.kind {
                            StartTag if !tag.self_closing => *depth += 1,
                            EndTag => *depth -= 1,
                            _ => {}
                        }
                        if *depth == 0 {
                            s.skipping = None;
                        }
                    }
                    return TokenSinkResult::Continue;
                }
                // Elements whose content is raw text switch the tokenizer's state at their
                // start tag, as a tree builder would.
                let raw = match (tag.kind, name) {
                    (StartTag, "script") => Some(RawKind::ScriptData),
                    (StartTag, "style" | "xmp" | "iframe" | "noembed" | "noframes") => Some(RawKind::Rawtext),
                    (StartTag, "title" | "textarea") => Some(RawKind::Rcdata),
                    _ => None,
                };
                if tag.kind == StartTag && name == "title" {
                    s.in_title = true;
                } else if tag.kind == EndTag && name == "title" {
                    s.in_title = false;
                }
                // A printed book's page numbers ("p. 31" in Gutenberg's margins) are not text.
                let page_number = name == "span"
                    && tag.attrs.iter().any(|a| {
                        &*a.name.local == "class"
                            && a.value.split_whitespace().any(|c| matches!(c, "pagenum" | "pageno" | "page-number"))
                    });
                if tag.kind == StartTag && (is_skipped(name) || page_number) {
                    if !tag.self_closing {
                        s.skipping = Some((name.to_owned(), 1));
                    }
                    return raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData);
                }
                if name == "hr" && tag.kind == StartTag {
                    s.flush();
                    s.tag = "hr".into();
                    s.line = line;
                    s.flush();
                } else if name == "br" {
                    s.html.push_str("<br />");
                    s.text.push(' ');
                    let at = s.text.len();
                    s.breaks.push(at);
                } else if is_block(name) {
                    s.flush();
                    if tag.kind == StartTag && !tag.self_closing {
                        let mut markers = vec![name.to_owned()];
                        for a in &tag.attrs {
                            if &*a.name.local == "id" || &*a.name.local == "class" {
                                markers.extend(a.value.split_whitespace().map(|v| v.to_lowercase()));
                            }
                        }
                        s.stack.push((name.to_owned(), markers));
                        s.context = None;
                        s.tag = name.to_owned();
                        s.line = line;
                    } else if tag.kind == EndTag
                        && let Some(at) = s.stack.iter().rposition(|(t, _)| *t == name)
                    {
                        s.stack.truncate(at);
                        s.context = None;
                    }
                } else if is_kept_inline(name) {
                    let normal = match name {
                        "i" => "em",
                        "b" => "strong",
                        "strike" => "s",
                        other => other,
                    };
                    s.html.push_str(if tag.kind == StartTag { "<" } else { "</" });
                    s.html.push_str(normal);
                    s.html.push('>');
                } else if name == "a" {
                    // Links keep their target; the sanitizer decides which survive.
                    if tag.kind == StartTag {
                        let href = tag.attrs.iter().find(|a| &*a.name.local == "href").map(|a| a.value.to_string());
                        match href {
                            Some(h) => s.html.push_str(&format!("<a href=\"{}\">", escape_text(&h))),
                            None => s.html.push_str("<a>"),
                        }
                    } else {
                        s.html.push_str("</a>");
                    }
                }
                raw.map_or(TokenSinkResult::Continue, TokenSinkResult::RawData)
            }
            CharacterTokens(text) => {
                if s.skipping.is_some() {
                    return TokenSinkResult::Continue;
                }
                if s.in_title {
                    let t = text.trim().to_owned();
                    if !t.is_empty() {
                        s.title.get_or_insert(t);
                    }
                    return TokenSinkResult::Continue;
                }
                if s.text.trim().is_empty() && !text.trim().is_empty() && s.tag.is_empty() {
                    s.line = line;
                }
                if s.text.is_empty() && s.line == 0 {
                    s.line = line;
                }
                crate::paragraphs::push_escaped_str(&mut s.html, &text);
                s.text.push_str(&text);
                TokenSinkResult::Continue
            }
            _ => TokenSinkResult::Continue,
        }
    }
}

/// The blocks of an HTML page, and its `<title>`.
pub(crate) fn blocks(html: &str) -> (Vec<HtmlBlock>, Option<String>) {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(State::default())), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut state = tokenizer.sink.0.into_inner();
    state.flush();
    (state.blocks, state.title)
}

/// Parses an HTML page.
pub fn parse_html(html: &str, encoding: &str) -> Document {
    let (blocks, page_title) = blocks(html);
    let mut doc = crate::blocks::parse_blocks(blocks, Format::Html);
    doc.encoding = encoding.to_owned();
    if doc.title.is_none()
        && let Some(page_title) = page_title
    {
        let (title, author) = crate::txt::title_and_author_of_page(&page_title);
        doc.title = Some(title);
        if doc.authors.is_empty() {
            doc.authors.extend(author);
        }
    }
    doc
}
