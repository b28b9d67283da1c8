//! Turning text into a work. Pure functions: no database, no I/O.
//!
//! Today: the HTML sanitizer, plain text to paragraphs, and AO3's word count. The importer
//! (structure recovery from txt, md, html and epub) grows here.

mod blocks;
pub mod decode;
pub mod document;
pub mod draft;
pub mod epub;
pub mod html;
pub mod import;
pub mod lexicon;
pub mod md;
pub mod paragraphs;
pub mod patterns;
pub mod sanitize;
pub mod suggest;
pub mod txt;
pub mod word_count;

pub use paragraphs::{html_to_text, plain_to_html};
pub use sanitize::{SANITIZER_VERSION, is_plainly_clean, sanitize_html};
pub use word_count::{count_words, count_words_in_html};

pub use document::Document;
pub use import::{ImportError, read_document};
