//! Parse + sanitize + count throughput on a 5 MB text file and a 5 MB HTML file.
//!
//!     cargo bench -p flourish-text --bench parse
//!
//! Criterion prints the throughput (`thrpt`) in MiB/s; the goal is at least 50 MB/s.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

const TARGET: usize = 5 << 20;

/// A long story in the style the importer meets: chapters, POV banners, flashbacks,
/// dialogue, scene breaks, notes.
fn story_txt() -> String {
    let mut out = String::from("The Long Story\n\n");
    let mut chapter = 1;
    while out.len() < TARGET {
        out.push_str(&format!("Chapter {chapter}: Part {chapter}\n\nA/N: Thanks for reading chapter {chapter}!\n\n*Draco's Point of View*\n\n"));
        for p in 0..40 {
            if p == 10 {
                out.push_str("*Flash Back*\n\n");
            }
            if p == 20 {
                out.push_str("*End of Flash Back*\n\n");
            }
            if p == 30 {
                out.push_str("* * *\n\n");
            }
            out.push_str("\"What can I do for you, Mr. Potter?\" I sneered, though I did not mean it, and he knew I did not. The corridor was cold and the torches burned low, and somewhere below us the castle was waking up. It's the *last* time, I told myself, and I didn't believe it either.\n\n");
        }
        chapter += 1;
    }
    out
}

fn story_html(txt: &str) -> String {
    let mut out = String::from("<!DOCTYPE html><html><head><title>The Long Story</title></head><body>\n");
    for para in txt.split("\n\n").filter(|p| !p.is_empty()) {
        if para.starts_with("Chapter ") {
            out.push_str(&format!("<h2>{para}</h2>\n"));
        } else if para == "* * *" {
            out.push_str("<hr/>\n");
        } else {
            out.push_str(&format!("<p>{}</p>\n", para.replace('"', "&quot;").replace("*last*", "<em>last</em>")));
        }
    }
    out.push_str("</body></html>\n");
    out
}

fn parse_sanitize_count(bytes: &[u8], name: &str) -> u64 {
    let doc = flourish_text::read_document(bytes, Some(name)).expect("parses");
    let mut words = 0;
    for chapter in &doc.chapters {
        let clean = flourish_text::sanitize_html(&chapter.content_html());
        words += flourish_text::count_words_in_html(&clean);
    }
    words
}

fn bench(c: &mut Criterion) {
    let txt = story_txt();
    let html = story_html(&txt);
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(txt.len() as u64));
    group.bench_function("txt 5 MB: parse + sanitize + count", |b| {
        b.iter(|| parse_sanitize_count(black_box(txt.as_bytes()), "story.txt"))
    });
    group.throughput(Throughput::Bytes(html.len() as u64));
    group.bench_function("html 5 MB: parse + sanitize + count", |b| {
        b.iter(|| parse_sanitize_count(black_box(html.as_bytes()), "story.html"))
    });
    group.finish();

    // Tag suggestions for a 100,000-word novel (issue 7's figure: under 200 ms).
    let words: Vec<&str> = txt.split_inclusive(char::is_whitespace).collect();
    let novel: String = words[..100_000.min(words.len())].concat();
    let doc = flourish_text::read_document(novel.as_bytes(), Some("novel.txt")).expect("parses");
    let lexicons = flourish_text::lexicon::Lexicon::bundled();
    let mut group = c.benchmark_group("suggest");
    group.sample_size(10);
    group.bench_function("100,000 words: suggested tags", |b| {
        b.iter(|| flourish_text::suggest::suggest(black_box(&doc), &lexicons))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches, parts);

fn components(c: &mut Criterion) {
    let txt = story_txt();
    let doc = flourish_text::read_document(txt.as_bytes(), Some("s.txt")).unwrap();
    let html: Vec<String> = doc.chapters.iter().map(|c| c.content_html()).collect();
    let mut group = c.benchmark_group("components");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(txt.len() as u64));
    group.bench_function("read_document txt", |b| {
        b.iter(|| flourish_text::read_document(black_box(txt.as_bytes()), Some("s.txt")).unwrap())
    });
    group.bench_function("sanitize", |b| {
        b.iter(|| html.iter().map(|h| flourish_text::sanitize_html(h).len()).sum::<usize>())
    });
    group.bench_function("count", |b| {
        b.iter(|| html.iter().map(|h| flourish_text::count_words_in_html(h)).sum::<u64>())
    });
    group.bench_function("classify lines", |b| {
        b.iter(|| {
            txt.split("\n\n")
                .map(|l| {
                    matches!(flourish_text::patterns::classify(l), flourish_text::patterns::LineKind::Text) as usize
                })
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(parts, components);
