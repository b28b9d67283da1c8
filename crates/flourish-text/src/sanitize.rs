//! The HTML allowlist. Everything writers submit passes through [`sanitize_html`] before it
//! is stored; the version number is stored beside the content so content cleaned by older
//! rules can be found and cleaned again when the rules change.
//!
//! Control characters: C0 controls (other than tab and line breaks) are removed before the
//! HTML is parsed and again from every decoded attribute value and text, so stored HTML
//! holds none. A later writer that drops the characters XML forbids therefore has nothing
//! to drop, and cannot join `␁java␃script:` into a live link (see `flourish_core::links`).

use ammonia::Builder;
use flourish_core::links::{LINK_SCHEMES, is_safe_link, strip_control_chars};
use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

/// Bump whenever the allowlist changes: stored content cleaned by an older version is
/// cleaned again at the next start (`flourish admin resanitize` does it at once).
///
/// 2: control characters removed, links checked as `flourish_core::links` reads them.
pub const SANITIZER_VERSION: i32 = 2;

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

/// Attributes any allowed tag may have.
const GENERIC_ATTRIBUTES: &[&str] = &["title", "dir", "lang", "align"];

/// Attributes particular tags may have, beside [`GENERIC_ATTRIBUTES`].
const TAG_ATTRIBUTES: &[(&str, &[&str])] = &[
    ("a", &["href", "name"]),
    ("img", &["src", "alt", "width", "height"]),
    ("td", &["colspan", "rowspan"]),
    ("th", &["colspan", "rowspan"]),
    ("ol", &["start", "type"]),
    ("section", &["data-label"]),
];

/// The writers' allowlist as data, for tests that hold later steps (downloads, feeds) to
/// the sanitizer's own rules. Links also get `rel`, which the sanitizer sets itself.
pub struct Allowlist {
    pub tags: &'static [&'static str],
    pub generic_attributes: &'static [&'static str],
    pub tag_attributes: &'static [(&'static str, &'static [&'static str])],
    pub classes: &'static [(&'static str, &'static [&'static str])],
}

pub const ALLOWLIST: Allowlist = Allowlist {
    tags: TAGS,
    generic_attributes: GENERIC_ATTRIBUTES,
    tag_attributes: TAG_ATTRIBUTES,
    classes: STRUCTURE_CLASSES,
};

static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| builder(TAGS, "nofollow"));

/// What readers may use in comments: text formatting, quotes, lists and links, but no
/// headings, tables or structure (AO3's comment allowlist is of the same kind). Links are
/// user-generated content to search engines.
const COMMENT_TAGS: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "cite",
    "code",
    "del",
    "em",
    "i",
    "ins",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "strike",
    "strong",
    "sub",
    "sup",
    "u",
    "ul",
];

static COMMENT_SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| builder(COMMENT_TAGS, "nofollow ugc"));

/// Every sanitizer shares these rules; only the tags and the links' `rel` differ.
fn builder(tags: &[&'static str], rel: &'static str) -> Builder<'static> {
    let mut b = Builder::default();
    b.tags(tags.iter().copied().collect::<HashSet<_>>())
        .clean_content_tags(
            ["script", "style", "iframe", "object", "embed", "noscript", "template"].into_iter().collect(),
        )
        .generic_attributes(GENERIC_ATTRIBUTES.iter().copied().collect())
        .tag_attributes(TAG_ATTRIBUTES.iter().map(|(t, a)| (*t, a.iter().copied().collect())).collect())
        .allowed_classes(STRUCTURE_CLASSES.iter().map(|(t, c)| (*t, c.iter().copied().collect())).collect())
        .url_schemes(LINK_SCHEMES.iter().copied().collect())
        .attribute_filter(|_element, attribute, value| {
            // Values arrive entity-decoded: `&#1;` is a control character by now.
            let value = strip_control_chars(value);
            if matches!(attribute, "href" | "src") && !is_safe_link(&value) {
                return None;
            }
            Some(Cow::Owned(value.into_owned()))
        })
        .link_rel(Some(rel));
    b
}

/// Cleans a reader's comment: [`sanitize_html`]'s rules with [`COMMENT_TAGS`], links
/// marked `rel="nofollow ugc"`.
pub fn sanitize_comment_html(html: &str) -> String {
    let html = strip_control_chars(html);
    if html.trim().is_empty() {
        return String::new();
    }
    clean_with(&COMMENT_SANITIZER, &html)
}

/// `html` through `builder`'s allowlist, then made what a parse of it reads back.
fn clean_with(builder: &Builder<'static>, html: &str) -> String {
    let clean = until_stable(builder, builder.clean(html).to_string());
    // Text written as `&#1;` is a control character after parsing. Attribute values were
    // stripped already, and text is escaped (`<` and `&` cannot appear bare), so removing
    // what remains cannot make markup or a link.
    nothing_if_blank(as_reparsed(match strip_control_chars(&clean) {
        Cow::Borrowed(_) => clean,
        Cow::Owned(stripped) => stripped,
    }))
}

/// Line ends as a parser reads them. A carriage return written as `&#13;` is one in the
/// tree, and the serializer writes it as it is, in text and in attribute values alike;
/// parsing that turns it (or CR LF) into a line feed, so cleaning again changed the output
/// (found by the `sanitize` fuzz target). The serializer writes no carriage return of its
/// own, so every one in the output came from the tree.
fn as_reparsed(clean: String) -> String {
    if clean.contains('\r') { clean.replace("\r\n", "\n").replace('\r', "\n") } else { clean }
}

/// What cleaning left of markup that held nothing but refused tags and controls can be a
/// lone line break; it is nothing, as blank input is, so that cleaning again changes
/// nothing (found by the `sanitize` fuzz target).
fn nothing_if_blank(clean: String) -> String {
    if clean.trim().is_empty() { String::new() } else { clean }
}

/// Cleans writer-supplied HTML: unknown tags are unwrapped, `script`, `style` and `iframe`
/// are removed with their content, event handlers and `javascript:` links are removed, and
/// links get `rel="nofollow"`.
pub fn sanitize_html(html: &str) -> String {
    let html = strip_control_chars(html);
    // Most notes and summaries are empty; parsing nothing is still a parse.
    if html.trim().is_empty() {
        return String::new();
    }
    // HTML that Flourish made from plain text is already clean; checking that is ten times
    // cheaper than cleaning it again. Anything else goes through the allowlist.
    if is_plainly_clean(&html) {
        return html.into_owned();
    }
    clean_with(&SANITIZER, &html)
}

/// Cleans `clean` again while it may still change. A parser reads misnested markup into a
/// tree whose serialization a second parse reads differently (a table inside a link is
/// moved out of it; a list item inside a list item becomes its sibling), so one pass is
/// not always stable: found by the `sanitize` fuzz target. Only misnested output can
/// change, and checking for that is a scan of the string, so well-nested HTML costs one
/// pass as before.
fn until_stable(builder: &Builder<'static>, mut clean: String) -> String {
    for _ in 0..3 {
        if !misnested(&clean) {
            break;
        }
        let again = builder.clean(&clean).to_string();
        if again == clean {
            break;
        }
        clean = again;
    }
    clean
}

/// Whether well-formed HTML (ammonia's output) holds what a parser would rearrange: a
/// block inside an inline element or a paragraph, or a list item, definition or table
/// part outside the element it belongs in.
fn misnested(html: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "address",
        "blockquote",
        "caption",
        "center",
        "col",
        "colgroup",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "li",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ];
    const VOID: &[&str] = &["br", "hr", "img", "col"];
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let name_start = usize::from(closing);
        let name_len = rest[name_start..].find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len() - name_start);
        let name = &rest[name_start..name_start + name_len];
        if name.is_empty() {
            continue;
        }
        if closing {
            if let Some(i) = open.iter().rposition(|n| *n == name) {
                open.truncate(i);
            }
            continue;
        }
        if BLOCKS.contains(&name) && open.iter().any(|n| *n == "p" || !BLOCKS.contains(n)) {
            return true;
        }
        // A link in a link, a heading in a heading: the parser ends the first at the second.
        let heading = |n: &str| n.len() == 2 && n.starts_with('h') && n.as_bytes()[1].is_ascii_digit();
        if (name == "a" && open.contains(&"a")) || (heading(name) && open.iter().any(|n| heading(n))) {
            return true;
        }
        let parent = open.last().copied().unwrap_or("");
        let belongs = match name {
            "table" => !matches!(parent, "table" | "tbody" | "thead" | "tfoot" | "tr"),
            "li" => matches!(parent, "ul" | "ol"),
            "dd" | "dt" => parent == "dl",
            "tr" => matches!(parent, "table" | "tbody" | "thead" | "tfoot"),
            "td" | "th" => parent == "tr",
            "tbody" | "thead" | "tfoot" | "caption" | "colgroup" => parent == "table",
            "col" => matches!(parent, "table" | "colgroup"),
            "rt" | "rp" => parent == "ruby",
            _ => true,
        };
        if !belongs {
            return true;
        }
        if !VOID.contains(&name) {
            open.push(name);
        }
    }
    false
}

/// The only tags [`is_plainly_clean`] accepts, exactly as written (the section's label is
/// checked apart): what the importer and `plain_to_html` write for plain text.
const PLAIN_TAGS: &[&str] = &[
    "<p>",
    "</p>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<br />",
    "<br>",
    "<hr class=\"scene-break\">",
    "<hr class=\"scene-break\" />",
    "<p class=\"section-label\">",
    "</section>",
];

/// Whether `html` is nothing but escaped text and the few tags Flourish writes for plain
/// text, properly nested. Such HTML is inside the allowlist already, so sanitizing would
/// only re-serialize it. This is a recogniser, not a cleaner: anything it is unsure of is
/// left to ammonia.
pub fn is_plainly_clean(html: &str) -> bool {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'<' | b'>' | b'&')) {
        rest = &rest[at..];
        if rest.starts_with('>') {
            return false;
        }
        if rest.starts_with('&') {
            let Some(entity) = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().find(|e| rest.starts_with(**e))
            else {
                return false;
            };
            rest = &rest[entity.len()..];
            continue;
        }
        let tag = if let Some(tag) = PLAIN_TAGS.iter().find(|t| rest.starts_with(**t)) {
            *tag
        } else if let Some(len) = section_open_len(rest) {
            &rest[..len]
        } else {
            return false;
        };
        let name = tag.trim_start_matches(['<', '/']).split([' ', '>']).next().unwrap_or("");
        if tag.starts_with("</") {
            if open.pop() != Some(name) {
                return false;
            }
        } else {
            // Blocks go at the top or inside sections, never inside a paragraph or emphasis,
            // where a parser would move them and ammonia would rewrite the markup.
            if matches!(name, "p" | "section" | "hr") && matches!(open.last(), Some(&("p" | "em" | "strong"))) {
                return false;
            }
            if !matches!(name, "br" | "hr") {
                open.push(name);
            }
        }
        rest = &rest[tag.len()..];
    }
    open.is_empty()
}

/// `<section class="pov" data-label="…">` or `class="flashback"`, with a label of plain
/// escaped text; returns the tag's length.
fn section_open_len(s: &str) -> Option<usize> {
    let prefix = ["<section class=\"pov\" data-label=\"", "<section class=\"flashback\" data-label=\""]
        .into_iter()
        .find(|p| s.starts_with(*p))?;
    let label_end = s[prefix.len()..].find('"')? + prefix.len();
    let label = &s[prefix.len()..label_end];
    if label.contains(['<', '>']) || label.len() > 200 || (label.contains('&') && !is_plainly_clean(label)) {
        return None;
    }
    s[label_end..].starts_with("\">").then_some(label_end + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misnested_markup_is_cleaned_until_a_second_cleaning_changes_nothing() {
        // Found by the fuzzer: a table and a section inside a link.
        let input =
            "<a href=\"https://e.org\">x<table><tr><td</a><section class=\"pov\" data-label=\"x\"><p>x</p></section>";
        for sanitize in [sanitize_html, sanitize_comment_html] {
            let once = sanitize(input);
            assert_eq!(sanitize(&once), once, "{once}");
        }
        assert!(misnested("<a>x<section>y</section></a>"));
        assert!(misnested("<p>x<table></table></p>"));
        assert!(!misnested("<section><p>x <a href=\"y\">z</a></p><hr><ul><li><em>a</em></li></ul></section>"));
    }

    #[test]
    fn carriage_returns_from_character_references_become_line_feeds() {
        // Found by the fuzzer: `&#13;` in an attribute value came out as a bare CR, which
        // a second parse reads as LF.
        let input = "<img src=\"x\" alt=\"a&#13;b&#13;&#10;c\"><p>d&#13;e</p>";
        for sanitize in [sanitize_html, sanitize_comment_html] {
            let once = sanitize(input);
            assert!(!once.contains('\r'), "{once:?}");
            assert_eq!(sanitize(&once), once);
        }
        assert_eq!(sanitize_html("<p>d&#13;e</p>"), "<p>d\ne</p>");
    }

    #[test]
    fn markup_that_cleans_to_blank_is_nothing_and_stays_nothing() {
        // Found by the fuzzer: an unclosed tag full of NULs cleaned to "\n", which cleaned
        // again to "".
        let input = "<wl came at <e\0\u{fffd}\0\0log\0\0>\n<g\u{fffd}in.</p>";
        for sanitize in [sanitize_html, sanitize_comment_html] {
            let once = sanitize(input);
            assert_eq!(once, "");
            assert_eq!(sanitize(&once), once);
        }
    }

    #[test]
    fn scripts_handlers_and_javascript_links_are_removed() {
        let out = sanitize_html(
            r#"<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:alert(1)">l</a><a href="https://e.org">e</a></p><style>p{}</style><iframe src="x">t</iframe>"#,
        );
        assert_eq!(out, r#"<p>Hi<a rel="nofollow">l</a><a href="https://e.org" rel="nofollow">e</a></p>"#);
    }

    #[test]
    fn plain_text_html_is_recognised_and_anything_else_is_not() {
        for clean in [
            "<p>Hello &amp; <em>welcome</em>.</p>\n<hr class=\"scene-break\">\n<p>Again<br />here.</p>",
            "<section class=\"pov\" data-label=\"Draco\"><p class=\"section-label\">Draco&#39;s POV</p>\n<p>x</p>\n</section>",
        ] {
            assert!(is_plainly_clean(clean), "{clean}");
            assert_eq!(sanitize_html(clean), clean);
        }
        for dirty in [
            "<p onclick=\"x()\">hi</p>",
            "<p>hi",
            "</p>",
            "<em><p>x</em></p>",
            "<p><p>x</p></p>",
            "<p><hr class=\"scene-break\"></p>",
            "<script>alert(1)</script>",
            "<p>a > b</p>",
            "<p>&nbsp;</p>",
            "<section class=\"pov\" data-label=\"x\" onmouseover=\"y\">",
            "<section class=\"pov\" data-label=\"<img src=x>\"></section>",
            "<a href=\"javascript:x\">l</a>",
        ] {
            assert!(!is_plainly_clean(dirty), "{dirty}");
        }
    }

    #[test]
    fn links_hidden_behind_control_characters_are_removed() {
        for vector in [
            "<a href=\"\u{1}java\u{3}script:alert(1)\">x</a>",
            "<a href=\"&#1;java&#3;script:alert(1)\">x</a>",
            "<a href=\"java&#0;script:alert(1)\">x</a>",
            "<a href=\"java&#9;script:alert(1)\">x</a>",
            "<a href=\"java&#x0A;script:alert(1)\">x</a>",
            "<a href=\"java script:alert(1)\">x</a>",
            "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"vbscript:msgbox(1)\">x</a>",
            "<a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\">x</a>",
            "<img src=\"\u{2}javascript:alert(1)\" alt=\"a\">",
        ] {
            let out = sanitize_html(vector);
            assert!(!out.contains("href") && !out.contains("src"), "{vector:?} -> {out:?}");
            assert!(!out.chars().any(flourish_core::links::is_forbidden_control), "{out:?}");
        }
        assert_eq!(
            sanitize_html("<p>a&#1;b\u{2}c</p>"),
            "<p>abc</p>",
            "control characters in text are removed, raw or as references"
        );
        assert_eq!(
            sanitize_html("<a href=\"https://e.org/\u{1}x\">e</a>"),
            "<a href=\"https://e.org/x\" rel=\"nofollow\">e</a>"
        );
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

#[cfg(test)]
mod comment_tests {
    use super::*;

    #[test]
    fn comments_keep_formatting_and_mark_links_as_user_content() {
        let clean = sanitize_comment_html(
            "<h1>Big</h1><p><em>Loved</em> it! <a href=\"https://example.org\">see</a><img src=x onerror=alert(1)></p><table><tr><td>t</td></tr></table><script>x</script>",
        );
        assert_eq!(clean, "Big<p><em>Loved</em> it! <a href=\"https://example.org\" rel=\"nofollow ugc\">see</a></p>t");
        assert!(!sanitize_comment_html("<a href=\"java\u{1}script:alert(1)\">x</a>").contains("script"));
        assert_eq!(sanitize_comment_html("  "), "");
    }
}
