//! Accounts and pseuds.

use crate::rows::{PseudRow, UserRow, pseud_columns};
use crate::traits::{Page, UserStore};
use crate::works::Listing;
use crate::{Store, StoreError, name_key, now, with_db};
use flourish_core::{Pseud, PseudId, User, UserId, Viewer, Work};

/// AO3's username rule: 3 to 40 letters, digits and underscores, starting and ending with a
/// letter or digit.
pub(crate) fn check_username(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    let ok_chars = name.chars().all(|c| c.is_alphanumeric() || c == '_');
    let ends_ok = name.chars().next().is_some_and(char::is_alphanumeric)
        && name.chars().last().is_some_and(char::is_alphanumeric);
    if !(3..=40).contains(&n) || !ok_chars || !ends_ok {
        return Err(StoreError::invalid(
            "username",
            "A username is 3 to 40 letters, numbers or underscores, and starts and ends with a letter or number.",
        ));
    }
    Ok(())
}

/// AO3's pseud rule: 1 to 40 letters, digits, spaces, underscores and hyphens.
fn check_pseud_name(name: &str) -> Result<(), StoreError> {
    let n = name.chars().count();
    if !(1..=40).contains(&n) || !name.chars().all(|c| c.is_alphanumeric() || " _-".contains(c)) || name.trim() != name
    {
        return Err(StoreError::invalid(
            "name",
            "A pseud is 1 to 40 letters, numbers, spaces, underscores or hyphens, with no space at either end.",
        ));
    }
    Ok(())
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

impl UserStore for Store {
    async fn create_user(&self, username: &str) -> Result<(User, Pseud), StoreError> {
        check_username(username)?;
        let at = now();
        let result: Result<(i64, i64), sqlx::Error> = with_db!(self, db => {
            async {
                let mut tx = db.begin().await?;
                let (user_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO users (username, username_key, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(username)
                .bind(name_key(username))
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                let (pseud_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO pseuds (user_id, name, name_key, is_default, created_at) VALUES ($1, $2, $3, TRUE, $4) RETURNING id",
                )
                .bind(user_id)
                .bind(username)
                .bind(name_key(username))
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok((user_id, pseud_id))
            }
            .await
        });
        let (user_id, pseud_id) = result.map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::invalid("username", format!("The username {username} is already taken."))
            } else {
                e.into()
            }
        })?;
        let user = User { id: UserId(user_id), username: username.to_owned(), created_at: crate::rows::ts(at) };
        let pseud = Pseud {
            id: PseudId(pseud_id),
            user_id: user.id,
            username: username.to_owned(),
            name: username.to_owned(),
            is_default: true,
            description: String::new(),
        };
        Ok((user, pseud))
    }

    async fn add_pseud(&self, user: UserId, name: &str) -> Result<Pseud, StoreError> {
        check_pseud_name(name)?;
        let result: Result<Option<(i64, String)>, sqlx::Error> = with_db!(self, db => {
            sqlx::query_as(
                "INSERT INTO pseuds (user_id, name, name_key, is_default, created_at) \
                 SELECT id, $2, $3, FALSE, $4 FROM users WHERE id = $1 \
                 RETURNING id, (SELECT username FROM users WHERE id = $1)",
            )
            .bind(user.0)
            .bind(name)
            .bind(name_key(name))
            .bind(now())
            .fetch_optional(db)
            .await
        });
        match result {
            Ok(Some((id, username))) => Ok(Pseud {
                id: PseudId(id),
                user_id: user,
                username,
                name: name.to_owned(),
                is_default: false,
                description: String::new(),
            }),
            Ok(None) => Err(StoreError::NotFound("user")),
            Err(e) if is_unique_violation(&e) => {
                Err(StoreError::invalid("name", format!("You already have a pseud named {name}.")))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn pseud(&self, username: &str, pseud: &str) -> Result<Option<Pseud>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            pseud_columns!(),
            " FROM pseuds p JOIN users u ON u.id = p.user_id ",
            "WHERE u.username_key = $1 AND p.name_key = $2"
        );
        let row: Option<PseudRow> = with_db!(self, db => {
            sqlx::query_as(SQL).bind(name_key(username)).bind(name_key(pseud)).fetch_optional(db).await?
        });
        Ok(row.map(PseudRow::into_pseud))
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> = with_db!(self, db => {
            sqlx::query_as("SELECT id, username, created_at FROM users WHERE username_key = $1")
                .bind(name_key(username))
                .fetch_optional(db)
                .await?
        });
        Ok(row.map(UserRow::into_user))
    }

    async fn works_by_pseud(
        &self,
        pseud: PseudId,
        viewer: Viewer,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Work>, StoreError> {
        self.list_works(Listing::Pseud(pseud.0), viewer, page, per_page).await
    }
}
