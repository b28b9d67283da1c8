//! Filter profiles: saved by name, tags and creators resolved to ids when saved (an unknown
//! name is an error the reader sees, not a filter that silently does nothing), and turned
//! into a [`MuteSet`] for the search index when a listing is asked for.

use crate::{Store, StoreError, now, with_db};
use flourish_core::filter_profile::{MAX_MUTED, MAX_PROFILES};
use flourish_core::{FilterProfile, MuteSet, UserId};

pub trait FilterStore {
    /// Creates a profile (`id` None) or rewrites one of the account's own. Making one the
    /// default makes the others not.
    async fn save_filter_profile(
        &self,
        user: UserId,
        id: Option<i64>,
        profile: &FilterProfile,
    ) -> Result<i64, StoreError>;
    async fn filter_profiles(&self, user: UserId) -> Result<Vec<FilterProfile>, StoreError>;
    async fn delete_filter_profile(&self, user: UserId, id: i64) -> Result<(), StoreError>;
    /// What a profile hides (the default one when `id` is None), ready for the index:
    /// None when there is no such profile.
    async fn mute_set(&self, user: UserId, id: Option<i64>) -> Result<Option<MuteSet>, StoreError>;
}

#[derive(sqlx::FromRow)]
struct ProfileRow {
    id: i64,
    name: String,
    is_default: bool,
    hide_read: bool,
    hide_kudosed: bool,
    hide_anonymous: bool,
    max_fandoms: Option<i64>,
}

/// (profile id, name) rows: a profile's muted tags or creators.
type Named = Vec<(i64, String)>;
/// A profile and the ids it hides: tags, creators, works.
type Resolved = (ProfileRow, Vec<(i64,)>, Vec<(i64,)>, Vec<(i64,)>);

/// Names cleaned: trimmed, empty ones and repeats (by key) dropped.
fn names(list: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.iter()
        .flat_map(|n| n.split(','))
        .map(str::trim)
        .filter(|n| !n.is_empty() && seen.insert(crate::name_key(n)))
        .map(str::to_owned)
        .collect()
}

impl FilterStore for Store {
    async fn save_filter_profile(
        &self,
        user: UserId,
        id: Option<i64>,
        profile: &FilterProfile,
    ) -> Result<i64, StoreError> {
        let name = profile.name.trim();
        let mut errors = flourish_core::ValidationErrors::default();
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("name", "Give the profile a name of up to 100 characters.");
        }
        let tags = names(&profile.exclude_tags);
        let creators = names(&profile.exclude_creators);
        if tags.len() > MAX_MUTED {
            errors.add(
                "exclude_tags",
                format!("A profile can mute at most {MAX_MUTED} tags (this one has {}).", tags.len()),
            );
        }
        if creators.len() > MAX_MUTED {
            errors.add(
                "exclude_creators",
                format!("A profile can mute at most {MAX_MUTED} creators (this one has {}).", creators.len()),
            );
        }
        if profile.max_fandoms.is_some_and(|n| n == 0 || n > 1_000) {
            errors.add("max_fandoms", "Hide crossovers over a number of fandoms from 1.");
        }
        if !errors.0.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let at = now();
        let saved = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            // Names to ids; every unknown one is reported at once.
            let mut tag_ids = Vec::with_capacity(tags.len());
            let mut unknown = Vec::new();
            for tag in &tags {
                let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM tags WHERE name_key = $1")
                    .bind(crate::name_key(tag))
                    .fetch_optional(&mut *tx)
                    .await?;
                match found {
                    Some((id,)) => tag_ids.push(id),
                    None => unknown.push(tag.as_str()),
                }
            }
            let mut user_ids = Vec::with_capacity(creators.len());
            let mut nobody = Vec::new();
            for creator in &creators {
                let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE username_key = $1")
                    .bind(crate::name_key(creator))
                    .fetch_optional(&mut *tx)
                    .await?;
                match found {
                    Some((id,)) => user_ids.push(id),
                    None => nobody.push(creator.as_str()),
                }
            }
            let mut errors = flourish_core::ValidationErrors::default();
            if !unknown.is_empty() {
                errors.add("exclude_tags", format!("No tag is named {}.", unknown.join(", ")));
            }
            if !nobody.is_empty() {
                errors.add("exclude_creators", format!("No account is named {}.", nobody.join(", ")));
            }
            if !errors.0.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
            let clash: Option<(i64,)> = sqlx::query_as("SELECT id FROM filter_profiles WHERE user_id = $1 AND name_key = $2")
                .bind(user.0)
                .bind(crate::name_key(name))
                .fetch_optional(&mut *tx)
                .await?;
            if clash.is_some_and(|(other,)| Some(other) != id) {
                return Err(StoreError::Conflict(format!("You already have a filter profile named {name}.")));
            }
            if profile.is_default {
                sqlx::query("UPDATE filter_profiles SET is_default = FALSE WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            }
            let max = profile.max_fandoms.map(i64::from);
            let id = match id {
                Some(id) => {
                    let done: Option<(i64,)> = sqlx::query_as(
                        "UPDATE filter_profiles SET name = $3, name_key = $4, is_default = $5, hide_read = $6, hide_kudosed = $7, \
                         hide_anonymous = $8, max_fandoms = $9, updated_at = $10 WHERE id = $1 AND user_id = $2 RETURNING id",
                    )
                    .bind(id)
                    .bind(user.0)
                    .bind(name)
                    .bind(crate::name_key(name))
                    .bind(profile.is_default)
                    .bind(profile.hide_read)
                    .bind(profile.hide_kudosed)
                    .bind(profile.hide_anonymous)
                    .bind(max)
                    .bind(at)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some((id,)) = done else { return Err(StoreError::NotFound("filter profile")) };
                    sqlx::query("DELETE FROM filter_profile_tags WHERE profile_id = $1").bind(id).execute(&mut *tx).await?;
                    sqlx::query("DELETE FROM filter_profile_creators WHERE profile_id = $1").bind(id).execute(&mut *tx).await?;
                    id
                }
                None => {
                    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM filter_profiles WHERE user_id = $1")
                        .bind(user.0)
                        .fetch_one(&mut *tx)
                        .await?;
                    if count as usize >= MAX_PROFILES {
                        return Err(StoreError::Conflict(format!("You have {MAX_PROFILES} filter profiles, the most you can; delete one first.")));
                    }
                    let (id,): (i64,) = sqlx::query_as(
                        "INSERT INTO filter_profiles (user_id, name, name_key, is_default, hide_read, hide_kudosed, hide_anonymous, \
                         max_fandoms, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                    )
                    .bind(user.0)
                    .bind(name)
                    .bind(crate::name_key(name))
                    .bind(profile.is_default)
                    .bind(profile.hide_read)
                    .bind(profile.hide_kudosed)
                    .bind(profile.hide_anonymous)
                    .bind(max)
                    .bind(at)
                    .fetch_one(&mut *tx)
                    .await?;
                    id
                }
            };
            for tag in &tag_ids {
                sqlx::query("INSERT INTO filter_profile_tags (profile_id, tag_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(*tag)
                    .execute(&mut *tx)
                    .await?;
            }
            for muted in &user_ids {
                sqlx::query("INSERT INTO filter_profile_creators (profile_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(*muted)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            id
        });
        Ok(saved)
    }

    async fn filter_profiles(&self, user: UserId) -> Result<Vec<FilterProfile>, StoreError> {
        let (rows, tags, creators): (Vec<ProfileRow>, Named, Named) = with_db!(self, db => {
            let rows = sqlx::query_as(
                "SELECT id, name, is_default, hide_read, hide_kudosed, hide_anonymous, max_fandoms FROM filter_profiles \
                 WHERE user_id = $1 ORDER BY is_default DESC, name_key",
            )
            .bind(user.0)
            .fetch_all(db)
            .await?;
            let tags = sqlx::query_as(
                "SELECT ft.profile_id, t.name FROM filter_profile_tags ft JOIN tags t ON t.id = ft.tag_id \
                 JOIN filter_profiles f ON f.id = ft.profile_id WHERE f.user_id = $1 ORDER BY t.name_key",
            )
            .bind(user.0)
            .fetch_all(db)
            .await?;
            let creators = sqlx::query_as(
                "SELECT fc.profile_id, u.username FROM filter_profile_creators fc JOIN users u ON u.id = fc.user_id \
                 JOIN filter_profiles f ON f.id = fc.profile_id WHERE f.user_id = $1 ORDER BY u.username_key",
            )
            .bind(user.0)
            .fetch_all(db)
            .await?;
            (rows, tags, creators)
        });
        Ok(rows
            .into_iter()
            .map(|r| FilterProfile {
                exclude_tags: tags.iter().filter(|(p, _)| *p == r.id).map(|(_, n)| n.clone()).collect(),
                exclude_creators: creators.iter().filter(|(p, _)| *p == r.id).map(|(_, n)| n.clone()).collect(),
                id: r.id,
                name: r.name,
                is_default: r.is_default,
                hide_read: r.hide_read,
                hide_kudosed: r.hide_kudosed,
                hide_anonymous: r.hide_anonymous,
                max_fandoms: r.max_fandoms.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
            })
            .collect())
    }

    async fn delete_filter_profile(&self, user: UserId, id: i64) -> Result<(), StoreError> {
        let done = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query("DELETE FROM filter_profiles WHERE id = $1 AND user_id = $2").bind(id).bind(user.0).execute(&mut *tx).await?;
            tx.commit().await?;
            done.rows_affected()
        });
        if done == 0 {
            return Err(StoreError::NotFound("filter profile"));
        }
        Ok(())
    }

    async fn mute_set(&self, user: UserId, id: Option<i64>) -> Result<Option<MuteSet>, StoreError> {
        let which = if id.is_some() { "id = $2" } else { "is_default = TRUE AND $2 = $2" };
        let sql = format!(
            "SELECT id, name, is_default, hide_read, hide_kudosed, hide_anonymous, max_fandoms FROM filter_profiles \
             WHERE user_id = $1 AND {which}"
        );
        let found: Option<Resolved> = with_db!(self, db => {
            let row: Option<ProfileRow> =
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user.0).bind(id.unwrap_or(0)).fetch_optional(db).await?;
            match row {
                None => None,
                Some(row) => {
                    let tags = sqlx::query_as("SELECT tag_id FROM filter_profile_tags WHERE profile_id = $1").bind(row.id).fetch_all(db).await?;
                    let creators =
                        sqlx::query_as("SELECT user_id FROM filter_profile_creators WHERE profile_id = $1").bind(row.id).fetch_all(db).await?;
                    let mut works: Vec<(i64,)> = Vec::new();
                    if row.hide_read {
                        works.extend(sqlx::query_as::<_, (i64,)>("SELECT work_id FROM readings WHERE user_id = $1").bind(user.0).fetch_all(db).await?);
                    }
                    if row.hide_kudosed {
                        works.extend(sqlx::query_as::<_, (i64,)>("SELECT work_id FROM kudos WHERE user_id = $1").bind(user.0).fetch_all(db).await?);
                    }
                    Some((row, tags, creators, works))
                }
            }
        });
        Ok(found.map(|(row, tags, creators, works)| {
            let mut works: Vec<i64> = works.into_iter().map(|(w,)| w).collect();
            works.sort_unstable();
            works.dedup();
            MuteSet {
                profile: row.id,
                name: row.name,
                tags: tags.into_iter().map(|(t,)| t).collect(),
                creators: creators.into_iter().map(|(u,)| u).collect(),
                works,
                anonymous: row.hide_anonymous,
                max_fandoms: row.max_fandoms.map(|n| n.clamp(0, i64::from(u32::MAX)) as u32),
            }
        }))
    }
}
