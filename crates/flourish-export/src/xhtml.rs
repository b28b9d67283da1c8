//! Sanitized HTML (what the store keeps) to XHTML that EPUB readers and epubcheck accept:
//! well-formed XML, every entity turned into its character, void elements closed, and the
//! few tags and attributes HTML 5 no longer has (`center`, `big`, `tt`, `acronym`,
//! `strike`, `align`, `a name`) turned into what it has. Remote images are not packaged:
//! an EPUB must carry its resources, so an image becomes its alt text.
//!
//! This writer drops the characters XML forbids, so it checks every link again
//! (`flourish_core::links::is_safe_link`) rather than trusting the sanitizer: nothing after
//! the sanitizer may create what the sanitizer refuses.

use flourish_core::links::{is_forbidden_control, is_safe_link};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, EndTag, StartTag, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer,
    TokenizerOpts,
};
use std::cell::RefCell;

/// One step through an HTML fragment.
#[derive(Debug)]
pub enum Event<'a> {
    Start { name: &'a str, attrs: Vec<(&'a str, &'a str)>, self_closing: bool },
    End { name: &'a str },
    Text(&'a str),
}

struct Sink<F>(RefCell<F>);

impl<F: FnMut(Event<'_>)> TokenSink for Sink<F> {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut f = self.0.borrow_mut();
        match token {
            TagToken(tag) => {
                let name: &str = &tag.name;
                match tag.kind {
                    StartTag => {
                        let attrs = tag.attrs.iter().map(|a| (&*a.name.local, &*a.value)).collect();
                        f(Event::Start { name, attrs, self_closing: tag.self_closing });
                    }
                    EndTag => f(Event::End { name }),
                }
            }
            CharacterTokens(text) => f(Event::Text(&text)),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Calls `f` for every tag and run of text in `html`, entities decoded.
pub fn walk(html: &str, f: impl FnMut(Event<'_>)) {
    let tokenizer = Tokenizer::new(Sink(RefCell::new(f)), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
}

pub fn is_void(name: &str) -> bool {
    matches!(name, "br" | "hr" | "img" | "col" | "wbr")
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if is_xml_forbidden(c) => {}
            c => out.push(c),
        }
    }
}

/// Characters XML 1.0 does not allow at all, which [`escape`] drops. Dropping one from
/// inside a link could join what it separated, so whoever escapes HTML as text (the
/// feeds) checks for these first.
pub fn is_xml_forbidden(c: char) -> bool {
    is_forbidden_control(c) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// The element HTML 5 has for an obsolete one, with the class that keeps its look.
fn modern(name: &str) -> (&str, Option<&'static str>) {
    match name {
        "center" => ("div", Some("center")),
        "big" => ("span", Some("big")),
        "tt" => ("code", None),
        "acronym" => ("abbr", None),
        "strike" => ("s", None),
        other => (other, None),
    }
}

/// A `ruby` element being written: where its start tag begins in the output, and whether
/// it has had base text and an annotation (`rt`) yet.
struct Ruby {
    start: usize,
    base: bool,
    annotated: bool,
}

/// EPUB's schema wants a `ruby` to hold base text followed by at least one `rt`, and an
/// `rt` or `rp` only directly inside a `ruby`; HTML lets writers (and the sanitizer) leave
/// either out. A ruby without both, written out already, becomes spans.
fn unruby(out: &mut String, start: usize) {
    let written = out.split_off(start);
    let mut fixed = written;
    for (from, to) in [
        ("<ruby", "<span"),
        ("</ruby>", "</span>"),
        ("<rt", "<span"),
        ("</rt>", "</span>"),
        ("<rp", "<span"),
        ("</rp>", "</span>"),
    ] {
        fixed = fixed.replace(from, to);
    }
    out.push_str(&fixed);
}

/// `html`, as well-formed XHTML.
pub fn to_xhtml(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    // Open elements: the name in the source (what its end tag says) and the name written.
    let mut open: Vec<(String, String)> = Vec::new();
    let mut rubies: Vec<Ruby> = Vec::new();
    walk(html, |event| match event {
        Event::Start { name, attrs, .. } => {
            let in_ruby = open.last().is_some_and(|(_, written)| written == "ruby");
            match name {
                "ruby" => rubies.push(Ruby { start: out.len(), base: false, annotated: false }),
                "rt" if in_ruby => {
                    if let Some(r) = rubies.last_mut() {
                        r.annotated = true;
                    }
                }
                "rp" if in_ruby => {}
                _ => {
                    if let Some(r) = rubies.last_mut().filter(|r| !r.annotated) {
                        r.base = true;
                    }
                }
            }
            if name == "img" {
                let alt = attrs.iter().find(|(k, _)| *k == "alt").map_or("", |(_, v)| *v);
                if !alt.is_empty() {
                    out.push_str("<span class=\"image-alt\">[");
                    escape_into(&mut out, alt);
                    out.push_str("]</span>");
                }
                return;
            }
            let (mut tag, class) = modern(name);
            // An annotation outside a ruby is text like any other.
            if matches!(tag, "rt" | "rp") && !in_ruby {
                tag = "span";
            }
            let safe_href = |(k, v): &&(&str, &str)| *k == "href" && is_safe_link(v);
            // EPUB's schema wants every `a` to link somewhere; an anchor that only names a
            // place (or whose target was refused) is a span.
            if tag == "a" && !attrs.iter().any(|a| safe_href(&a)) {
                tag = "span";
            }
            out.push('<');
            out.push_str(tag);
            let mut classes: Vec<&str> = class.into_iter().collect();
            for (k, v) in &attrs {
                match *k {
                    "class" => classes.extend(v.split_whitespace()),
                    "align" => classes.push(match *v {
                        "center" => "center",
                        "right" => "right",
                        "justify" => "justify",
                        _ => "left",
                    }),
                    "name" if name == "a" => {
                        out.push_str(" id=\"");
                        escape_into(&mut out, &xml_id(v));
                        out.push('"');
                    }
                    "href" if !is_safe_link(v) => {}
                    // A link's relation means nothing on the span that replaced it.
                    "rel" if tag != "a" => {}
                    "href" | "title" | "dir" | "lang" | "colspan" | "rowspan" | "start" | "type" | "rel"
                    | "data-label" => {
                        out.push(' ');
                        out.push_str(k);
                        out.push_str("=\"");
                        escape_into(&mut out, v);
                        out.push('"');
                    }
                    _ => {}
                }
            }
            if !classes.is_empty() {
                out.push_str(" class=\"");
                escape_into(&mut out, &classes.join(" "));
                out.push('"');
            }
            if is_void(tag) {
                out.push_str("/>");
            } else {
                out.push('>');
                open.push((name.to_owned(), tag.to_owned()));
            }
        }
        Event::End { name } => {
            // Close back to the matching element; an end tag with no open element is dropped.
            if let Some(at) = open.iter().rposition(|(source, _)| source == name) {
                for (_, t) in open.drain(at..).rev() {
                    out.push_str("</");
                    out.push_str(&t);
                    out.push('>');
                    if t == "ruby"
                        && let Some(ruby) = rubies.pop()
                        && !(ruby.base && ruby.annotated)
                    {
                        unruby(&mut out, ruby.start);
                    }
                }
            }
        }
        Event::Text(text) => {
            if let Some(r) = rubies.last_mut().filter(|r| !r.annotated && !text.trim().is_empty()) {
                r.base = true;
            }
            escape_into(&mut out, text)
        }
    });
    for (_, t) in open.into_iter().rev() {
        out.push_str("</");
        out.push_str(&t);
        out.push('>');
        if t == "ruby"
            && let Some(ruby) = rubies.pop()
            && !(ruby.base && ruby.annotated)
        {
            unruby(&mut out, ruby.start);
        }
    }
    out
}

/// An XML id from an anchor name: letters, digits, `-`, `_`, `.`, starting with a letter.
fn xml_id(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_alphanumeric() || "-_.".contains(c) { c } else { '_' }).collect();
    if cleaned.chars().next().is_some_and(char::is_alphabetic) { cleaned } else { format!("a{cleaned}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_is_kept_when_whole_and_made_spans_when_not() {
        let whole = "<ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby>";
        assert_eq!(to_xhtml(whole), whole);
        // Found by the epub fuzz target, refused by epubcheck: a ruby with no annotation,
        // one with no base text, an annotation outside any ruby.
        assert_eq!(to_xhtml("<ruby>漢</ruby>"), "<span>漢</span>");
        assert_eq!(to_xhtml("<ruby><rt>kan</rt></ruby>"), "<span><span>kan</span></span>");
        assert_eq!(to_xhtml("<p>a<rt>b</rt></p>"), "<p>a<span>b</span></p>");
        // A ruby in a ruby's base is not allowed either: the outer one takes the inner along.
        assert_eq!(to_xhtml("<ruby>a<ruby>b<rt>c</rt></ruby></ruby>"), "<span>a<span>b<span>c</span></span></span>");
    }

    #[test]
    fn html_becomes_well_formed_xhtml() {
        assert_eq!(to_xhtml("<p>Tom &amp; Jerry&nbsp;<br>next</p>"), "<p>Tom &amp; Jerry\u{a0}<br/>next</p>");
        assert_eq!(to_xhtml("<hr class=\"scene-break\">"), "<hr class=\"scene-break\"/>");
        assert_eq!(to_xhtml("<p>open <em>never closed"), "<p>open <em>never closed</em></p>");
        assert_eq!(to_xhtml("</div><p>x</p>"), "<p>x</p>");
        assert_eq!(
            to_xhtml("<center><big>Big</big></center><p align=\"right\">r</p>"),
            "<div class=\"center\"><span class=\"big\">Big</span></div><p class=\"right\">r</p>"
        );
        assert_eq!(to_xhtml("<a name=\"1 top\">x</a>"), "<span id=\"a1_top\">x</span>");
        assert_eq!(
            to_xhtml("<a href=\"https://x.org\" rel=\"nofollow\">x</a>"),
            "<a href=\"https://x.org\" rel=\"nofollow\">x</a>"
        );
        assert_eq!(to_xhtml("<img src=\"http://x/y.png\" alt=\"A map\">"), "<span class=\"image-alt\">[A map]</span>");
        assert_eq!(to_xhtml("<p>a\u{1}b</p>"), "<p>ab</p>", "characters XML forbids are dropped");
    }

    #[test]
    fn dropping_control_characters_never_makes_a_script_link() {
        for href in ["\u{1}java\u{3}script:alert(1)", "&#1;java&#3;script:alert(1)", "java\u{0}script:x", "vbscript:x"]
        {
            let out = to_xhtml(&format!("<p><a href=\"{href}\">x</a></p>"));
            assert_eq!(out, "<p><span>x</span></p>", "{href:?}");
        }
        assert_eq!(to_xhtml("<a rel=\"nofollow\">x</a>"), "<span>x</span>", "a refused link keeps its text");
    }
}
