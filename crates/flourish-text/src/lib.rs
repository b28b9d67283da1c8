//! Turning text into a work. Pure functions: no database, no I/O.
//!
//! Start at [`pipeline`]: one file to one work draft, for every caller. Below it: format
//! detection and structure recovery (`import`, `txt`, `md`, `html`, `epub`), suggested tags
//! (`suggest`), the mapping onto a draft (`draft`); and for every writer's HTML, the
//! sanitizer and AO3's word count.

mod aozora;
mod blocks;
pub mod corpus;
pub mod decode;
pub mod document;
pub mod draft;
pub mod epub;
pub mod error;
pub mod formats;
pub mod html;
pub mod import;
pub mod lexicon;
pub mod md;
pub mod paragraphs;
pub mod patterns;
pub mod pipeline;
pub mod sanitize;
mod structure;
pub mod suggest;
pub mod txt;
pub mod word_count;

pub use paragraphs::{html_to_text, plain_to_html};
pub use sanitize::{SANITIZER_VERSION, is_plainly_clean, sanitize_comment_html, sanitize_html};
pub use word_count::{count_words, count_words_in_html};

pub use document::Document;
pub use import::{ImportError, read_document};
