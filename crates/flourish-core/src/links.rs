//! Which link targets writers' HTML may carry: the one rule the sanitizer and every later
//! step that writes HTML again (the EPUB's XHTML, the HTML download, Markdown, feeds) check.
//!
//! Why a second check after the sanitizer: a browser reads `␁java␃script:x` (with control
//! characters inside) as a harmless relative link, and so does the sanitizer, but a writer
//! that drops the characters XML forbids joins the rest into a live `javascript:` URL. So
//! the scheme is judged as the *most forgiving* later reader could see it: with every
//! control character and every whitespace character removed.

use std::borrow::Cow;

/// The schemes a link or image in writers' HTML may use; anything without a scheme
/// (relative links, `#anchors`) is allowed too.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Whether `url` is relative or uses one of [`LINK_SCHEMES`], however its control
/// characters and whitespace are later removed. A scheme is whatever stands before the
/// first `:` that comes before any `/`, `?` or `#`; an empty or unreadable one is refused.
pub fn is_safe_link(url: &str) -> bool {
    let squeezed: String = url.chars().filter(|c| !c.is_control() && !c.is_whitespace()).collect();
    let Some(colon) = squeezed.find(':') else {
        return true;
    };
    if squeezed[..colon].contains(['/', '?', '#']) {
        return true;
    }
    let scheme = &squeezed[..colon];
    LINK_SCHEMES.iter().any(|allowed| scheme.eq_ignore_ascii_case(allowed))
}

/// Whether `c` is a C0 control character other than tab, line feed and carriage return:
/// characters no text needs, which XML forbids and HTML parsers pass through.
pub fn is_forbidden_control(c: char) -> bool {
    (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')
}

/// `text` without [`is_forbidden_control`] characters (borrowed when there are none).
pub fn strip_control_chars(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_forbidden_control) {
        Cow::Owned(text.chars().filter(|c| !is_forbidden_control(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_and_allowed_schemes_are_safe() {
        for url in [
            "https://example.org/a",
            "HTTP://example.org",
            "mailto:a@example.org",
            "#top",
            "chapter-2.html",
            "/works/1",
            "?page=2",
            "a/b:c",
            "",
            " https://example.org ",
        ] {
            assert!(is_safe_link(url), "{url:?}");
        }
    }

    #[test]
    fn scripts_hidden_by_controls_whitespace_or_case_are_not() {
        for url in [
            "javascript:alert(1)",
            "\u{1}java\u{3}script:alert(1)",
            "java\0script:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "java script:alert(1)",
            "JaVaScRiPt:alert(1)",
            " \u{7f}javascript:x",
            "java\u{85}script:x",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            ":nothing",
            "java\u{2028}script:x",
        ] {
            assert!(!is_safe_link(url), "{url:?}");
        }
    }

    #[test]
    fn control_characters_are_stripped_but_not_layout() {
        assert_eq!(strip_control_chars("a\u{1}b\u{0}c\u{1f}d"), "abcd");
        assert_eq!(strip_control_chars("a\tb\nc\rd"), "a\tb\nc\rd");
        assert!(matches!(strip_control_chars("plain"), Cow::Borrowed(_)));
    }
}
