//! Parses, sanitizes and counts one file once: for instruction-count profiling, which is
//! repeatable where timings on a shared machine are not.
//!
//!     cargo build --release --example parse_once -p flourish-text
//!     valgrind --tool=callgrind target/release/examples/parse_once FILE

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_once FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let doc = flourish_text::read_document(&bytes, Some(&path)).expect("parses");
    let words: u64 = doc
        .chapters
        .iter()
        .map(|c| flourish_text::count_words_in_html(&flourish_text::sanitize_html(&c.content_html())))
        .sum();
    println!("{} chapters, {words} words", doc.chapters.len());
}
