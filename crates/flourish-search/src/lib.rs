//! Flourish's search index (DESIGN.md): a Tantivy index derived from the database, fed
//! from the outbox, answering listings with filters, facets, sorts and free-text queries.

pub mod graph;
pub mod query;
pub mod schema;
mod top;

pub use graph::{TagGraph, TagInfo};
pub mod autocomplete;
mod backlog;
pub mod bookmarks;
mod facets;
mod fast_range;
pub mod filters;
pub mod index;
pub mod indexer;

pub use bookmarks::{BookmarkIndex, BookmarkQuery, BookmarkResults, BookmarkScope};
pub use filters::{Crossover, Mute, Sort, WorkQuery};
pub use index::{FacetCount, Hit, Kept, SearchError, SearchIndex, SearchResults};
pub use indexer::Indexer;
