//! Kudos: one per account per work, one per guest per work.

use super::{blocked_by_creator, check_active, creator_users, standing, work_is_open};
use crate::changes::{Changed, works_changed};
use crate::{Store, StoreError, now, with_db};
use flourish_core::{UserId, WorkId};

/// Who is giving kudos.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KudosGiver {
    Member(UserId),
    /// A keyed hash of the guest's address and the work (see the web crate's
    /// `visitor_key`): never the address.
    Guest(String),
}

/// Members who gave a work kudos, newest first. The counts, guests' too, are the work's
/// (`WorkStats`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KudosList {
    pub names: Vec<String>,
    /// More names than were asked for.
    pub more: bool,
}

pub trait KudosStore {
    /// Leaves kudos. A second time is a `Conflict` that says so and changes nothing; a
    /// creator, a suspended account or a blocked one is `Forbidden`; a work the giver may
    /// not see is `NotFound`. Returns the work's kudos after it.
    async fn give_kudos(&self, work: WorkId, giver: &KudosGiver) -> Result<u64, StoreError>;
    /// Members who gave kudos, newest first, from `offset`, at most `limit`.
    async fn kudos_list(&self, work: WorkId, offset: u32, limit: u32) -> Result<KudosList, StoreError>;
    async fn has_given_kudos(&self, work: WorkId, user: UserId) -> Result<bool, StoreError>;
}

const ALREADY: &str = "You have already left kudos here. :)";

impl KudosStore for Store {
    async fn give_kudos(&self, work: WorkId, giver: &KudosGiver) -> Result<u64, StoreError> {
        let at = now();
        let total = with_db!(self, db => {
            let mut tx = db.begin_write().await?;
            let row: Option<(bool, bool, bool)> =
                sqlx::query_as("SELECT posted, hidden, restricted FROM works WHERE id = $1")
                    .bind(work.0)
                    .fetch_optional(&mut *tx)
                    .await?;
            let Some((posted, hidden, restricted)) = row else { return Err(StoreError::NotFound("work")) };
            if !work_is_open(posted, hidden, restricted, matches!(giver, KudosGiver::Member(_))) {
                return Err(StoreError::NotFound("work"));
            }
            let inserted = match giver {
                KudosGiver::Member(user) => {
                    let Some((status, _)) = standing!(tx, user.0) else { return Err(StoreError::NotFound("account")) };
                    check_active(&status)?;
                    if creator_users!(tx, work.0).contains(&user.0) {
                        return Err(StoreError::Forbidden("You can't leave kudos on your own work.".into()));
                    }
                    if blocked_by_creator!(tx, work.0, user.0) {
                        return Err(StoreError::Forbidden(super::BLOCKED_MESSAGE.into()));
                    }
                    sqlx::query("INSERT INTO kudos (work_id, user_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                        .bind(work.0)
                        .bind(user.0)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?
                }
                KudosGiver::Guest(key) => {
                    sqlx::query("INSERT INTO kudos (work_id, guest_key, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                        .bind(work.0)
                        .bind(key)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?
                }
            };
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Conflict(ALREADY.into()));
            }
            let guest = i64::from(matches!(giver, KudosGiver::Guest(_)));
            let (total,): (i64,) =
                sqlx::query_as("UPDATE works SET kudos = kudos + 1, guest_kudos = guest_kudos + $2 WHERE id = $1 RETURNING kudos")
                    .bind(work.0)
                    .bind(guest)
                    .fetch_one(&mut *tx)
                    .await?;
            works_changed(&mut tx, Changed::Work(work.0), at).await?;
            tx.commit().await?;
            total
        });
        Ok(total.max(0) as u64)
    }

    async fn kudos_list(&self, work: WorkId, offset: u32, limit: u32) -> Result<KudosList, StoreError> {
        let names: Vec<(String,)> = with_db!(self, db => {
            sqlx::query_as(
                "SELECT u.username FROM kudos k JOIN users u ON u.id = k.user_id WHERE k.work_id = $1 \
                 ORDER BY k.id DESC LIMIT $2 OFFSET $3",
            )
            .bind(work.0)
            .bind(i64::from(limit) + 1)
            .bind(i64::from(offset))
            .fetch_all(db)
            .await?
        });
        let more = names.len() > limit as usize;
        Ok(KudosList { names: names.into_iter().take(limit as usize).map(|(n,)| n).collect(), more })
    }

    async fn has_given_kudos(&self, work: WorkId, user: UserId) -> Result<bool, StoreError> {
        let found: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT id FROM kudos WHERE work_id = $1 AND user_id = $2").bind(work.0).bind(user.0).fetch_optional(db).await?
        });
        Ok(found.is_some())
    }
}
