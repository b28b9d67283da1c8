//! The web front driven in-process through `TestApp`.

mod accounts;
mod api;
mod attacks;
mod bookmarks;
mod conversation;
mod discovery;
mod downloads;
mod feeds;
mod filters;
mod full_disk;
mod idor;
mod mail;
mod my_data;
mod opds;
mod pages;
mod posting;
mod readings;
mod script_links;
mod statistics;
mod subscriptions;
mod transforms;
