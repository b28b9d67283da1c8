//! The crate's one error: why a file could not be read as a story.

use crate::decode::DecodeError;

/// Why a file could not be read as a story.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("the file is {size} bytes; the largest accepted is {max} bytes")]
    TooLarge { size: usize, max: usize },
    #[error("no story text was found in the file")]
    NoText,
    #[error("not a valid EPUB: {0}")]
    Epub(String),
}
