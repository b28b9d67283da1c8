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

mod nesting;

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

/// `html`, as well-formed XHTML whose elements sit where EPUB's schema allows them
/// ([`nesting`]).
pub fn to_xhtml(html: &str) -> String {
    let mut writer = nesting::Writer::with_capacity(html.len() + html.len() / 8);
    walk(html, |event| match event {
        Event::Start { name, attrs, .. } => {
            if name == "img" {
                let alt = attrs.iter().find(|(k, _)| *k == "alt").map_or("", |(_, v)| *v);
                if !alt.is_empty() {
                    writer.markup(&format!("<span class=\"image-alt\">[{}]</span>", escape(alt)));
                }
                return;
            }
            let (mut tag, class) = modern(name);
            // EPUB's schema wants every `a` to link somewhere; an anchor that only names a
            // place (or whose target was refused) is a span.
            // A link inside a link is not allowed either.
            if tag == "a" && (writer.in_link() || !attrs.iter().any(|(k, v)| *k == "href" && is_safe_link(v))) {
                tag = "span";
            }
            let (id, attrs) = attributes(name, tag, class, &attrs);
            writer.start(name, tag, &format!("{id}{attrs}"), &attrs);
        }
        Event::End { name } => writer.end(name),
        Event::Text(text) => writer.text(text),
    });
    writer.finish()
}

/// The attributes XHTML keeps, written as ` name="value"` pairs: the `id` an anchor's name
/// becomes, apart (an id may appear once, and a copy of the element must not repeat it),
/// and the rest.
fn attributes(name: &str, tag: &str, class: Option<&str>, attrs: &[(&str, &str)]) -> (String, String) {
    let mut id = String::new();
    let mut out = String::new();
    let mut classes: Vec<&str> = class.into_iter().collect();
    for (k, v) in attrs {
        match *k {
            "class" => classes.extend(v.split_whitespace()),
            "align" => classes.push(match *v {
                "center" => "center",
                "right" => "right",
                "justify" => "justify",
                _ => "left",
            }),
            "name" if name == "a" => {
                id.push_str(" id=\"");
                escape_into(&mut id, &xml_id(v));
                id.push('"');
            }
            "href" if !is_safe_link(v) => {}
            // A link's target and relation mean nothing on the span that replaced it.
            "href" | "rel" if tag != "a" => {}
            "href" | "title" | "dir" | "lang" | "colspan" | "rowspan" | "start" | "type" | "rel" | "data-label" => {
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
    (id, out)
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
        // A ruby ends with an annotation: text after the last one goes after the ruby (the
        // replay test's epubcheck sample found this).
        assert_eq!(to_xhtml("<ruby>漢<rt>kan</rt>text"), "<ruby>漢<rt>kan</rt></ruby>text");
        assert_eq!(to_xhtml("<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>"), "<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>");
        assert_eq!(to_xhtml("<ruby><rt>kan</rt></ruby>"), "<span><span>kan</span></span>");
        assert_eq!(to_xhtml("<p>a<rt>b</rt></p>"), "<p>a<span>b</span></p>");
        // A ruby in a ruby's base is not allowed either: the outer one takes the inner along.
        assert_eq!(to_xhtml("<ruby>a<ruby>b<rt>c</rt></ruby></ruby>"), "<span>a<span>b<span>c</span></span></span>");
    }

    /// Found by the `epub` fuzz target: markup HTML's parser keeps and EPUB's schema
    /// refuses, each rearranged with nothing lost (`tests/it` sends them through epubcheck).
    #[test]
    fn elements_go_where_the_schema_allows_them() {
        let cases = [
            // A block in inline elements takes them inside, and they go on after it.
            ("<em><p>a</p><p>b</p></em>", "<p><em>a</em></p><p><em>b</em></p>"),
            (
                "<p><em>a<table><tr><td>b</td></tr></table>c</em></p>",
                "<p><em>a</em></p><table><tbody><tr><td>b</td></tr></tbody></table><em>c</em>",
            ),
            ("<em>a<p>b</em>c</p>", "<em>a</em><p><em>b</em>c</p>"),
            ("<b><hr>x</b>", "<hr/><b>x</b>"),
            // An anchor's id stays on the first part only.
            ("<em><a name=\"n\">x<p>y</p></a></em>", "<em><span id=\"n\">x</span></em><p><em><span>y</span></em></p>"),
            // A block in a paragraph or heading ends it.
            ("<p>a<div>b</div>c</p>", "<p>a</p><div>b</div>c"),
            ("<h1>a<h2>b</h2></h1>", "<h1>a</h1><h2>b</h2>"),
            // Parts without their whole get one.
            ("<li>x</li><li>y</li>", "<ul><li>x</li><li>y</li></ul>"),
            ("<dd>x</dd>", "<dl><dt></dt><dd>x</dd></dl>"),
            ("<dt>x</dt>", "<dl><dt>x</dt><dd></dd></dl>"),
            ("<tr><td>x</td></tr>", "<table><tbody><tr><td>x</td></tr></tbody></table>"),
            ("<div><td>x</td>y</div>", "<div><table><tbody><tr><td>x</td></tr></tbody></table>y</div>"),
            ("<li>a<li>b</li></li>", "<ul><li>a<ul><li>b</li></ul></li></ul>"),
            // What sits loose in a list or table gets an item or a cell.
            ("<ul>loose<li>a</li></ul>", "<ul><li>loose</li><li>a</li></ul>"),
            ("<ol> <li>a</li> </ol>", "<ol> <li>a</li> </ol>"),
            (
                "<table>t<tr><th>h</th></tr></table>",
                "<table><tbody><tr><td>t</td></tr><tr><th>h</th></tr></tbody></table>",
            ),
            // Tables in the order the schema wants.
            (
                "<table><tbody><tr><td>a</td></tr></tbody><caption>c</caption><thead><tr><td>h</td></tr></thead><tfoot><tr><td>f</td></tr></tfoot></table>",
                "<table><tbody><tr><td>a</td></tr></tbody><tbody><tr><td>c</td></tr></tbody><tbody><tr><td>h</td></tr></tbody><tbody><tr><td>f</td></tr></tbody></table>",
            ),
            ("<table><colgroup><col></colgroup><caption>c</caption></table>", "<table><caption>c</caption></table>"),
            (
                "<table><thead><tr><td>a</td></tr></thead><thead><tr><td>b</td></tr></thead></table>",
                "<table><thead><tr><td>a</td></tr></thead><tbody><tr><td>b</td></tr></tbody></table>",
            ),
            // A summary first in its details, or neither.
            ("<details><summary>s</summary><p>x</p></details>", "<details><summary>s</summary><p>x</p></details>"),
            ("<details><p>x</p><summary>s</summary></details>", "<div><p>x</p><p>s</p></div>"),
            ("<figcaption>c</figcaption>", "<div>c</div>"),
            // No link in a link, no ruby around a block.
            (
                "<a href=\"https://e.org/\">x<a href=\"https://f.org/\">y</a></a>",
                "<a href=\"https://e.org/\">x<span>y</span></a>",
            ),
            ("<ruby>a<p>b</p><rt>c</rt></ruby>", "<span>a</span><p>b</p><span>c</span>"),
        ];
        for (html, want) in cases {
            assert_eq!(to_xhtml(html), want, "{html}");
        }
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
