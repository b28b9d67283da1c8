//! The web front driven in-process through `TestApp`.

mod discovery;
mod pages;
