//! An independent judge of links in what Flourish writes: tests check pages, downloads,
//! feeds and API answers with it, never with the product's own `flourish_core::links`, so
//! a mistake there cannot hide itself.
//!
//! The rule (issue 20): no `href`, `src`, `action` (or any other URL attribute) whose
//! scheme, once control characters and whitespace are removed, is anything but http,
//! https or mailto. A relative link has no scheme and is fine.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, CharacterTokens, TagToken, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use std::cell::RefCell;

/// Attributes whose value a browser or an e-reader follows as a URL.
const URL_ATTRIBUTES: &[&str] =
    &["href", "src", "action", "formaction", "data", "poster", "background", "cite", "xlink:href", "srcset"];

/// Whether `url` names a scheme other than http, https or mailto, reading it as the most
/// forgiving later step could: control characters and whitespace removed, case ignored.
pub fn is_unsafe_url(url: &str) -> bool {
    let squeezed: String =
        url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let Some(colon) = squeezed.find(':') else { return false };
    let scheme = &squeezed[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    is_scheme && !matches!(scheme, "http" | "https" | "mailto")
}

struct Sink {
    found: RefCell<Vec<String>>,
    texts: RefCell<Vec<String>>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            TagToken(tag) => {
                for a in &tag.attrs {
                    let name: &str = &a.name.local;
                    if (URL_ATTRIBUTES.contains(&name) || name.ends_with("href")) && is_unsafe_url(&a.value) {
                        self.found.borrow_mut().push(format!("<{} {name}={:?}>", &*tag.name, &*a.value));
                    }
                }
            }
            CharacterTokens(text) => self.texts.borrow_mut().push(text.to_string()),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tokenizes `html` (HTML or XHTML) and returns its tags with unsafe URLs, and its text.
fn scan(html: &str) -> (Vec<String>, String) {
    let tokenizer =
        Tokenizer::new(Sink { found: RefCell::default(), texts: RefCell::default() }, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let found = tokenizer.sink.found.take();
    let text = tokenizer.sink.texts.take().concat();
    (found, text)
}

/// The tags in `html` (an HTML page, an XHTML file, an HTML fragment) with unsafe URLs.
pub fn unsafe_links(html: &str) -> Vec<String> {
    scan(html).0
}

/// The same for a feed or catalog, whose entries also carry HTML as escaped text
/// (`type="html"`): the text is read again as HTML, as a feed reader does.
pub fn unsafe_links_in_feed(xml: &str) -> Vec<String> {
    let (mut found, text) = scan(xml);
    found.extend(unsafe_links(&text));
    found
}

/// Every string in a JSON document read as HTML (the API's HTML fields).
pub fn unsafe_links_in_json(json: &serde_json::Value) -> Vec<String> {
    match json {
        serde_json::Value::String(s) => unsafe_links(s),
        serde_json::Value::Array(items) => items.iter().flat_map(unsafe_links_in_json).collect(),
        serde_json::Value::Object(map) => map.values().flat_map(unsafe_links_in_json).collect(),
        _ => Vec::new(),
    }
}

/// The links a Markdown reader would make of `markdown` (rendered as CommonMark, raw HTML
/// included) that are unsafe: what a reader of the Markdown download could click.
pub fn unsafe_markdown_links(markdown: &str) -> Vec<String> {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    unsafe_links(&html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_judge_catches_what_it_must() {
        assert!(is_unsafe_url("\u{1}java\u{3}script:alert(1)"));
        assert!(is_unsafe_url("Java Script:alert(1)"));
        assert!(is_unsafe_url("data:text/html,x"));
        assert!(!is_unsafe_url("https://example.org/a:b"));
        assert!(!is_unsafe_url("chapter-2.xhtml#p3"));
        assert!(!is_unsafe_url("/works/1?x=a:b"), "a colon after a slash is no scheme");
        assert_eq!(unsafe_links("<p><a href=\"ok.html\">a</a><img src=\"vbscript:x\"></p>").len(), 1);
        assert_eq!(unsafe_links("<a href=\"&#106;avascript:x\">a</a>").len(), 1, "references are decoded");
        assert_eq!(unsafe_links_in_feed("<summary type=\"html\">&lt;a href=\"javascript:x\"&gt;</summary>").len(), 1);
        assert_eq!(unsafe_markdown_links("[a](javascript:x) [b](https://e.org) <vbscript:y>").len(), 2);
        assert!(unsafe_markdown_links("\\[a\\](javascript:x)").is_empty(), "escaped brackets make no link");
        assert_eq!(unsafe_links_in_json(&serde_json::json!({"a": ["<a href='javascript:x'>"]})).len(), 1);
    }
}
