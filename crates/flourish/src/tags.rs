//! `flourish tags …`: wrangling from the command line until wranglers have web screens.
//! Every change goes through the store, which refuses what AO3 refuses (a synonym of a
//! tag that is not canonical, a loop of metatags…) and queues the works it touches for
//! reindexing.

use anyhow::{Context, anyhow};
use clap::Subcommand;
use flourish_core::{Tag, TagKind};
use flourish_store::{Store, TagStore};

#[derive(Subcommand)]
pub enum TagsCommand {
    /// Show a tag: its kind, whether it is canonical, its synonyms, metatags, subtags and parents.
    Show { name: String },
    /// Create a tag of a kind (fandom, relationship, character, freeform).
    Create {
        name: String,
        #[arg(long)]
        kind: String,
        /// Make it canonical straight away.
        #[arg(long)]
        canonical: bool,
    },
    /// Make a tag canonical (or, with --off, not canonical).
    Canonical {
        name: String,
        #[arg(long)]
        off: bool,
    },
    /// Merge a tag into a canonical tag as its synonym.
    Synonym {
        name: String,
        #[arg(long = "of")]
        canonical: String,
    },
    /// Make META a metatag of SUB: works tagged SUB then match filters on META.
    Meta {
        sub: String,
        #[arg(long = "of")]
        meta: String,
        /// Remove the link instead.
        #[arg(long)]
        remove: bool,
    },
    /// Give a tag a parent: a fandom for characters, relationships and additional tags, a
    /// character for relationships.
    Parent {
        child: String,
        #[arg(long = "of")]
        parent: String,
    },
}

async fn find(store: &Store, name: &str) -> anyhow::Result<Tag> {
    store.tag_by_name(name).await?.ok_or_else(|| anyhow!("there is no tag named {name:?}"))
}

pub async fn run(store: &Store, command: TagsCommand) -> anyhow::Result<()> {
    match command {
        TagsCommand::Show { name } => {
            let tag = find(store, &name).await?;
            print!("{}", describe(store, &tag).await?);
        }
        TagsCommand::Create { name, kind, canonical } => {
            let kind = TagKind::parse(&kind).filter(|k| k.is_user_defined()).with_context(|| {
                format!("{kind:?} is not a kind of tag writers use: fandom, relationship, character or freeform")
            })?;
            if let Some(existing) = store.tag_by_name(&name).await? {
                anyhow::bail!("a tag named {:?} already exists ({})", existing.name, existing.kind.as_str());
            }
            let tag = store.find_or_create_tag(&name, kind).await?;
            if canonical {
                store.set_canonical(tag.id, true).await?;
            }
            println!("created {} ({}{})", tag.name, kind.as_str(), if canonical { ", canonical" } else { "" });
        }
        TagsCommand::Canonical { name, off } => {
            let tag = find(store, &name).await?;
            store.set_canonical(tag.id, !off).await?;
            println!("{} is {}canonical", tag.name, if off { "no longer " } else { "now " });
        }
        TagsCommand::Synonym { name, canonical } => {
            let tag = find(store, &name).await?;
            let target = find(store, &canonical).await?;
            store.make_synonym(tag.id, target.id).await?;
            println!("{} is now a synonym of {}", tag.name, target.name);
        }
        TagsCommand::Meta { sub, meta, remove } => {
            let sub = find(store, &sub).await?;
            let meta = find(store, &meta).await?;
            if remove {
                store.remove_metatag(sub.id, meta.id).await?;
                println!("{} is no longer a metatag of {}", meta.name, sub.name);
            } else {
                store.add_metatag(sub.id, meta.id).await?;
                println!("{} is now a metatag of {}", meta.name, sub.name);
            }
        }
        TagsCommand::Parent { child, parent } => {
            let child = find(store, &child).await?;
            let parent = find(store, &parent).await?;
            store.add_parent(child.id, parent.id).await?;
            println!("{} is now a parent of {}", parent.name, child.name);
        }
    }
    Ok(())
}

async fn describe(store: &Store, tag: &Tag) -> anyhow::Result<String> {
    use std::fmt::Write;
    let names = |tags: Vec<Tag>| tags.into_iter().map(|t| t.name).collect::<Vec<_>>().join(", ");
    let mut out = String::new();
    let _ = writeln!(out, "{}", tag.name);
    let _ = writeln!(out, "  kind:      {}", tag.kind.as_str());
    let _ = writeln!(out, "  canonical: {}", if tag.canonical { "yes" } else { "no" });
    if let Some(of) = tag.synonym_of {
        let canonical = store.tag(of).await?.map(|t| t.name).unwrap_or_default();
        let _ = writeln!(out, "  synonym of: {canonical}");
    }
    for (label, tags) in [
        ("synonyms", store.synonyms(tag.id).await?),
        ("metatags", store.metatags(tag.id).await?),
        ("subtags", store.subtags(tag.id).await?),
        ("parents", store.parents(tag.id).await?),
        ("children", store.children(tag.id).await?),
    ] {
        if !tags.is_empty() {
            let _ = writeln!(out, "  {label}: {}", names(tags));
        }
    }
    Ok(out)
}
