//! Kudos: one per account per work, one per guest per work.

use super::{blocked_sql, check_active, credited_sql, work_is_open};
use crate::changes::{Changed, works_changed};
use crate::{Store, StoreError, now, with_db};
use flourish_core::{UserId, WorkId};
use std::sync::{Arc, OnceLock};
use tokio::sync::{mpsc, oneshot};

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
    /// The works `user` gave kudos to and when, newest first (their own data export).
    async fn kudos_given(&self, user: UserId) -> Result<Vec<(WorkId, i64)>, StoreError>;
}

const ALREADY: &str = "You have already left kudos here. :)";

/// Why kudos were not given, from the work's and the giver's row: the same rules as the
/// insert's conditions, in words. Nothing wrong means they were given before.
fn refusal(row: Option<(bool, bool, bool, Option<String>, bool, bool)>, member: bool) -> StoreError {
    let Some((posted, hidden, restricted, status, credited, blocked)) = row else {
        return StoreError::NotFound("work");
    };
    if !work_is_open(posted, hidden, restricted, member) {
        return StoreError::NotFound("work");
    }
    if member {
        let Some(status) = status else { return StoreError::NotFound("account") };
        if let Err(e) = check_active(&status) {
            return e;
        }
        if credited {
            return StoreError::Forbidden("You can't leave kudos on your own work.".into());
        }
        if blocked {
            return StoreError::Forbidden(super::BLOCKED_MESSAGE.into());
        }
    }
    StoreError::Conflict(ALREADY.into())
}

/// Gives one kudos inside transaction `$tx`: evaluates to its outcome (the work's new
/// total, or why not); a database error returns from the caller.
macro_rules! kudos_in {
    ($tx:expr, $work:expr, $giver:expr, $at:expr) => {{
        let (work, giver, at): (WorkId, &KudosGiver, i64) = ($work, $giver, $at);
        let tx = &mut $tx;
        // The insert carries every check, so kudos that may be given cost one statement:
        // each is a round trip to SQLite's thread, and under 64 clients those trips were
        // most of a kudos's cost. Only a refused one reads again, to say why.
        let inserted = match giver {
            KudosGiver::Member(user) => sqlx::query(concat!(
                "INSERT INTO kudos (work_id, user_id, created_at) SELECT w.id, $2, $3 FROM works w \
                 WHERE w.id = $1 AND w.posted = TRUE AND w.hidden = FALSE \
                 AND EXISTS (SELECT 1 FROM users WHERE id = $2 AND status = 'active') AND NOT ",
                credited_sql!(),
                " AND NOT ",
                blocked_sql!(),
                " ON CONFLICT DO NOTHING"
            ))
            .bind(work.0)
            .bind(user.0)
            .bind(at)
            .execute(&mut **tx)
            .await?,
            KudosGiver::Guest(key) => sqlx::query(
                "INSERT INTO kudos (work_id, guest_key, created_at) SELECT w.id, $2, $3 FROM works w \
                 WHERE w.id = $1 AND w.posted = TRUE AND w.hidden = FALSE AND w.restricted = FALSE ON CONFLICT DO NOTHING",
            )
            .bind(work.0)
            .bind(key)
            .bind(at)
            .execute(&mut **tx)
            .await?,
        };
        if inserted.rows_affected() == 0 {
            let member = match giver {
                KudosGiver::Member(user) => Some(user.0),
                KudosGiver::Guest(_) => None,
            };
            let row: Option<(bool, bool, bool, Option<String>, bool, bool)> = sqlx::query_as(concat!(
                "SELECT w.posted, w.hidden, w.restricted, (SELECT status FROM users WHERE id = $2), ",
                credited_sql!(),
                ", ",
                blocked_sql!(),
                " FROM works w WHERE w.id = $1"
            ))
            .bind(work.0)
            .bind(member.unwrap_or(0))
            .fetch_optional(&mut **tx)
            .await?;
            Err(refusal(row, member.is_some()))
        } else {
            let guest = i64::from(matches!(giver, KudosGiver::Guest(_)));
            let (total,): (i64,) =
                sqlx::query_as("UPDATE works SET kudos = kudos + 1, guest_kudos = guest_kudos + $2 WHERE id = $1 RETURNING kudos")
                    .bind(work.0)
                    .bind(guest)
                    .fetch_one(&mut **tx)
                    .await?;
            works_changed(tx, Changed::Counts(work.0), at).await?;
            Ok(total.max(0) as u64)
        }
    }};
}

/// Kudos waiting for the writer.
pub(crate) struct Pending {
    work: WorkId,
    giver: KudosGiver,
    reply: oneshot::Sender<Result<u64, StoreError>>,
}

/// Kudos taken into one transaction at most.
const BATCH: usize = 64;

/// The kudos writer's queue. Kudos that arrive together share one transaction (group
/// commit): a kudos is a handful of statements, each a round trip to SQLite's thread, and
/// with 64 clients the BEGIN, the COMMIT and the wait for the write turn around each were a
/// good part of its cost. Each kudos still gets its own answer; if the shared transaction
/// fails, each is tried alone.
pub(crate) type KudosWriter = Arc<OnceLock<mpsc::Sender<Pending>>>;

async fn write_kudos(store: Store, mut queue: mpsc::Receiver<Pending>) {
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let items: Vec<(WorkId, &KudosGiver)> = batch.iter().map(|p| (p.work, &p.giver)).collect();
        match store.kudos_batch(&items).await {
            Ok(outcomes) => {
                for (pending, outcome) in batch.into_iter().zip(outcomes) {
                    let _ = pending.reply.send(outcome);
                }
            }
            Err(_) => {
                for pending in batch {
                    let _ = pending.reply.send(store.kudos_alone(pending.work, &pending.giver).await);
                }
            }
        }
    }
}

impl Store {
    /// Gives each kudos in one transaction: the outcome of each, or the error that undid them all.
    async fn kudos_batch(&self, items: &[(WorkId, &KudosGiver)]) -> Result<Vec<Result<u64, StoreError>>, StoreError> {
        let at = now();
        let outcomes = with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let mut outcomes = Vec::with_capacity(items.len());
            for (work, giver) in items {
                outcomes.push(kudos_in!(tx, *work, *giver, at));
            }
            tx.commit().await?;
            outcomes
        });
        Ok(outcomes)
    }

    /// One kudos in a transaction of its own.
    async fn kudos_alone(&self, work: WorkId, giver: &KudosGiver) -> Result<u64, StoreError> {
        self.kudos_batch(&[(work, giver)]).await?.pop().unwrap_or(Err(StoreError::NotFound("work")))
    }
}

impl KudosStore for Store {
    async fn give_kudos(&self, work: WorkId, giver: &KudosGiver) -> Result<u64, StoreError> {
        let writer = self
            .kudos
            .get_or_init(|| {
                let (sender, queue) = mpsc::channel(1024);
                tokio::spawn(write_kudos(self.clone(), queue));
                sender
            })
            .clone();
        let (reply, answer) = oneshot::channel();
        // The writer ends with the runtime that started it; a store used after that (or
        // from another runtime) writes its kudos itself.
        if writer.send(Pending { work, giver: giver.clone(), reply }).await.is_err() {
            return self.kudos_alone(work, giver).await;
        }
        match answer.await {
            Ok(outcome) => outcome,
            Err(_) => self.kudos_alone(work, giver).await,
        }
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

    async fn kudos_given(&self, user: UserId) -> Result<Vec<(WorkId, i64)>, StoreError> {
        let rows: Vec<(i64, i64)> = with_db!(self, db => {
            sqlx::query_as("SELECT work_id, created_at FROM kudos WHERE user_id = $1 ORDER BY created_at DESC, id DESC")
                .bind(user.0)
                .fetch_all(db)
                .await?
        });
        Ok(rows.into_iter().map(|(w, at)| (WorkId(w), at)).collect())
    }

    async fn has_given_kudos(&self, work: WorkId, user: UserId) -> Result<bool, StoreError> {
        let found: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT id FROM kudos WHERE work_id = $1 AND user_id = $2").bind(work.0).bind(user.0).fetch_optional(db).await?
        });
        Ok(found.is_some())
    }
}
