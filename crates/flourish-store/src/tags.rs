//! Tags and wrangling.

use crate::rows::{TagRow, tag_columns};
use crate::traits::{Page, TagStore};
use crate::works::Listing;
use crate::{Store, StoreError, name_key, now, with_db};
use flourish_core::tag::validate_tag_name;
use flourish_core::{Tag, TagId, TagKind, Viewer, Work};

impl Store {
    /// Bumps the version of every work carrying `tag` and queues them for reindexing,
    /// because wrangling changes what filters those works match.
    async fn touch_works_tagged(&self, tag: TagId) -> Result<(), StoreError> {
        let at = now();
        with_db!(self, db => {
            let mut tx = db.begin().await?;
            sqlx::query("UPDATE works SET version = version + 1 WHERE id IN (SELECT work_id FROM work_tags WHERE tag_id = $1)")
                .bind(tag.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO outbox (work_id, version, created_at) \
                 SELECT w.id, w.version, $2 FROM works w WHERE w.id IN (SELECT work_id FROM work_tags WHERE tag_id = $1)",
            )
            .bind(tag.0)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }
}

impl TagStore for Store {
    async fn tag(&self, id: TagId) -> Result<Option<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t WHERE t.id = $1");
        let row: Option<TagRow> = with_db!(self, db => sqlx::query_as(SQL).bind(id.0).fetch_optional(db).await?);
        Ok(row.map(TagRow::into_tag))
    }

    async fn tag_by_name(&self, name: &str) -> Result<Option<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t WHERE t.name_key = $1");
        let row: Option<TagRow> =
            with_db!(self, db => sqlx::query_as(SQL).bind(name_key(name)).fetch_optional(db).await?);
        Ok(row.map(TagRow::into_tag))
    }

    async fn find_or_create_tag(&self, name: &str, kind: TagKind) -> Result<Tag, StoreError> {
        let name = name.trim();
        validate_tag_name(name, self.limits.tag_name).map_err(|e| StoreError::invalid("name", format!("{e}.")))?;
        if !kind.is_user_defined() {
            return self.tag_by_name(name).await?.ok_or(StoreError::NotFound("tag"));
        }
        with_db!(self, db => {
            sqlx::query(
                "INSERT INTO tags (name, name_key, kind, canonical, created_at) VALUES ($1, $2, $3, FALSE, $4) \
                 ON CONFLICT (name_key) DO NOTHING",
            )
            .bind(name)
            .bind(name_key(name))
            .bind(kind.as_str())
            .bind(now())
            .execute(db)
            .await?;
        });
        self.tag_by_name(name).await?.ok_or(StoreError::NotFound("tag"))
    }

    async fn set_canonical(&self, tag: TagId, canonical: bool) -> Result<(), StoreError> {
        let current = self.tag(tag).await?.ok_or(StoreError::NotFound("tag"))?;
        if canonical && current.synonym_of.is_some() {
            return Err(StoreError::Conflict(format!("{} is a synonym; a synonym cannot be canonical.", current.name)));
        }
        let changed = with_db!(self, db => {
            sqlx::query("UPDATE tags SET canonical = $2 WHERE id = $1").bind(tag.0).bind(canonical).execute(db).await?.rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::NotFound("tag"));
        }
        self.touch_works_tagged(tag).await
    }

    async fn make_synonym(&self, tag: TagId, canonical: TagId) -> Result<(), StoreError> {
        let this = self.tag(tag).await?.ok_or(StoreError::NotFound("tag"))?;
        let target = self.tag(canonical).await?.ok_or(StoreError::NotFound("tag"))?;
        if tag == canonical {
            return Err(StoreError::Conflict("A tag cannot be a synonym of itself.".into()));
        }
        if !target.canonical {
            return Err(StoreError::Conflict(format!(
                "{} is not canonical; synonyms need a canonical tag.",
                target.name
            )));
        }
        if this.kind != target.kind || !this.kind.is_user_defined() {
            return Err(StoreError::Conflict(format!(
                "{} and {} are not tags of the same user-defined kind.",
                this.name, target.name
            )));
        }
        with_db!(self, db => {
            let mut tx = db.begin().await?;
            // The tag's own synonyms follow it to its new canonical.
            sqlx::query("UPDATE tags SET synonym_of = $2 WHERE synonym_of = $1")
                .bind(tag.0)
                .bind(canonical.0)
                .execute(&mut *tx)
                .await?;
            sqlx::query("UPDATE tags SET synonym_of = $2, canonical = FALSE WHERE id = $1")
                .bind(tag.0)
                .bind(canonical.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.touch_works_tagged(tag).await
    }

    async fn synonyms(&self, canonical: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t WHERE t.synonym_of = $1 ORDER BY t.name");
        let rows: Vec<TagRow> = with_db!(self, db => sqlx::query_as(SQL).bind(canonical.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(TagRow::into_tag).collect())
    }

    async fn works_with_tag(
        &self,
        tag: TagId,
        viewer: Viewer,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Work>, StoreError> {
        let tag = self.tag(tag).await?.ok_or(StoreError::NotFound("tag"))?;
        let canonical = tag.synonym_of.unwrap_or(tag.id);
        self.list_works(Listing::Tag(canonical.0), viewer, page, per_page).await
    }
}
