//! How writers type text: AO3's rich text (HTML, where blank lines still make paragraphs),
//! Markdown, or plain text. The posting form and the API both turn what was typed into
//! HTML here; the store sanitizes it either way.

/// `text` typed in `format` (`html`, `markdown` or `plain`; anything else reads as `html`),
/// as HTML.
pub fn to_html(text: &str, format: &str) -> String {
    match format {
        "markdown" => {
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(text));
            html
        }
        "plain" => crate::plain_to_html(text),
        _ => paragraphs_in_html(text),
    }
}

/// HTML typed without paragraph tags gets them from its blank lines, and `<br>` from its
/// single line breaks, as AO3's editor does; HTML with block tags is kept as written.
pub fn paragraphs_in_html(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    if ["<p", "<div", "<br", "<blockquote", "<h1", "<h2", "<h3", "<ul", "<ol", "<hr", "<section", "<table"]
        .iter()
        .any(|t| lower.contains(t))
    {
        return text.to_owned();
    }
    let text = text.replace("\r\n", "\n");
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_paragraphs_in_every_format() {
        assert_eq!(to_html("One.\n\nTwo\nlines.", "html"), "<p>One.</p>\n<p>Two<br>\nlines.</p>");
        assert_eq!(to_html("<p>Kept</p>", "html"), "<p>Kept</p>");
        assert!(to_html("*Dark* night", "markdown").contains("<em>Dark</em>"));
        assert!(to_html("a < b", "plain").contains("a &lt; b"));
    }
}
