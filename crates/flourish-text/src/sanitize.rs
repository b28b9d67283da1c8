//! The HTML allowlist. Everything writers submit passes through [`sanitize_html`] before it
//! is stored; the version number is stored beside the content so content cleaned by older
//! rules can be found and cleaned again when the rules change.

use ammonia::Builder;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

/// Bump whenever the allowlist changes.
pub const SANITIZER_VERSION: i32 = 1;

/// Tags writers may use: AO3's allowlist.
const TAGS: &[&str] = &[
    "a",
    "abbr",
    "acronym",
    "address",
    "b",
    "big",
    "blockquote",
    "br",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "rp",
    "rt",
    "ruby",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strike",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "tt",
    "u",
    "ul",
    "var",
];

/// Classes Flourish itself gives structure it recovered; the reader's stylesheet styles them.
/// Any other class is dropped so a writer cannot borrow the site's own styling.
const STRUCTURE_CLASSES: &[(&str, &[&str])] =
    &[("section", &["pov", "flashback", "letter"]), ("p", &["section-label", "scene-break"]), ("hr", &["scene-break"])];

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut b = Builder::default();
    b.tags(TAGS.iter().copied().collect::<HashSet<_>>())
        .clean_content_tags(
            ["script", "style", "iframe", "object", "embed", "noscript", "template"].into_iter().collect(),
        )
        .generic_attributes(["title", "dir", "lang", "align"].into_iter().collect())
        .tag_attributes(HashMap::from([
            ("a", ["href", "name"].into_iter().collect()),
            ("img", ["src", "alt", "width", "height"].into_iter().collect()),
            ("td", ["colspan", "rowspan"].into_iter().collect()),
            ("th", ["colspan", "rowspan"].into_iter().collect()),
            ("ol", ["start", "type"].into_iter().collect()),
            ("section", ["data-label"].into_iter().collect()),
        ]))
        .allowed_classes(STRUCTURE_CLASSES.iter().map(|(t, c)| (*t, c.iter().copied().collect())).collect())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("nofollow"));
    b
});

/// Cleans writer-supplied HTML: unknown tags are unwrapped, `script`, `style` and `iframe`
/// are removed with their content, event handlers and `javascript:` links are removed, and
/// links get `rel="nofollow"`.
pub fn sanitize_html(html: &str) -> String {
    // Most notes and summaries are empty; parsing nothing is still a parse.
    if html.trim().is_empty() {
        return String::new();
    }
    SANITIZER.clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let out = sanitize_html(
            r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a><a href="https://e.org">e</a></p><style>p{}</style><iframe src="x">t</iframe>"#,
        );
        assert_eq!(out, r#"<p>Hi<a rel="nofollow">l</a><a href="https://e.org" rel="nofollow">e</a></p>"#);
    }

    #[test]
    fn blank_input_is_empty_output() {
        assert_eq!(sanitize_html(""), "");
        assert_eq!(sanitize_html(" \n "), "");
    }

    #[test]
    fn structure_classes_survive_and_others_do_not() {
        let out = sanitize_html(
            r#"<section class="pov evil" data-label="Draco"><p class="section-label big">x</p></section>"#,
        );
        assert_eq!(out, r#"<section class="pov" data-label="Draco"><p class="section-label">x</p></section>"#);
    }
}
