//! Input that must never panic, hang, or let script through.

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn no_text_input_panics(s in "(?s).{0,2000}") {
        let _ = flourish_text::read_document(s.as_bytes(), Some("x.txt"));
    }

    #[test]
    fn no_text_input_panics_the_suggestions(s in "(?s).{0,2000}") {
        if let Ok(doc) = flourish_text::read_document(s.as_bytes(), Some("x.txt")) {
            let _ = flourish_text::suggest::suggest(&doc, &[]);
        }
    }

    #[test]
    fn no_byte_input_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = flourish_text::read_document(&bytes, None);
    }

    #[test]
    fn structured_looking_input_does_not_panic(lines in proptest::collection::vec(
        prop_oneof![
            Just("Chapter 1".to_string()), Just("* * *".to_string()), Just("*Flash Back*".to_string()),
            Just("*End of Flash Back*".to_string()), Just("Harry's POV".to_string()), Just("A/N: hi".to_string()),
            Just("".to_string()), Just("Title: x".to_string()), Just("II.".to_string()), Just("Contents".to_string()),
            "[a-zA-Z ,.'\"]{0,80}",
        ], 0..60)) {
        let text = lines.join("\n");
        if let Ok(doc) = flourish_text::read_document(text.as_bytes(), None) {
            for c in &doc.chapters {
                let html = c.content_html();
                prop_assert_eq!(html.matches("<section").count(), html.matches("</section>").count());
            }
        }
    }

    #[test]
    fn sanitized_html_never_contains_script(s in "(?s)(<script>|</script>|<img src=x onerror=|javascript:|<a href=\"|<svg onload=|<iframe|[a-z <>\"'=/])*") {
        let clean = flourish_text::sanitize_html(&s).to_lowercase();
        for (tag, attributes) in tags(&clean) {
            prop_assert!(!matches!(tag.as_str(), "script" | "iframe" | "svg" | "style"), "{} in {}", tag, clean);
            for (name, value) in attributes {
                prop_assert!(!name.starts_with("on"), "{} in {}", name, clean);
                prop_assert!(!value.trim_start().starts_with("javascript:"), "{} in {}", value, clean);
            }
        }
    }
}

#[test]
fn empty_and_binary_files_get_clear_errors() {
    let err = flourish_text::read_document(b"", None).unwrap_err();
    assert_eq!(err.to_string(), "the file is empty");
    let err = flourish_text::read_document(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", None).unwrap_err();
    assert_eq!(err.to_string(), "this looks like a binary file, not text");
}

#[test]
fn an_oversized_file_is_refused_before_parsing() {
    let big = vec![b'a'; flourish_text::import::MAX_FILE_BYTES + 1];
    let err = flourish_text::read_document(&big, None).unwrap_err();
    assert!(err.to_string().contains("largest accepted"), "{err}");
}

#[test]
fn a_long_text_without_structure_parses_in_bounded_time() {
    let text = "word ".repeat(2_000_000); // 10 MB on one line
    let started = std::time::Instant::now();
    let doc = flourish_text::read_document(text.as_bytes(), None).unwrap();
    assert_eq!(doc.word_count, 2_000_000);
    // Not a timing assertion on speed, only a guard against runaway (quadratic) parsing.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(doc.chapters.len(), 1);
    assert!(doc.notices.iter().any(|n| n.contains("no line breaks")), "{:?}", doc.notices);
    assert!(doc.notices.iter().any(|n| n.contains("No chapter headings")), "{:?}", doc.notices);
}

/// Issue 17's bad input: a sensible single work, and a clear note of what was not
/// recognised; never a thousand one-line chapters.
#[test]
fn unrecognisable_structure_gives_one_sensible_work_and_a_notice() {
    let paragraph = "The rain kept on, and the house kept its silence, and nobody came up the lane.\n\n";
    // A contents list with no chapters behind it.
    let text = format!("Contents\n\nThe Rain\nThe House\nThe Lane\n\n{}", paragraph.repeat(40));
    let doc = flourish_text::read_document(text.as_bytes(), Some("a.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 1, "{:?}", doc.chapters.iter().map(|c| &c.title).collect::<Vec<_>>());
    assert!(doc.notices.iter().any(|n| n.contains("contents list")), "{:?}", doc.notices);

    // Headings that are all the same: kept apart as written, and said so.
    let text =
        format!("Chapter 1\n\n{paragraph}Chapter 1\n\n{paragraph}Chapter 1\n\n{paragraph}Chapter 1\n\n{paragraph}");
    let doc = flourish_text::read_document(text.as_bytes(), Some("b.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 4);
    assert!(doc.notices.iter().any(|n| n.contains("same heading")), "{:?}", doc.notices);

    // A one-line numbered list is not a thousand chapters.
    let list: String = (1..=1000).map(|n| format!("{n}\n")).collect();
    let doc = flourish_text::read_document(list.as_bytes(), Some("c.txt")).unwrap();
    assert!(doc.chapters.len() <= 1, "{} chapters", doc.chapters.len());

    // Mixed scripts in one text read as one work with its words counted.
    let text = "Chapter 1\n\nShe said 你好 and he answered こんにちは, then Привет, and they laughed.\n";
    let doc = flourish_text::read_document(text.as_bytes(), Some("d.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 1);
    assert!(doc.word_count >= 14, "{}", doc.word_count);
}

/// The tags of serialized HTML with their attributes, reading quoted values as values (so
/// `title="onload=x"` is not mistaken for an event handler).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let chars: Vec<char> = html.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '<' || chars.get(i + 1).is_some_and(|c| *c == '/' || *c == '!') {
            i += 1;
            continue;
        }
        i += 1;
        let name: String = chars[i..].iter().take_while(|c| c.is_ascii_alphanumeric()).collect();
        i += name.len();
        let mut attributes = Vec::new();
        while i < chars.len() && chars[i] != '>' {
            if chars[i].is_whitespace() || chars[i] == '/' {
                i += 1;
                continue;
            }
            let attr: String =
                chars[i..].iter().take_while(|c| !c.is_whitespace() && **c != '=' && **c != '>').collect();
            i += attr.len().max(1);
            let mut value = String::new();
            if chars.get(i) == Some(&'=') {
                i += 1;
                if chars.get(i) == Some(&'"') {
                    i += 1;
                    while i < chars.len() && chars[i] != '"' {
                        value.push(chars[i]);
                        i += 1;
                    }
                    i += 1;
                }
            }
            attributes.push((attr, value));
        }
        out.push((name, attributes));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// What the fast path lets through is exactly what the allowlist would keep: ammonia
    /// changes nothing in it but spelling (`<br />`, `&quot;`, `&#39;`).
    #[test]
    fn the_fast_path_accepts_only_what_ammonia_keeps(parts in proptest::collection::vec(prop_oneof![
        Just("<p>"), Just("</p>"), Just("<p>"), Just("</p>"), Just("<em>"), Just("</em>"), Just("<br />"),
        Just("<hr class=\"scene-break\">"), Just("<p class=\"section-label\">"), Just("<strong>"), Just("</strong>"),
        Just("<section class=\"pov\" data-label=\"Ron\">"), Just("</section>"), Just("&amp;"), Just("&quot;"),
        Just("<script>"), Just("<b>"), Just(" onclick=x "), Just(">"), Just("<"), Just("\""), Just("text "), Just("&nbsp;"),
    ], 0..30)) {
        let html: String = parts.concat();
        if flourish_text::is_plainly_clean(&html) {
            let normalize = |s: &str| s.replace("<br />", "<br>").replace("&quot;", "\"").replace("&#39;", "'");
            let cleaned = ammonia_only(&html);
            prop_assert_eq!(normalize(&cleaned), normalize(&html));
        }
    }
}

/// The allowlist without the fast path, for comparing against it.
fn ammonia_only(html: &str) -> String {
    // A leading comment is removed by ammonia and makes the fast path refuse the input.
    flourish_text::sanitize_html(&format!("<!---->{html}"))
}

/// Letters whose lower case is longer than themselves ("İ" is "i̇") in a title: offsets
/// found in a lower-cased copy must not slice the original. A diary's title like this once
/// panicked, and a Gutenberg first line lost its title.
#[test]
fn letters_longer_in_lower_case_do_not_shift_offsets() {
    let diary = "İİİİİİİİİİİİ's Diary\n\n\nMonday\n\nI built a shelter today and I am tired, I think.\n\nTuesday\n\nI named the animals and I was pleased, I think.\n\nWednesday\n\nI rested and I wrote and I slept.\n";
    let doc = flourish_text::read_document(diary.as_bytes(), Some("diary.txt")).unwrap();
    let (tags, _) = flourish_text::suggest::suggest(&doc, &[]);
    assert_eq!(tags.narrator.as_deref(), Some("İİİİİİİİİİİİ"));

    let etext = "*** İİİİİİİİİİİİİİ Project Gutenberg Etext of Harbour Tales, by Mary Lisle\n\nSmall print.\n\n*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*END*\n\nCHAPTER I\n\nThe pilot went out in every weather.\n";
    let doc = flourish_text::read_document(etext.as_bytes(), Some("harbour.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Harbour Tales"));
    assert_eq!(doc.authors, ["Mary Lisle"]);
}

#[test]
fn a_heading_with_no_text_under_it_is_not_a_chapter() {
    // A first line that reads as a heading, straight over the first chapter: the title.
    let letter =
        "Letter 1\n\nChapter 1: Dawn\n\nThe owl came at dawn with my letter.\n\nChapter 2: Dusk\n\nIt left at dusk.\n";
    let doc = flourish_text::read_document(letter.as_bytes(), Some("letter.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Letter 1"));
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["Dawn", "Dusk"]);
    assert!(doc.notices.iter().any(|n| n.contains("“Letter 1”")), "{:?}", doc.notices);
    // Every chapter can be posted.
    let draft = flourish_text::draft::work_draft(&doc, "x", &[], None, flourish_core::PseudId(1), &Default::default());
    assert!(draft.chapters.iter().all(|c| !c.content.trim().is_empty()));
    // An empty heading further on is left out, and the reader is told.
    let middle = "The Owlery\n\nChapter 1: Dawn\n\nThe owl came at dawn, as owls do, and knocked twice on the glass.\n\n\
                  I let it in and it shook the rain from its wings all over my letters.\n\nChapter 2: Noon\n\n\
                  Chapter 3: Dusk\n\nIt left at dusk with my answer tied to its leg.\n\nI watched it go until the trees took it.\n";
    let doc = flourish_text::read_document(middle.as_bytes(), Some("middle.txt")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["Dawn", "Dusk"]);
    assert!(doc.notices.iter().any(|n| n.contains("Chapter 2: Noon")), "{:?}", doc.notices);
}
