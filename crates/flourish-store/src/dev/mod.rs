//! What only `flourish dev` uses (benchmarks, generated archives), behind the `dev`
//! feature so the archive itself cannot reach it: the SQL baseline the search benchmarks
//! compare against, and statistics set directly on generated works.

pub mod baseline;
mod synthetic;

pub use synthetic::SyntheticStats;
