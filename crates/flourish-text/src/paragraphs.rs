//! Plain text to HTML paragraphs.

/// Turns plain text into paragraphs: a blank line separates paragraphs, a single newline
/// inside one becomes `<br />`, and `*word*` or `_word_` becomes emphasis. The output is
/// escaped; sanitize it like any other HTML before storing.
pub fn plain_to_html(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        if crate::patterns::is_scene_break(para) {
            out.push_str("<hr class=\"scene-break\" />\n");
            continue;
        }
        out.push_str("<p>");
        for (i, line) in para.lines().map(str::trim).enumerate() {
            if i > 0 {
                out.push_str("<br />");
            }
            push_inline(&mut out, line);
        }
        out.push_str("</p>\n");
    }
    out
}

/// Escapes text for HTML and turns `*…*` / `_…_` into emphasis: one paragraph's inline HTML.
pub fn inline_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_inline(&mut out, text);
    out
}

/// Escapes text for HTML, nothing more.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped_str(&mut out, text);
    out
}

/// The text of sanitized HTML: tags become spaces, references their characters, runs of
/// whitespace one space. For search indexes and feeds' plain summaries.
pub fn html_to_text(html: &str) -> String {
    let mut raw = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        raw.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim_start_matches('/');
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        // Inline markup joins its text to the words around it; blocks separate.
        if !matches!(name, "em" | "i" | "strong" | "b" | "u" | "s" | "span" | "a" | "sup" | "sub" | "small" | "code") {
            raw.push(' ');
        }
        rest = &rest[open + close + 1..];
    }
    raw.push_str(rest);
    unescape_text(&raw.replace("&nbsp;", " ")).split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of inline HTML that Flourish escaped: tags dropped, the escapes undone (`&amp;`
/// last, so `&amp;lt;` stays `&lt;`).
pub(crate) fn unescape_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

/// Appends `text` escaped, copying the runs between special characters whole.
pub(crate) fn push_escaped_str(out: &mut String, text: &str) {
    // A byte scan: the four characters are ASCII, so a match is always a whole character.
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| matches!(b, b'&' | b'<' | b'>' | b'"')) {
        out.push_str(&rest[..at]);
        push_escaped(out, rest.as_bytes()[at] as char);
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
}

/// Escapes one line and turns `*…*` / `_…_` spans into `<em>`. A marker opens emphasis only
/// before a non-space and closes only after one, so `2 * 3 * 4` and `snake_case_name`
/// stay as written.
fn push_inline(out: &mut String, line: &str) {
    if !line.contains(['*', '_']) {
        push_escaped_str(out, line);
        return;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if (c == '*' || c == '_')
            && opens(&chars, i)
            && let Some(end) = (i + 2..chars.len()).find(|&j| chars[j] == c && closes(&chars, j))
        {
            out.push_str("<em>");
            for &inner in &chars[i + 1..end] {
                push_escaped(out, inner);
            }
            out.push_str("</em>");
            i = end + 1;
            continue;
        }
        push_escaped(out, c);
        i += 1;
    }
}

fn opens(chars: &[char], i: usize) -> bool {
    let before_ok = i == 0 || !chars[i - 1].is_alphanumeric();
    let after_ok = chars.get(i + 1).is_some_and(|c| !c.is_whitespace());
    before_ok && after_ok
}

fn closes(chars: &[char], j: usize) -> bool {
    let before_ok = !chars[j - 1].is_whitespace();
    let after_ok = chars.get(j + 1).is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_line_breaks_and_emphasis() {
        assert_eq!(
            plain_to_html("One *two* three.\nFour.\r\n\r\n\n_Five_ <six> & 2 * 3 * 4 snake_case_name"),
            "<p>One <em>two</em> three.<br />Four.</p>\n<p><em>Five</em> &lt;six&gt; &amp; 2 * 3 * 4 snake_case_name</p>\n"
        );
        assert_eq!(unescape_text("<p>&quot;A&quot; &amp;lt; <em>b</em></p>"), "\"A\" &lt; b");
        assert_eq!(plain_to_html("A.\n\n* * *\n\nB."), "<p>A.</p>\n<hr class=\"scene-break\" />\n<p>B.</p>\n");
    }
}

#[cfg(test)]
mod html_to_text_tests {
    #[test]
    fn tags_go_and_references_are_read() {
        assert_eq!(
            super::html_to_text("<p>Don’t <em>go</em>,</p><p>Harry &amp; Draco&nbsp;&lt;3</p>"),
            "Don’t go, Harry & Draco <3"
        );
        assert_eq!(super::html_to_text("no markup"), "no markup");
        assert_eq!(super::html_to_text("<p>unclosed <b"), "unclosed");
    }
}
