use crate::{chapters, fixture};
use flourish_text::document::{NoteKind, Position, SectionKind};

fn t(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn the_first_story_is_understood() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/samples/the-little-blond-boy.txt");
    let Ok(bytes) = std::fs::read(path) else {
        // CI always has shared/ beside the clone; only a checkout elsewhere may lack it.
        assert!(std::env::var("CI").is_err(), "../shared/samples/the-little-blond-boy.txt is missing");
        eprintln!("skipped: ../shared/samples is not here");
        return;
    };
    let doc = flourish_text::read_document(&bytes, Some("the-little-blond-boy.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("The Little Blond Boy"));
    assert_eq!(chapters(&doc), [(Some(1), t("Diagon Alley"))]);
    let c = &doc.chapters[0];
    assert_eq!((c.start_line, c.end_line), (Some(3), Some(49)));
    assert!(c.scene_breaks.is_empty());
    assert!(doc.notes.is_empty());
    let sections: Vec<_> = c.sections.iter().map(|s| (s.kind, s.label.as_str(), s.start_line, s.end_line)).collect();
    assert_eq!(
        sections,
        [(SectionKind::Pov, "Draco", Some(5), Some(49)), (SectionKind::Flashback, "Flashback", Some(9), Some(29))]
    );
    let html = c.content_html();
    assert!(!html.contains("*Flash") && !html.contains("*Draco"), "markers become sections, not text");
    assert!(html.contains("<section class=\"flashback\""));
}

#[test]
fn a_fanfiction_header_block_gives_title_author_summary_and_fields() {
    let doc = fixture("ffn-header.txt");
    assert_eq!(doc.title.as_deref(), Some("The Cartographer's Apprentice"));
    assert_eq!(doc.authors, ["quillwright"]);
    assert_eq!(
        doc.summary.as_deref(),
        Some(
            "Hermione is hired to map the Room of Requirement. Luna insists the map is already drawn, and that it is upside down."
        )
    );
    assert_eq!(doc.header_field("rating"), Some("T"));
    assert_eq!(doc.header_field("status"), Some("In-Progress"));
    assert_eq!(chapters(&doc), [(Some(1), t("The Room That Moves")), (Some(2), t("Upside Down"))]);
    let notes: Vec<_> = doc.notes.iter().map(|n| (n.kind, n.chapter, n.position)).collect();
    assert_eq!(
        notes,
        [
            (NoteKind::Disclaimer, Some(1), Position::Start),
            (NoteKind::AuthorNote, Some(1), Position::Start),
            (NoteKind::AuthorNote, Some(1), Position::End),
            (NoteKind::AuthorNote, Some(2), Position::End),
        ]
    );
    // The `* * *` before the closing A/N separates the note, it is not a scene break.
    assert!(doc.chapters[0].scene_breaks.is_empty());
    let text = doc.chapters[0].content_html();
    assert!(text.starts_with("<p>The door was not there") && !text.contains("A/N"), "{text}");
}

#[test]
fn a_gutenberg_book_loses_its_boilerplate_and_contents_but_keeps_its_chapters() {
    let doc = fixture("gutenberg.txt");
    assert_eq!(doc.title.as_deref(), Some("The Lighthouse Keeper's Daughter"));
    assert_eq!(doc.authors, ["Margaret Ellery"]);
    assert_eq!(chapters(&doc), [(Some(1), t("The Storm")), (Some(2), t("The Letter")), (Some(3), t("The Return"))]);
    let spans: Vec<_> = doc.boilerplate.iter().map(|b| (b.start_line.unwrap(), b.end_line.unwrap())).collect();
    assert_eq!(spans.first(), Some(&(1, 15)), "the Gutenberg header");
    assert_eq!(spans.get(1), Some(&(25, 29)), "the contents list");
    assert_eq!(spans.last(), Some(&(69, 72)), "the Gutenberg footer");
    // Hard-wrapped lines are rejoined; the list and the sentence starting "I." stay text.
    let first = doc.chapters[0].content_html();
    assert!(first.contains("the whole of the bay was white with it. Annie stood"), "{first}");
    assert!(first.contains("<p>1. Trim the wicks.</p>"), "{first}");
    assert!(first.contains("I. M. Carver, the harbour master"), "{first}");
    assert!(!first.contains("Gutenberg"));
}

#[test]
fn letters_are_chapters_and_sign_offs_are_not() {
    let doc = fixture("letters.txt");
    assert_eq!(doc.title.as_deref(), Some("Letters to a Lighthouse"));
    assert_eq!(chapters(&doc), [(Some(1), t("Letter 1")), (Some(2), t("Letter 2")), (Some(3), t("Letter 3"))]);
    assert!(doc.chapters[0].content_html().contains("Thomas"));
}

#[test]
fn staves_prologues_and_epilogues() {
    let doc = fixture("stave.txt");
    assert_eq!(
        chapters(&doc),
        [
            (Some(1), t("THE FIRST VISITOR")),
            (Some(2), t("THE SECOND VISITOR")),
            (Some(3), t("THE LAST OF THE SPIRITS"))
        ]
    );
    let doc = fixture("prologue.txt");
    assert_eq!(
        chapters(&doc),
        [(None, t("Prologue")), (Some(1), t("The Bridge")), (Some(2), t("The Other Side")), (None, t("Epilogue"))]
    );
}

#[test]
fn bare_roman_numerals_in_a_series_are_chapters_and_a_sentence_is_not() {
    let doc = fixture("roman.txt");
    assert_eq!(chapters(&doc), [(Some(1), None), (Some(2), None), (Some(3), None)]);
    assert!(doc.chapters[2].content_html().contains("I. That was all she wrote"));
}

#[test]
fn pov_banners_flashbacks_and_scene_breaks_in_many_styles() {
    let doc = fixture("pov-styles.txt");
    assert_eq!(doc.chapters.len(), 1);
    let c = &doc.chapters[0];
    let sections: Vec<_> = c.sections.iter().map(|s| (s.kind, s.label.as_str())).collect();
    assert_eq!(
        sections,
        [
            (SectionKind::Pov, "Harry"),
            (SectionKind::Pov, "Hermione"),
            (SectionKind::Flashback, "Flashback"),
            (SectionKind::Pov, "Ron")
        ]
    );
    assert_eq!(c.scene_breaks, [7, 21, 27], "oOo, xXx and -o-; the * * * before the A/N is not one");
    assert_eq!(doc.notes.len(), 1);
    assert_eq!((doc.notes[0].kind, doc.notes[0].position), (NoteKind::AuthorNote, Position::End));
    let html = c.content_html();
    assert!(html.contains("<hr class=\"scene-break\">"));
    assert!(!html.contains("oOo") && !html.contains("A/N"));
}

#[test]
fn text_without_blank_lines_between_paragraphs_uses_blank_lines_as_scene_breaks() {
    let doc = fixture("single-newlines.txt");
    assert_eq!(doc.title.as_deref(), Some("The Last Train"));
    let c = &doc.chapters[0];
    assert_eq!(c.scene_breaks, [6]);
    assert_eq!(c.content_html().matches("<p>").count(), 8, "each line is a paragraph");
}

#[test]
fn crlf_and_windows_1252_and_hard_wraps() {
    let text: &[u8] = b"My Title\r\n\r\nChapter 1\r\n\r\nIt\x92s a long line that goes on and on, as lines do, until the\r\nwriter\x92s word processor wraps it at seventy characters or so, and\r\nthen it carries on for a while longer before the paragraph ends.\r\n\r\nA second paragraph, also wrapped at the same width as the first one\r\nwas, which makes the text look like an old e-book from a website.\r\n\r\nAnd a third one, wrapped too, because every paragraph here is long\r\nenough to need it, the way they are in novels and in fan fiction.\r\n";
    let doc = flourish_text::read_document(text, Some("x.txt")).unwrap();
    assert_eq!(doc.encoding, "windows-1252");
    let html = doc.chapters[0].content_html();
    assert!(
        html.contains("<p>It’s a long line that goes on and on, as lines do, until the writer’s word processor"),
        "{html}"
    );
    assert_eq!(html.matches("<p>").count(), 3);
}

#[test]
fn emphasis_and_escaping() {
    let doc =
        flourish_text::read_document(b"She *never* said <script> & _never_ would.\n\nMore text here.", None).unwrap();
    let html = doc.chapters[0].content_html();
    assert!(html.contains("She <em>never</em> said &lt;script&gt; &amp; <em>never</em> would."), "{html}");
}

#[test]
fn inspect_json_is_stable() {
    for name in [
        "ffn-header.txt",
        "gutenberg.txt",
        "pov-styles.txt",
        "prologue.txt",
        "ao3-download.html",
        "fanficfare.html",
        "plain-page.html",
        "chapters.md",
    ] {
        let doc = fixture(name);
        let mut json = serde_json::to_value(&doc).unwrap();
        // The notes' HTML is checked above; the golden files pin the structure.
        for note in json["notes"].as_array_mut().unwrap() {
            note.as_object_mut().unwrap().remove("html");
        }
        insta::assert_json_snapshot!(name, json);
    }
}

/// A 1990s Project Gutenberg etext: the title only in the first line, the licence ("small
/// print") as the header's end, a credit line, a title page, and a book of stories headed by
/// their titles alone, in capitals, listed in a contents list. Modelled on the layout of
/// the old etexts in the development corpus (`corpus/`).
#[test]
fn an_old_gutenberg_collection_is_read_by_its_contents_list() {
    let doc = fixture("collection-contents.txt");
    assert_eq!(doc.title.as_deref(), Some("Tales of the Harbour Wall"));
    assert_eq!(doc.authors, ["Edith Marlowe"]);
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["The Lamplighter's Wager", "How the Gulls Learned to Count", "The Widow of Pier Seven"]);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1);
    let first = doc.chapters[0].content_html();
    assert!(first.starts_with("<p>Old Tobias Fenn"), "{first}");
    for c in &doc.chapters {
        let html = c.content_html();
        for apparatus in ["SMALL PRINT", "Prepared by", "CONTENTS", "HOW THE GULLS", "End of Project"] {
            assert!(!html.contains(apparatus), "{apparatus:?} in {html}");
        }
    }
    let (suggested, _) = flourish_text::suggest::suggest(&doc, &[]);
    assert_eq!(suggested.fandoms, ["Tales of the Harbour Wall - Edith Marlowe"], "a book is its own fandom");
}

/// Parts above chapters, each heading on two lines ("BOOK ONE" over its name, "I." over the
/// chapter's title), numbering starting again in each part, and an epigraph before them.
#[test]
fn parts_and_two_line_chapter_headings_give_the_chapters() {
    let doc = fixture("parts-two-line.txt");
    assert_eq!(doc.title.as_deref(), Some("The Salt Road"));
    assert_eq!(
        chapters(&doc),
        [
            (Some(1), Some("The Morning of the Carts".into())),
            (Some(2), Some("What the Miller Said".into())),
            (Some(1), Some("The First Sight of the Water".into())),
            (Some(2), Some("Home Again".into())),
        ]
    );
    for c in &doc.chapters {
        let html = c.content_html();
        assert!(!html.contains("BOOK") && !html.contains("Every road"), "parts and the epigraph are not story: {html}");
    }
    assert!(
        doc.notes.iter().any(|n| n.chapter.is_none() && n.html.contains("Every road leads to the sea")),
        "the epigraph is kept as a work note"
    );
}

/// Aozora Bunko's layout (Japanese), and Chinese chapter headings with couplet titles.
#[test]
fn aozora_and_chinese_chapter_headings() {
    let aozora = "星の井戸\n架空太郎\n\n-------------------------------------------------------\n【テキスト中に現れる記号について】\n\n《》：ルビ\n（例）井戸《いど》\n-------------------------------------------------------\n\n［＃５字下げ］第一夜［＃「第一夜」は中見出し］\n\n　こんな夢を見た。\n　井戸《いど》の底に星があった。\n\n［＃５字下げ］第二夜［＃「第二夜」は中見出し］\n\n　また夢を見た。\n　星はもうなかった。\n\n\n底本：「星の井戸」架空書房\n入力：誰か\n";
    let doc = flourish_text::read_document(aozora.as_bytes(), Some("hoshi.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("星の井戸"));
    assert_eq!(doc.authors, ["架空太郎"]);
    assert_eq!(doc.chapters.len(), 2);
    assert!(doc.chapters.iter().all(|c| c.scene_breaks.is_empty()), "rules and blank lines are apparatus");
    assert!(!doc.chapters[1].content_html().contains("底本"));

    let chinese = "灯下记\n\n第一回　访旧友夜雨留客\n\n　　话说城南有个书生，姓林名晚，家中只有一个老仆。\n　　一日天雨，故人来访。\n\n第二回　别故人春风送行\n\n　　次日雨住，林晚送客出城。\n　　两人折柳相别。\n";
    let doc = flourish_text::read_document(chinese.as_bytes(), Some("dengxia.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("灯下记"));
    assert_eq!(chapters(&doc), [(Some(1), Some("访旧友夜雨留客".into())), (Some(2), Some("别故人春风送行".into()))]);
}

/// Chapters marked by layout alone: short titles in capitals set apart by more blank lines
/// than the paragraphs (as in Gutenberg's German texts), a "Vorrede" before them that is
/// the work's front matter, and, in Chinese, titles alone on their lines among paragraphs
/// that end in 。.
#[test]
fn chapters_marked_by_layout_alone() {
    let doc = fixture("layout-headings.txt");
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["Das Boot", "Der Sturm", "Die Heimkehr"]);
    assert!(
        doc.notes.iter().any(|n| n.chapter.is_none() && n.html.contains("Diese Ausgabe")),
        "the Vorrede is a work note"
    );
    assert!(
        doc.notes.iter().any(|n| n.chapter.is_none() && n.html.contains("schrieb diese Erzählung")),
        "so is the Einleitung, set apart like the chapters' headings"
    );

    let story = |s: &str| format!("　　{}\n", s.repeat(30));
    let chinese = format!(
        "剑侠小集\n\n　　老人化猿\n\n{}\n　　扶余国王\n\n{}\n　　嘉兴绳技\n\n{}",
        story("越王问剑术于老人，老人不答，化为白猿而去。"),
        story("客自扶余来，言其国中有异人，能于夜中取人首级。"),
        story("嘉兴县令设宴，有囚能绳技，缘绳而上，遂不复见。"),
    );
    let doc = flourish_text::read_document(chinese.as_bytes(), Some("jianxia.txt")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert_eq!(titles, ["老人化猿", "扶余国王", "嘉兴绳技"]);
}

/// A Russian book as Russian libraries lay it out: the author with the patronymic over the
/// title, "* ТОМ ПЕРВЫЙ *" above chapters "ГЛАВА I." (one with a Cyrillic Х among its
/// numerals), paragraphs one per line, and endnotes numbered 1, 2, … under "Примечания".
#[test]
fn a_russian_book_with_volumes_chapters_and_endnotes() {
    let text = "\
Пётр Ильич Сомов
Тихая пристань


* ТОМ ПЕРВЫЙ *


ГЛАВА I.

Лодка подошла к берегу поздно вечером, когда в деревне уже спали.
Старый рыбак вытащил её на песок и долго смотрел на реку.1

ГЛАВА II.

Утром пришла Варвара Петровна и спросила, где сети.
– Там, где всегда, – ответил рыбак.

ГЛАВА ХIII.

Так прошло лето, и никто в деревне не вспоминал о лодке.

Примечания


1

Так на Волге называют рыбаков.

2

Старинная песня.
";
    let doc = flourish_text::read_document(text.as_bytes(), Some("pristan.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Тихая пристань"));
    assert_eq!(doc.authors, ["Пётр Ильич Сомов"]);
    let numbers: Vec<Option<u32>> = doc.chapters.iter().map(|c| c.number).collect();
    assert_eq!(numbers, [Some(1), Some(2), Some(13)], "{:?}", chapters(&doc));
    let last = doc.chapters[2].content_html();
    assert!(!last.contains("Примечания") && !last.contains("Старинная"), "{last}");
    let end = doc.notes_html(None, Position::End);
    assert!(end.contains("Так на Волге называют рыбаков"), "{end}");
}

/// A play in plain text as Gutenberg mirrors lay it out: a cast list, the title again
/// above each act, "ACT I" repeated above each of its scenes, "SCENE II<tab>Where." lines,
/// speakers in capitals. Acts are chapters; each later scene is a scene break, and its
/// line, which says where the scene is, stays in the text.
#[test]
fn a_play_has_acts_for_chapters_and_scenes_for_breaks() {
    let text = "\
\tTHE LAMPLIGHTERS


\tDRAMATIS PERSONAE


WILL KEMP\ta lamplighter.

MARGERY\this sister.


ACT I



SCENE I\tA street at dusk.


\t[Enter WILL KEMP, with a ladder]

WILL KEMP\tAnother night, another hundred lamps, and not one
\tof them will thank me for it.

ACT I



SCENE II\tMargery's kitchen.


MARGERY\tYou are late again, brother, and the soup is cold.

WILL KEMP\tThe lamps were slow to catch tonight.

ACT II



SCENE I\tThe same street, at dawn.


WILL KEMP\tAnd now I put them out again, one by one.

\t[Exit]
";
    let doc = flourish_text::read_document(text.as_bytes(), Some("lamplighters.txt")).unwrap();
    assert_eq!(chapters(&doc), [(Some(1), None), (Some(2), None)]);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1, "scene II of act I");
    assert!(doc.chapters[1].scene_breaks.is_empty());
    let act_one = doc.chapters[0].content_html();
    assert!(act_one.contains("A street at dusk") && act_one.contains("Margery's kitchen"), "{act_one}");
    assert!(!act_one.contains("DRAMATIS"), "the cast list is front matter: {act_one}");
}

/// A contents list of bare numerals, then a dedication and an epigraph in short lines, then
/// the chapters "I" to "III" (The Great Gatsby's layout): the list's last numeral is not a
/// heading over the dedication, and every chapter is found.
#[test]
fn a_contents_list_of_numerals_above_a_dedication() {
    for contents in ["                 Contents\n\n", ""] {
        let text = format!(
            "\t\t\tThe Orchard Year\n\t\t\t\tby\n\t\t\tJ. M. Hale\n\n\n{contents}I\nII\nIII\n\n\n                 For\n                  M.\n\n  The apples fall, the ladders stay;\n  Who climbs them now?\n\n  Old song\n\n\n                 I\n\nThe first frost came early that year, and the ladders were still out.\n\n                 II\n\nBy November the barrels were full and the men were paid.\n\n                 III\n\nIn spring the blossom came again, as if nothing had happened.\n"
        );
        let doc = flourish_text::read_document(text.as_bytes(), Some("orchard.txt")).unwrap();
        assert_eq!(chapters(&doc), [(Some(1), None), (Some(2), None), (Some(3), None)], "contents line {contents:?}");
        assert!(doc.chapters[0].content_html().starts_with("<p>The first frost"), "{}", doc.chapters[0].content_html());
    }
}

/// An old Spanish book: a "Prólogo", then "Tratado Primero" with a long title on the line
/// under it (hard-wrapped), paragraphs wrapped at 65 columns, wide gaps around headings.
#[test]
fn a_prologue_and_treatises_with_long_titles_under_their_numbers() {
    let text = "\
LA VIDA DEL MOLINERO DE ALCALA
Autor desconocido.




Prologo



Yo tengo por bien que cosas tan pequenas y nunca oidas vengan a
noticia de muchos, y no se entierren en la sepultura del olvido,
pues podria ser que alguno que las lea halle algo que le agrade.




Tratado Primero
Cuenta el molinero su vida, y de quien fue hijo, y como entro al
servicio del cura



Pues sepa vuestra merced que a mi me llaman Anton del Molino, hijo
de un molinero y de una lavandera del rio, y otras cosas mas que
no se dicen aqui porque son largas de contar y no vienen al caso.

Tratado Segundo
Como el molinero se asento con un arriero



Otro dia me fui con un arriero que pasaba por el camino real.
";
    let doc = flourish_text::read_document(text.as_bytes(), Some("molinero.txt")).unwrap();
    let titles: Vec<Option<String>> = doc.chapters.iter().map(|c| c.title.clone()).collect();
    assert_eq!(titles[0].as_deref(), Some("Prologo"), "{:?}", chapters(&doc));
    assert_eq!(
        titles[1].as_deref(),
        Some("Cuenta el molinero su vida, y de quien fue hijo, y como entro al servicio del cura")
    );
    assert_eq!(titles[2].as_deref(), Some("Como el molinero se asento con un arriero"));
    assert!(
        doc.chapters.iter().all(|c| c.scene_breaks.is_empty()),
        "{:?}",
        doc.chapters.iter().map(|c| &c.scene_breaks).collect::<Vec<_>>()
    );
}

/// A diary whose entries are headed by the day alone ("Monday", "Ten Days Later", "Next
/// Year"), a blank line apart like its paragraphs; and an old Gutenberg header that names
/// the book without an "of" ("The Project Gutenberg Etext Notes From a Lighthouse, by
/// Lisle").
#[test]
fn diary_entries_headed_by_their_day() {
    let mut text = String::from(
        "The Project Gutenberg Etext Notes From a Lighthouse, by Lisle\n\n*** START OF THE PROJECT GUTENBERG EBOOK ***\n\nThis etext was prepared by a volunteer.\n\nNotes From a Lighthouse\n\nby Mary Lisle\n\n",
    );
    for day in ["Monday", "Tuesday", "Friday", "Ten Days Later", "Next Year", "Sunday"] {
        text.push_str(&format!(
            "{day}\n\nThe lamp wants oil again, and the gulls have taken the north ledge for themselves.\nI wrote to the Board about the oil; they will not answer before spring.\n\n"
        ));
    }
    let doc = flourish_text::read_document(text.as_bytes(), Some("lighthouse.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Notes From a Lighthouse"));
    assert_eq!(doc.authors, ["Mary Lisle"], "the title page's byline names her in full");
    let titles: Vec<&str> = doc.chapters.iter().filter_map(|c| c.title.as_deref()).collect();
    assert_eq!(
        titles,
        ["Monday", "Tuesday", "Friday", "Ten Days Later", "Next Year", "Sunday"],
        "{:?}",
        chapters(&doc)
    );
}

/// A Chinese novel's chapter: "第一回" with its name, a couplet, an opening poem, then the
/// prose, each set off by a blank line while the prose's paragraphs have none between them.
/// The blank lines at the head set off the verse; only a gap inside the prose is a break.
#[test]
fn an_opening_couplet_and_poem_are_not_scene_breaks() {
    // One paragraph to a line, of any length: not a hard-wrapped text.
    let prose = "　　话说城东有一座小桥，桥边住着一户人家，家中只有母子二人，日子过得清苦，母亲替人缝补浆洗，孩子每日提了篮子到桥头卖些针线，挣几个钱回来买米。\n　　那孩子自小聪明。\n　　读书极肯用心，先生常夸他将来必有出息，邻里也都喜欢他，逢年过节总有人送些糕饼果子过来，母子二人感激不尽，只说日后必要报答众人的好处，一时也说不尽。\n";
    let text = format!(
        "　　第一回　桥边人家\n\n　　小桥流水闲中过　明月清风梦里来\n\n　　世事如棋局局新，\n　　人情似纸张张薄。\n\n{p}\n\n\n\n{p}\n　　第二回　城中故事\n\n　　一朝得意春风里　十载寒窗夜雨中\n\n{p}{p}",
        p = prose.repeat(12)
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("qiao.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 2, "{:?}", chapters(&doc));
    assert_eq!(
        doc.chapters[0].scene_breaks.len(),
        1,
        "only the gap inside the prose: {:?}",
        doc.chapters[0].scene_breaks
    );
    assert!(doc.chapters[1].scene_breaks.is_empty());
}

/// A 1990s etext's first line may shorten the title ("…Etext of Harbour Tales etc"); the
/// book's own title page inside the header, a title over "by …", names it in full.
#[test]
fn an_old_etext_is_titled_by_its_title_page_not_its_shortened_first_line() {
    let text = "Project Gutenberg Etext of Harbour Tales etc by Mary Lisle\n\nPlease take a look at the important information in this header.\n\n\nHarbour Tales and Other Sketches\n\nby Mary Lisle\n\nMay, 1998  [Etext #1234]\n\n*END THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n\nTHE PILOT\n\nThe pilot went out in every weather, and came back in most of them.\n\n\nTHE NETS\n\nNobody mended nets like the widow, and nobody paid her for it.\n\n\nTHE LAMP\n\nThe lamp on the wall was lit by whoever passed it last.\n";
    let doc = flourish_text::read_document(text.as_bytes(), Some("harbour.txt")).unwrap();
    assert_eq!(doc.title.as_deref(), Some("Harbour Tales and Other Sketches"));
    assert_eq!(doc.authors, ["Mary Lisle"]);
}

/// An old Chinese book's title page credits its editor after the name, on the title's line
/// behind a wide gap or on the next line ("某某散人编辑"); the book is its own fandom.
#[test]
fn a_chinese_title_page_credits_its_editor_and_the_book_is_its_own_fandom() {
    let chapters = "\n\n\n第一回　渔翁夜归\n\n　　话说江边有一渔翁，姓林，每夜撑船回来，总要在桥下歇一歇。\n\n第二回　书生赶考\n\n　　却说那书生姓周，自幼读书，这一年上京赶考，路过江边。\n";
    for (page, title, editor) in [
        ("江月缘　　　　　　　青溪散人鉴定", "江月缘", "青溪散人"),
        ("江月缘\n\n青溪散人编辑", "江月缘", "青溪散人"),
        ("江月缘\n清周青溪辑", "江月缘", "周青溪"),
    ] {
        let text = format!("{page}{chapters}");
        let doc = flourish_text::read_document(text.as_bytes(), Some("jiang.txt")).unwrap();
        assert_eq!(doc.title.as_deref(), Some(title), "{page}");
        assert_eq!(doc.authors, [editor], "{page}");
        assert_eq!(doc.chapters.len(), 2, "{page}");
        let (suggested, _) = flourish_text::suggest::suggest(&doc, &[]);
        assert_eq!(suggested.fandoms, [format!("{title} - {editor}")], "{page}");
    }
    // A story posted today names its writer before the name; it is not a published book.
    let text = format!("江月缘\n\n作者：青溪{chapters}");
    let doc = flourish_text::read_document(text.as_bytes(), Some("jiang.txt")).unwrap();
    let (suggested, _) = flourish_text::suggest::suggest(&doc, &[]);
    assert!(suggested.fandoms.is_empty(), "{:?}", suggested.fandoms);
}

/// A break printed as three lines of stars, one over the other, is one break; one at the
/// chapter's very end separates nothing.
#[test]
fn stacked_star_lines_are_one_break_and_a_last_one_is_none() {
    let stars = "*      *      *      *      *\n\n    *      *      *      *\n\n*      *      *      *      *";
    let text = format!(
        "CHAPTER I.\nThe Lamp\n\nThe lamplighter climbed his ladder in the rain, as he had every night for forty years.\n\n{stars}\n\n\nWhen he came down, the street was dry and the moon was out.\n\n{stars}\n\n\n\nCHAPTER II.\nThe Moon\n\nThe moon stayed out all night, which it had never done before in that town.\n"
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("lamp.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 2);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 1, "{}", doc.chapters[0].content_html());
    assert!(!doc.chapters[0].content_html().contains('*'));
}

/// Paragraphs one blank line (a line holding a tab) apart, a few of them broken inside by
/// a converter's italics on lines of their own, with scenes four blank lines apart; a prose
/// epigraph and its source at the head are set off the same way, and are no scene.
#[test]
fn wide_gaps_between_spaced_paragraphs_are_breaks_but_not_after_an_epigraph() {
    let para = |s: &str| format!("{s}\n\t\n");
    let mut text = String::from("\t\n\t\nLe diable aime les innocents, dit-on.\n\t\n\t\n\t\n(B.)\n\t\n\t\n\t\n\t\n");
    for scene in 0..3 {
        for p in 0..12 {
            if p == 2 {
                text.push_str(&format!("Le comte parla du\nbal des fleurs\n, qui eut lieu la nuit {scene}.\n\t\n"));
            } else {
                text.push_str(&para(&format!(
                    "La scène {scene}, le paragraphe {p} : on soupait tard, et personne ne voulait partir."
                )));
            }
        }
        text.push_str("\t\n\t\n\t\n");
    }
    let doc = flourish_text::read_document(text.as_bytes(), Some("souper.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 1);
    assert_eq!(doc.chapters[0].scene_breaks.len(), 2, "{}", doc.chapters[0].content_html());
}

/// A chapter's title may ask or exclaim ("Who Stole the Pie?") on the line under its
/// number; a question in quotation marks there is the story's first line of speech.
#[test]
fn a_title_that_asks_is_a_title_and_speech_is_not() {
    let text = "CHAPTER I.\nWho Stole the Pie?\n\n\nThe baker came out of his shop and counted the pies on the sill twice over.\n\n\nCHAPTER II.\nTalent! Talent!\n\n\nThe clown said it twice, and the goose bowed to the whole circus.\n\n\nCHAPTER III.\n“Who is there?”\n\nNobody answered the baker, and he went back to his ovens.\n";
    let doc = flourish_text::read_document(text.as_bytes(), Some("pie.txt")).unwrap();
    assert_eq!(
        chapters(&doc),
        [(Some(1), Some("Who Stole the Pie?".into())), (Some(2), Some("Talent! Talent!".into())), (Some(3), None)]
    );
    assert!(doc.chapters[2].content_html().starts_with("<p>“Who is there?”"));
}

/// A play's acts: the first scene heading of an act opens its first scene even after a list
/// of the characters; a later one, however long its stage direction ("SCENE—An Alehouse
/// Room. Several shabby fellows…"), or "SCENE changes.", is a break, its words kept. A line
/// of a wrapped paragraph that starts "scene—" is prose.
#[test]
fn a_play_s_scenes_are_breaks_from_the_second_on_and_prose_is_not_a_scene() {
    let speech = "HARDCASTLE. I vow, Mrs. Hardcastle, you are very particular about the\nroads, and the roads, my dear, are very particular about you and me.";
    let text = format!(
        "ACT THE FIRST.\n\nCharacters -\n\nHARDCASTLE\nMRS. HARDCASTLE\n\nSCENE--A Chamber in an old-fashioned House.\n\n{speech}\n\n{speech}\n\nSCENE--An Alehouse Room. Several shabby Fellows with punch and\ntobacco. TONY at the head of the table, a little higher than the rest,\na mallet in his hand.\n\n{speech}\n\nSCENE changes.\n\n{speech}\n\n\nACT THE SECOND.\n\nSCENE--An old-fashioned House.\n\n{speech}\n\nThen the whole company stood up and he turned around and stared at the\nscene--his wife and the servants scolding and consoling as they went\nabout the room.\n\n{speech}\n\n\nACT THE THIRD.\n\n{speech}\n"
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("stoops.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 3);
    let first = doc.chapters[0].content_html();
    assert_eq!(doc.chapters[0].scene_break_count(), 2, "{first}");
    assert!(first.contains("An Alehouse Room") && first.contains("SCENE changes"), "{first}");
    let second = doc.chapters[1].content_html();
    assert_eq!(doc.chapters[1].scene_break_count(), 0, "{second}");
    assert!(
        second.contains("stared at the\nscene--his wife") || second.contains("stared at the scene--his wife"),
        "one paragraph: {second}"
    );
}

/// A title page that names an edition ("THE HARBOUR EDITION 2.0") is a published book's:
/// the edition line is front matter, and the book is its own fandom.
#[test]
fn a_title_page_naming_an_edition_is_a_published_book_s() {
    let chapter = |n: &str, t: &str| {
        format!(
            "CHAPTER {n}.\n{t}\n\nThe pilot went out in every weather, and came back in most of them, and the harbour knew his lamp.\n\n\n"
        )
    };
    let text = format!(
        "[Illustration]\n\n\nHarbour Tales\n\nby Mary Lisle\n\nTHE HARBOUR EDITION 2.0\n\n\n{}{}{}",
        chapter("I", "The Pilot"),
        chapter("II", "The Nets"),
        chapter("III", "The Lamp")
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("harbour.txt")).unwrap();
    assert_eq!(doc.chapters.len(), 3);
    assert!(!doc.chapters[0].content_html().contains("EDITION"));
    let (suggested, _) = flourish_text::suggest::suggest(&doc, &[]);
    assert_eq!(suggested.fandoms, ["Harbour Tales - Mary Lisle"]);

    // Further down the title page, under a dedication, the edition still tells.
    let lower =
        text.replace("THE HARBOUR EDITION 2.0\n\n", "To my sister, who kept the lamp.\n\nTHE HARBOUR EDITION 2.0\n\n");
    let doc = flourish_text::read_document(lower.as_bytes(), Some("harbour.txt")).unwrap();
    assert!(!doc.chapters[0].content_html().contains("EDITION"));
    assert_eq!(flourish_text::suggest::suggest(&doc, &[]).0.fandoms, ["Harbour Tales - Mary Lisle"]);

    // Without the edition, a story with a byline may be the writer's own: no fandom guessed.
    let own = text.replace("THE HARBOUR EDITION 2.0\n\n", "");
    let doc = flourish_text::read_document(own.as_bytes(), Some("harbour.txt")).unwrap();
    assert!(flourish_text::suggest::suggest(&doc, &[]).0.fandoms.is_empty());
}

/// A wrapped line of a paragraph that starts "introduction." in lower case is the
/// paragraph's, not a heading ("…was Maggie's formula of / introduction.  She led him…").
#[test]
fn a_wrapped_line_starting_with_a_heading_word_in_lower_case_is_text() {
    let para = "\"A friend of mine, Mr. Terry O'Sullivan,\" was Maggie's formula of\nintroduction.  She led him around the room, presenting him to each\nnew-arriving guest, and every one of them was pleased to see him there.\n\n";
    let text = format!(
        "THE COMPLETE LIFE OF JOHN HOPKINS\n\n{para}{para}\n\nTHE GIFT OF THE MAGI\n\n{para}{para}\n\nA SERVICE OF LOVE\n\n{para}{para}"
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("four.txt")).unwrap();
    let titles: Vec<_> = doc.chapters.iter().map(|c| c.title.clone().unwrap_or_default()).collect();
    assert!(!titles.iter().any(|t| t.contains("Introduction")), "{titles:?}");
    assert!(doc.chapters.iter().all(|c| !c.content_html().contains("<p>introduction.")), "one paragraph");
}

/// A novel may end with a "CONCLUSION" after its numbered chapters: that is a chapter, as
/// an epilogue is; "Conclusion, then…" opening a paragraph is not.
#[test]
fn a_closing_conclusion_is_a_chapter() {
    let body = "The letters went back and forth all winter, and nobody in the house said a word about them, though everybody knew.\n\n";
    let text = format!(
        "I\n\n{body}{body}\n\nII\n\n{body}Conclusion, then, was what the whole house waited for, and it did not come.\n\n{body}\n\nIII\n\n{body}{body}\n\nCONCLUSION\n\n{body}{body}"
    );
    let doc = flourish_text::read_document(text.as_bytes(), Some("letters.txt")).unwrap();
    assert_eq!(
        chapters(&doc),
        [(Some(1), None), (Some(2), None), (Some(3), None), (None, Some("Conclusion".into()))],
        "{:?}",
        chapters(&doc)
    );
}
