//! Aozora Bunko's plain-text layout (青空文庫), in which most public-domain Japanese
//! literature is read: the title and author on the first two lines, a block explaining the
//! notation between dashed lines, transcriber's annotations in `［＃…］` (a heading is
//! marked `［＃「第一夜」は中見出し］`), and the source edition from `底本：` to the end.
//! The text is rewritten line for line (line numbers stay right) before the plain-text
//! reader sees it; ruby readings (`漢字《かんじ》`) stay as written.

use crate::document::{Document, LineSpan};
use regex::Regex;
use std::sync::LazyLock;

static ANNOTATION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"［＃[^］]*］").expect("valid pattern"));
static HEADING: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"［＃「([^」]+)」は(?:大|中|小)?見出し］").expect("valid pattern"));

const NOTATION: &str = "【テキスト中に現れる記号について】";

/// Whether `text` is laid out as Aozora Bunko publishes it.
pub(crate) fn is_aozora(text: &str) -> bool {
    let head: String = text.chars().take(3000).collect();
    head.contains(NOTATION) || (text.contains("底本：") && text.contains("［＃"))
}

fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() >= 10 && t.chars().all(|c| c == '-' || c == '－' || c == '―')
}

/// The `source` header field of a text in Aozora Bunko's layout.
pub(crate) const AOZORA: &str = "Aozora Bunko";

/// The text with Aozora's apparatus blanked out (same number of lines), the title and
/// author taken from the top, and what was removed noted as boilerplate.
pub(crate) fn prepare(text: &str, doc: &mut Document) -> String {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = lines.iter().map(|l| l.trim_end_matches('\r').to_owned()).collect();
    // The notation block: from the rule above 【テキスト中に現れる記号について】 to the next.
    if let Some(at) = out.iter().take(60).position(|l| l.contains(NOTATION)) {
        let from = (0..at).rev().find(|&i| is_rule(&out[i])).unwrap_or(at);
        let to = (at + 1..out.len().min(at + 80)).find(|&i| is_rule(&out[i])).unwrap_or(at);
        // Title and author are the lines above it.
        let above: Vec<String> = out[..from].iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
        if let Some(title) = above.first() {
            doc.title.get_or_insert_with(|| title.clone());
        }
        if let Some(author) = above.get(1)
            && doc.authors.is_empty()
        {
            doc.authors.push(author.clone());
        }
        doc.header.push(("source".into(), AOZORA.into()));
        for line in out.iter_mut().take(to + 1) {
            line.clear();
        }
        doc.boilerplate.push(LineSpan { start_line: Some(1), end_line: Some(to + 1) });
    }
    // The source edition and the transcribers' credits close the file.
    if let Some(at) = out.iter().rposition(|l| l.trim_start().starts_with("底本：")) {
        for line in &mut out[at..] {
            line.clear();
        }
        doc.boilerplate.push(LineSpan { start_line: Some(at + 1), end_line: Some(lines.len()) });
    }
    for line in &mut out {
        if let Some(c) = HEADING.captures(line) {
            *line = c[1].to_owned();
        } else if line.contains("［＃") {
            *line = ANNOTATION.replace_all(line, "").into_owned();
        }
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    const SAMPLE: &str = "月の庭\n山田花子\n\n-------------------------------------------------------\n【テキスト中に現れる記号について】\n\n《》：ルビ\n-------------------------------------------------------\n\n［＃５字下げ］第一夜［＃「第一夜」は中見出し］\n\n　月が出た。\n\n底本：「月の庭」架空書房\n入力：誰か\n";

    #[test]
    fn apparatus_is_blanked_line_for_line_and_headings_kept() {
        let mut doc = Document::new(Format::Txt, "utf-8");
        assert!(is_aozora(SAMPLE));
        let text = prepare(SAMPLE, &mut doc);
        assert_eq!(text.split('\n').count(), SAMPLE.split('\n').count());
        assert_eq!(doc.title.as_deref(), Some("月の庭"));
        assert_eq!(doc.authors, ["山田花子"]);
        assert!(text.contains("\n第一夜\n") && text.contains("月が出た"), "{text}");
        assert!(!text.contains("ルビ") && !text.contains("底本") && !text.contains("［＃"), "{text}");
    }
}
