//! Tags and wrangling.

use crate::changes::{Changed, works_changed};
use crate::rows::{TagRow, tag_columns};
use crate::traits::{Page, TagStore};
use crate::works::Listing;
use crate::{Store, StoreError, name_key, now, placeholders, with_db};
use flourish_core::tag::validate_tag_name;
use flourish_core::{Tag, TagId, TagKind, Viewer, Work};
use sqlx::AssertSqlSafe;

impl Store {
    /// Says the tag graph changed; see `wrangling_generation` in the migrations.
    async fn bump_wrangling(&self) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE wrangling_generation SET value = value + 1 WHERE id = 1").execute(db).await?;
        });
        Ok(())
    }

    /// Bumps the version of every work carrying any of `tags` and queues them for
    /// reindexing, because wrangling changed what filters those works match.
    async fn touch_works_tagged(&self, tags: &[i64]) -> Result<(), StoreError> {
        if tags.is_empty() {
            return Ok(());
        }
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            works_changed(&mut tx, Changed::TaggedWith(tags), at).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// A canonical tag, every subtag below it (transitively) and all their synonyms: the
    /// tags whose works match a filter on `tag`.
    async fn tags_under(&self, tag: TagId) -> Result<Vec<i64>, StoreError> {
        let edges = self.meta_edges().await?;
        let mut under = vec![tag.0];
        let mut i = 0;
        while i < under.len() {
            let meta = under[i];
            for (sub, m) in &edges {
                if m.0 == meta && !under.contains(&sub.0) {
                    under.push(sub.0);
                }
            }
            i += 1;
        }
        let ids_in = placeholders(1, under.len());
        let sql = format!("SELECT id FROM tags WHERE synonym_of IN ({ids_in})");
        let synonyms: Vec<(i64,)> = with_db!(self, db => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql));
            for id in &under {
                q = q.bind(id);
            }
            q.fetch_all(db).await?
        });
        under.extend(synonyms.into_iter().map(|(id,)| id));
        Ok(under)
    }

    async fn canonical_tag(&self, id: TagId, role: &str) -> Result<Tag, StoreError> {
        let tag = self.tag(id).await?.ok_or(StoreError::NotFound("tag"))?;
        if !tag.canonical {
            return Err(StoreError::Conflict(format!(
                "{} is not canonical; {role} must be a canonical tag.",
                tag.name
            )));
        }
        Ok(tag)
    }

    async fn tags_by_sql(&self, sql: &'static str, id: TagId) -> Result<Vec<Tag>, StoreError> {
        let rows: Vec<TagRow> = with_db!(self, db => sqlx::query_as(sql).bind(id.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(TagRow::into_tag).collect())
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

    async fn canonical_name(&self, name: &str) -> Result<String, StoreError> {
        let row: Option<(Option<String>,)> = with_db!(self, db => {
            sqlx::query_as("SELECT c.name FROM tags t LEFT JOIN tags c ON c.id = t.synonym_of WHERE t.name_key = $1")
                .bind(name_key(name))
                .fetch_optional(db)
                .await?
        });
        Ok(row.and_then(|(c,)| c).unwrap_or_else(|| name.to_owned()))
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
        self.bump_wrangling().await?;
        self.touch_works_tagged(&[tag.0]).await
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
        // Works tagged with this tag or its synonyms now filter as the new canonical.
        let moved = self.tags_under(tag).await?;
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
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
            // Its place in the hierarchy passes to the canonical it merged into.
            sqlx::query("DELETE FROM meta_tags WHERE sub_id = $1 OR meta_id = $1").bind(tag.0).execute(&mut *tx).await?;
            sqlx::query("UPDATE wrangling_generation SET value = value + 1 WHERE id = 1").execute(&mut *tx).await?;
            tx.commit().await?;
        });
        self.touch_works_tagged(&moved).await
    }

    async fn synonyms(&self, canonical: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t WHERE t.synonym_of = $1 ORDER BY t.name");
        let rows: Vec<TagRow> = with_db!(self, db => sqlx::query_as(SQL).bind(canonical.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(TagRow::into_tag).collect())
    }

    async fn add_metatag(&self, sub: TagId, meta: TagId) -> Result<(), StoreError> {
        let sub_tag = self.canonical_tag(sub, "a subtag").await?;
        let meta_tag = self.canonical_tag(meta, "a metatag").await?;
        if sub_tag.kind != meta_tag.kind {
            return Err(StoreError::Conflict(format!(
                "{} and {} are different kinds of tag; a metatag has the kind of its subtags.",
                sub_tag.name, meta_tag.name
            )));
        }
        // A cycle would make every tag in it match every other: refuse it.
        if self.tags_under(sub).await?.contains(&meta.0) {
            return Err(StoreError::Conflict(format!(
                "{} is already below {}; making it a metatag would create a loop.",
                meta_tag.name, sub_tag.name
            )));
        }
        with_db!(self, db => {
            sqlx::query("INSERT INTO meta_tags (sub_id, meta_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(sub.0)
                .bind(meta.0)
                .execute(db)
                .await?;
        });
        self.bump_wrangling().await?;
        let under = self.tags_under(sub).await?;
        self.touch_works_tagged(&under).await
    }

    async fn remove_metatag(&self, sub: TagId, meta: TagId) -> Result<(), StoreError> {
        let removed = with_db!(self, db => {
            sqlx::query("DELETE FROM meta_tags WHERE sub_id = $1 AND meta_id = $2")
                .bind(sub.0)
                .bind(meta.0)
                .execute(db)
                .await?
                .rows_affected()
        });
        if removed == 0 {
            return Err(StoreError::NotFound("metatag link"));
        }
        self.bump_wrangling().await?;
        let under = self.tags_under(sub).await?;
        self.touch_works_tagged(&under).await
    }

    async fn add_parent(&self, child: TagId, parent: TagId) -> Result<(), StoreError> {
        let child_tag = self.tag(child).await?.ok_or(StoreError::NotFound("tag"))?;
        let parent_tag = self.canonical_tag(parent, "a parent").await?;
        let fits = match parent_tag.kind {
            TagKind::Fandom => {
                matches!(child_tag.kind, TagKind::Character | TagKind::Relationship | TagKind::Freeform)
            }
            TagKind::Character => child_tag.kind == TagKind::Relationship,
            _ => false,
        };
        if !fits {
            return Err(StoreError::Conflict(format!(
                "A {} cannot be the parent of a {}: fandoms are parents of characters, relationships and \
                 additional tags, and characters are parents of relationships.",
                parent_tag.kind.label(1).to_lowercase(),
                child_tag.kind.label(1).to_lowercase()
            )));
        }
        with_db!(self, db => {
            sqlx::query("INSERT INTO tag_parents (child_id, parent_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(child.0)
                .bind(parent.0)
                .execute(db)
                .await?;
        });
        self.bump_wrangling().await
    }

    async fn metatags(&self, tag: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            tag_columns!(),
            " FROM meta_tags m JOIN tags t ON t.id = m.meta_id WHERE m.sub_id = $1 ORDER BY t.name"
        );
        self.tags_by_sql(SQL, tag).await
    }

    async fn subtags(&self, tag: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            tag_columns!(),
            " FROM meta_tags m JOIN tags t ON t.id = m.sub_id WHERE m.meta_id = $1 ORDER BY t.name"
        );
        self.tags_by_sql(SQL, tag).await
    }

    async fn parents(&self, tag: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            tag_columns!(),
            " FROM tag_parents p JOIN tags t ON t.id = p.parent_id WHERE p.child_id = $1 ORDER BY t.kind, t.name"
        );
        self.tags_by_sql(SQL, tag).await
    }

    async fn children(&self, tag: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            tag_columns!(),
            " FROM tag_parents p JOIN tags t ON t.id = p.child_id WHERE p.parent_id = $1 ORDER BY t.kind, t.name"
        );
        self.tags_by_sql(SQL, tag).await
    }

    async fn all_tags(&self) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t ORDER BY t.id");
        let rows: Vec<TagRow> = with_db!(self, db => sqlx::query_as(SQL).fetch_all(db).await?);
        Ok(rows.into_iter().map(TagRow::into_tag).collect())
    }

    async fn meta_edges(&self) -> Result<Vec<(TagId, TagId)>, StoreError> {
        let rows: Vec<(i64, i64)> = with_db!(self, db => {
            sqlx::query_as("SELECT sub_id, meta_id FROM meta_tags ORDER BY sub_id, meta_id").fetch_all(db).await?
        });
        Ok(rows.into_iter().map(|(s, m)| (TagId(s), TagId(m))).collect())
    }

    async fn tags_after(&self, after: TagId) -> Result<Vec<Tag>, StoreError> {
        const SQL: &str = concat!("SELECT ", tag_columns!(), " FROM tags t WHERE t.id > $1 ORDER BY t.id");
        let rows: Vec<TagRow> = with_db!(self, db => sqlx::query_as(SQL).bind(after.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(TagRow::into_tag).collect())
    }

    async fn wrangling_generation(&self) -> Result<i64, StoreError> {
        let (value,): (i64,) = with_db!(self, db => {
            sqlx::query_as("SELECT value FROM wrangling_generation WHERE id = 1").fetch_one(db).await?
        });
        Ok(value)
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
