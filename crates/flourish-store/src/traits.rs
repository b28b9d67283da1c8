//! What the store can do, grouped by capability. Every method that reads works takes the
//! [`Viewer`], so visibility (drafts, restricted works) is decided in SQL, in one place, and
//! counts can never include what the viewer may not see.

use crate::StoreError;
use flourish_core::{
    Chapter, ChapterDraft, ChapterSummary, Series, SeriesDraft, SeriesId, Tag, TagId, TagKind, Viewer, Work, WorkDraft,
    WorkId,
};

/// One page of a listing. Pages are numbered from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn page_count(&self) -> u32 {
        (self.total.div_ceil(self.per_page.max(1) as u64)).max(1) as u32
    }

    /// The row offset of page `page` (pages below 1 count as 1).
    pub fn offset(page: u32, per_page: u32) -> i64 {
        (page.max(1) as i64 - 1) * per_page as i64
    }
}

pub trait WorkStore {
    /// Validates and stores a work with its chapters, tags and creators in one transaction.
    async fn create_work(&self, draft: &WorkDraft) -> Result<WorkId, StoreError>;
    /// Stores many works in one transaction (all or none): for bulk imports, where the
    /// round trips per work, not the work itself, are the cost.
    async fn create_works(&self, drafts: &[WorkDraft]) -> Result<Vec<WorkId>, StoreError>;
    /// [`WorkStore::create_works`] for drafts whose fingerprints
    /// (`flourish_text::pipeline::fingerprint`) the caller has already taken, to find
    /// duplicates: each is computed once.
    async fn create_fingerprinted_works(
        &self,
        drafts: &[WorkDraft],
        fingerprints: &[String],
    ) -> Result<Vec<WorkId>, StoreError>;
    /// Adds a chapter at the end; the work's word count, chapter count, updated date and
    /// version follow.
    async fn add_chapter(&self, work: WorkId, draft: &ChapterDraft) -> Result<Chapter, StoreError>;
    async fn work(&self, id: WorkId, viewer: Viewer) -> Result<Option<Work>, StoreError>;
    /// Works the viewer may see, most recently updated first.
    async fn recent_works(&self, viewer: Viewer, page: u32, per_page: u32) -> Result<Page<Work>, StoreError>;
    /// The chapter index of a work the viewer may see (empty otherwise).
    async fn chapter_index(&self, work: WorkId, viewer: Viewer) -> Result<Vec<ChapterSummary>, StoreError>;
    async fn chapter(
        &self,
        work: WorkId,
        chapter: flourish_core::ChapterId,
        viewer: Viewer,
    ) -> Result<Option<Chapter>, StoreError>;
    /// Every chapter with its text, in order: the "entire work" view.
    async fn chapters(&self, work: WorkId, viewer: Viewer) -> Result<Vec<Chapter>, StoreError>;
    async fn work_count(&self) -> Result<u64, StoreError>;
    /// Stored works (any visibility) with these fingerprints (`flourish_text::pipeline::fingerprint`), the lowest id for
    /// each, so an import can refuse duplicates.
    async fn works_with_fingerprints(&self, fingerprints: &[String]) -> Result<Vec<(String, WorkId)>, StoreError>;
}

pub trait TagStore {
    async fn tag(&self, id: TagId) -> Result<Option<Tag>, StoreError>;
    /// A tag by name, case-insensitively.
    async fn tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError>;
    /// The name the archive files `name` under: its canonical tag's when it is a synonym,
    /// else `name` itself (as given, for names the archive does not know).
    async fn canonical_name(&self, name: &str) -> Result<String, StoreError>;
    /// [`TagStore::canonical_name`] of each name, each once (first place kept).
    async fn canonical_names(&self, names: &[String]) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            out.push(self.canonical_name(name).await?);
        }
        Ok(once_each(out))
    }
    /// A relationship under the archive's canonical name. A name the archive has is
    /// filed like any other; a new one is rebuilt from its characters' canonical names,
    /// in AO3's order ("Harry/Draco" becomes "Draco Malfoy/Harry Potter" where "Harry"
    /// and "Draco" are wrangled synonyms), which may itself be a wrangled name.
    async fn canonical_relationship(&self, name: &str) -> Result<String, StoreError> {
        let people = match flourish_core::relationship_people(name) {
            Some(people) if self.tag_by_name(name).await?.is_none() => people,
            _ => return self.canonical_name(name).await,
        };
        let (names, pairing) = people;
        let mut canonical = Vec::with_capacity(names.len());
        for person in names {
            canonical.push(self.canonical_name(person).await?);
        }
        let canonical: Vec<&str> = canonical.iter().map(String::as_str).collect();
        self.canonical_name(&flourish_core::relationship_name(&canonical, pairing)).await
    }
    /// [`TagStore::canonical_relationship`] of each name, each once.
    async fn canonical_relationships(&self, names: &[String]) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::with_capacity(names.len());
        for name in names {
            out.push(self.canonical_relationship(name).await?);
        }
        Ok(once_each(out))
    }
    /// Finds or creates a tag of `kind` named `name` (a new tag is not canonical).
    async fn find_or_create_tag(&self, name: &str, kind: TagKind) -> Result<Tag, StoreError>;
    async fn set_canonical(&self, tag: TagId, canonical: bool) -> Result<(), StoreError>;
    /// Makes `tag` a synonym of the canonical tag `canonical`.
    async fn make_synonym(&self, tag: TagId, canonical: TagId) -> Result<(), StoreError>;
    /// The synonyms of a canonical tag.
    async fn synonyms(&self, canonical: TagId) -> Result<Vec<Tag>, StoreError>;
    /// Makes canonical `meta` a metatag of canonical `sub` (same kind, no loops): works
    /// tagged with `sub` then match filters on `meta`.
    async fn add_metatag(&self, sub: TagId, meta: TagId) -> Result<(), StoreError>;
    async fn remove_metatag(&self, sub: TagId, meta: TagId) -> Result<(), StoreError>;
    /// Links a character, relationship or additional tag to its fandom, or a relationship
    /// to its characters.
    async fn add_parent(&self, child: TagId, parent: TagId) -> Result<(), StoreError>;
    /// Direct metatags of a tag.
    async fn metatags(&self, tag: TagId) -> Result<Vec<Tag>, StoreError>;
    /// Direct subtags of a tag.
    async fn subtags(&self, tag: TagId) -> Result<Vec<Tag>, StoreError>;
    async fn parents(&self, tag: TagId) -> Result<Vec<Tag>, StoreError>;
    async fn children(&self, tag: TagId) -> Result<Vec<Tag>, StoreError>;
    /// Every tag, by id: what a search index needs to resolve filters.
    async fn all_tags(&self) -> Result<Vec<Tag>, StoreError>;
    /// Tags with ids above `after`: tags created since a graph was loaded.
    async fn tags_after(&self, after: TagId) -> Result<Vec<Tag>, StoreError>;
    /// A number every wrangling change increases.
    async fn wrangling_generation(&self) -> Result<i64, StoreError>;
    /// Every (subtag, metatag) link.
    async fn meta_edges(&self) -> Result<Vec<(TagId, TagId)>, StoreError>;
    /// Works carrying the tag, its canonical tag, or any synonym of it.
    async fn works_with_tag(
        &self,
        tag: TagId,
        viewer: Viewer,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Work>, StoreError>;
}

pub trait SeriesStore {
    async fn create_series(&self, draft: &SeriesDraft) -> Result<SeriesId, StoreError>;
    /// Puts a work in a series at `position` (1-based), or at the end.
    async fn add_to_series(&self, series: SeriesId, work: WorkId, position: Option<u32>) -> Result<(), StoreError>;
    async fn series(&self, id: SeriesId) -> Result<Option<Series>, StoreError>;
    /// The series an account is a creator of, oldest first.
    async fn series_of_user(&self, user: flourish_core::UserId) -> Result<Vec<Series>, StoreError>;
    /// The series' works the viewer may see, with their positions, in order.
    async fn series_works(&self, id: SeriesId, viewer: Viewer) -> Result<Vec<(u32, Work)>, StoreError>;
}

/// What the home page counts, for one viewer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ArchiveCounts {
    pub works: u64,
    pub fandoms: u64,
    pub creators: u64,
    pub words: u64,
}

pub trait StatsStore {
    async fn counts(&self, viewer: Viewer) -> Result<ArchiveCounts, StoreError>;
}

/// What a search index reads: works of any visibility (the index keeps its own visibility
/// fields), fully loaded.
pub trait IndexSource {
    async fn works_for_index(&self, ids: &[WorkId]) -> Result<Vec<Work>, StoreError>;
    /// Works with ids above `after`, by id, at most `limit`: for rebuilding an index. Their
    /// tags come from `known` (the index's own tag graph) where it has them, and from the
    /// database where it does not: a work has some fifteen tags, and reading each tag's row
    /// again for every work was most of a reindex's time.
    async fn works_for_index_after(
        &self,
        after: WorkId,
        limit: u32,
        known: &(dyn Fn(TagId) -> Option<Tag> + Sync),
    ) -> Result<Vec<Work>, StoreError>;
}

/// One change readers can see: the work it touched and the work's version after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub work: WorkId,
    pub version: i64,
    /// Only the work's counts changed (kudos, comments), or its page alone.
    pub counts_only: bool,
}

/// The outbox (DESIGN.md): every write that changes what readers see adds an entry in the
/// same transaction. Caches and search indexes follow it.
pub trait OutboxStore {
    /// Entries with ids above `after`, oldest first, at most `limit`.
    async fn outbox_after(&self, after: i64, limit: u32) -> Result<Vec<OutboxEntry>, StoreError>;
    /// The highest entry id so far (0 when empty).
    async fn outbox_head(&self) -> Result<i64, StoreError>;
}

/// Each name once, ignoring case; the first spelling and place kept.
fn once_each(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        if !out.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
            out.push(name);
        }
    }
    out
}
