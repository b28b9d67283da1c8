//! What only `flourish dev` uses (benchmarks, generated archives), behind the `dev`
//! feature so the archive itself cannot reach it: the SQL baseline the search benchmarks
//! compare against, statistics set directly on generated works, and load-test accounts.

mod accounts;
pub mod baseline;
mod digest;
mod synthetic;

pub use accounts::SyntheticAccounts;
pub use digest::TableDigests;
pub use synthetic::SyntheticStats;
