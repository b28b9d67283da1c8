//! The web front driven in-process through `TestApp`.

mod accounts;
mod discovery;
mod downloads;
mod pages;
mod posting;
