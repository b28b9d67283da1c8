//! Accounts: credentials, pseuds and writers without a login ([`AccountStore`], in this
//! file), and one small trait each for what hangs off them: sessions, one-time links,
//! invitations and the request queue, login throttling, the audit log, site settings, the
//! mail log and API tokens (the files below).
//!
//! Secrets never reach this module in the clear: the web crate hashes session ids and link
//! tokens before storing or looking them up, and passwords arrive as argon2id PHC strings.

use crate::changes::{Changed, works_changed};
use crate::rows::UserRow;
use crate::rows::{PseudRow, pseud_columns, ts};
use crate::traits::Page;
use crate::works::Listing;
use crate::{Store, StoreError, name_key, now, with_db};
use flourish_core::{Account, AccountStatus, Pseud, PseudId, User, UserId, Viewer, Work, is_plausible_email};

/// What sign-up submits, already checked by the web layer for password strength.
#[derive(Clone, Debug)]
pub struct NewAccount<'a> {
    pub username: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    /// Accounts made by an admin's setup link are confirmed at once.
    pub confirmed: bool,
    pub is_admin: bool,
    /// The invitation code this sign-up uses up, when the archive asks for one.
    pub invitation: Option<&'a str>,
}

/// What a one-time link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    ConfirmEmail,
    ResetPassword,
    /// Creating the first admin account.
    Setup,
}

impl TokenPurpose {
    fn as_str(self) -> &'static str {
        match self {
            TokenPurpose::ConfirmEmail => "confirm",
            TokenPurpose::ResetPassword => "reset",
            TokenPurpose::Setup => "setup",
        }
    }
}

/// A live session.
#[derive(Clone, Debug)]
pub struct SessionRecord {
    pub account: Account,
    pub expires_at: i64,
    pub remember: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Invitation {
    pub code: String,
    pub email: Option<String>,
    pub created_at: i64,
    pub used_by: Option<String>,
    pub used_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct AccountRequest {
    pub id: i64,
    pub email: String,
    pub reason: String,
    pub status: String,
    pub created_at: i64,
}

/// One line of the audit log: admin actions and account-security events.
#[derive(Clone, Debug, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// Who did it: a username, or `-` for a guest.
    pub actor: String,
    /// What happened, as a short stable name: `login_failed`, `work_hidden`…
    pub action: String,
    pub target: String,
    pub detail: String,
    pub address: String,
}

/// A personal API token as its owner sees it listed (never the token itself).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct MailRecord {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// False when no SMTP server is set (or it failed): the admin page shows these.
    pub sent: bool,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    id: i64,
    username: String,
    email: Option<String>,
    password_hash: Option<String>,
    confirmed: bool,
    is_admin: bool,
    is_moderator: bool,
    status: String,
    created_at: i64,
    unread_notifications: i64,
}

macro_rules! account_columns {
    () => {
        "u.id, u.username, u.email, u.password_hash, u.confirmed, u.is_admin, u.is_moderator, u.status, u.created_at, \
         u.unread_notifications"
    };
}

impl AccountRow {
    fn into_account(self) -> Account {
        Account {
            id: UserId(self.id),
            username: self.username,
            email: self.email,
            password_hash: self.password_hash,
            confirmed: self.confirmed,
            is_admin: self.is_admin,
            is_moderator: self.is_moderator,
            // Only this module writes the column, with `AccountStatus::as_str`.
            status: self.status.parse().unwrap_or(AccountStatus::Banned),
            created_at: ts(self.created_at),
            unread_notifications: self.unread_notifications.max(0) as u32,
        }
    }
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// The account that keeps the works of people who left but let their works stay, as AO3's
/// `orphan_account` does.
pub const ORPHAN_ACCOUNT: &str = "orphan_account";

pub trait AccountStore {
    /// Creates a login account with its default pseud, using up the invitation if one is
    /// given, all in one transaction. A taken username or email is a field error.
    async fn register(&self, new: &NewAccount<'_>) -> Result<(Account, Pseud), StoreError>;
    async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError>;
    /// An account by username or email, case-insensitively.
    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError>;
    /// Accounts whose username or email contains `search`, by username.
    async fn accounts(&self, search: &str, page: u32, per_page: u32) -> Result<Page<Account>, StoreError>;
    async fn admin_exists(&self) -> Result<bool, StoreError>;
    /// Sets a new password hash and ends every session of the account.
    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError>;
    async fn confirm_account(&self, user: UserId) -> Result<(), StoreError>;
    /// Sets the account's standing; a ban ends its sessions.
    async fn set_status(&self, user: UserId, status: AccountStatus) -> Result<(), StoreError>;
    async fn set_admin(&self, user: UserId, is_admin: bool) -> Result<(), StoreError>;
    /// Deletes the account. Its works go to [`ORPHAN_ACCOUNT`] when `orphan_works`, else
    /// works only it created are deleted and it is taken off the credits of shared ones.
    async fn delete_account(&self, user: UserId, orphan_works: bool) -> Result<(), StoreError>;
    async fn pseuds_of(&self, user: UserId) -> Result<Vec<Pseud>, StoreError>;
    /// Makes one of the account's pseuds its default (the one new works are credited to).
    async fn set_default_pseud(&self, user: UserId, pseud: PseudId) -> Result<(), StoreError>;

    // Accounts without a login (imported writers) and pseuds.
    /// Creates an account and its default pseud, named like the account.
    async fn create_user(&self, username: &str) -> Result<(User, Pseud), StoreError>;
    async fn add_pseud(&self, user: flourish_core::UserId, name: &str) -> Result<Pseud, StoreError>;
    async fn pseud(&self, username: &str, pseud: &str) -> Result<Option<Pseud>, StoreError>;
    async fn user_by_name(&self, username: &str) -> Result<Option<User>, StoreError>;
    async fn works_by_pseud(
        &self,
        pseud: PseudId,
        viewer: Viewer,
        page: u32,
        per_page: u32,
    ) -> Result<Page<Work>, StoreError>;
}

impl AccountStore for Store {
    async fn register(&self, new: &NewAccount<'_>) -> Result<(Account, Pseud), StoreError> {
        check_username(new.username)?;
        if !is_plausible_email(new.email) {
            return Err(StoreError::invalid("email", "Enter an email address such as name@example.org."));
        }
        let at = now();
        let result: Result<(i64, i64), StoreError> = with_db!(self, db => {
            async {
                let (_turn, mut tx) = db.begin_write().await?;
                if let Some(code) = new.invitation {
                    let used = sqlx::query(
                        "UPDATE invitations SET used_at = $2 WHERE code = $1 AND used_at IS NULL",
                    )
                    .bind(code.trim())
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                    if used.rows_affected() != 1 {
                        tx.rollback().await?;
                        return Err(StoreError::invalid(
                            "invitation",
                            "That invitation code is not valid or has already been used.",
                        ));
                    }
                }
                let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                    "INSERT INTO users (username, username_key, created_at, email, email_key, password_hash, confirmed, is_admin, status) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'active') RETURNING id",
                )
                .bind(new.username)
                .bind(name_key(new.username))
                .bind(at)
                .bind(new.email.trim())
                .bind(name_key(new.email))
                .bind(new.password_hash)
                .bind(new.confirmed)
                .bind(new.is_admin)
                .fetch_one(&mut *tx)
                .await;
                let (user_id,) = match inserted {
                    Ok(row) => row,
                    Err(e) if is_unique_violation(&e) => {
                        tx.rollback().await?;
                        return Err(self.taken(new).await);
                    }
                    Err(e) => return Err(e.into()),
                };
                if let Some(code) = new.invitation {
                    sqlx::query("UPDATE invitations SET used_by = $2 WHERE code = $1")
                        .bind(code.trim())
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let (pseud_id,): (i64,) = sqlx::query_as(
                    "INSERT INTO pseuds (user_id, name, name_key, is_default, created_at) VALUES ($1, $2, $3, TRUE, $4) RETURNING id",
                )
                .bind(user_id)
                .bind(new.username)
                .bind(name_key(new.username))
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok((user_id, pseud_id))
            }
            .await
        });
        let (user_id, pseud_id) = result?;
        let account = Account {
            id: UserId(user_id),
            username: new.username.to_owned(),
            email: Some(new.email.trim().to_owned()),
            password_hash: Some(new.password_hash.to_owned()),
            confirmed: new.confirmed,
            is_admin: new.is_admin,
            is_moderator: false,
            status: AccountStatus::Active,
            created_at: ts(at),
            unread_notifications: 0,
        };
        let pseud = Pseud {
            id: PseudId(pseud_id),
            user_id: account.id,
            username: new.username.to_owned(),
            name: new.username.to_owned(),
            is_default: true,
            description: String::new(),
        };
        Ok((account, pseud))
    }

    async fn account(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        const SQL: &str = concat!("SELECT ", account_columns!(), " FROM users u WHERE u.id = $1");
        let row: Option<AccountRow> = with_db!(self, db => sqlx::query_as(SQL).bind(id.0).fetch_optional(db).await?);
        Ok(row.map(AccountRow::into_account))
    }

    async fn account_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        const SQL: &str =
            concat!("SELECT ", account_columns!(), " FROM users u WHERE u.username_key = $1 OR u.email_key = $1");
        let row: Option<AccountRow> =
            with_db!(self, db => sqlx::query_as(SQL).bind(name_key(login)).fetch_optional(db).await?);
        Ok(row.map(AccountRow::into_account))
    }

    async fn accounts(&self, search: &str, page: u32, per_page: u32) -> Result<Page<Account>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            account_columns!(),
            " FROM users u WHERE u.username_key LIKE $1 OR u.email_key LIKE $1 ORDER BY u.username_key LIMIT $2 OFFSET $3"
        );
        const COUNT: &str = "SELECT COUNT(*) FROM users u WHERE u.username_key LIKE $1 OR u.email_key LIKE $1";
        let pattern = format!("%{}%", name_key(search).replace(['%', '_'], ""));
        let (rows, total): (Vec<AccountRow>, i64) = with_db!(self, db => {
            let rows = sqlx::query_as(SQL)
                .bind(&pattern)
                .bind(per_page as i64)
                .bind(Page::<()>::offset(page, per_page))
                .fetch_all(db)
                .await?;
            let (total,): (i64,) = sqlx::query_as(COUNT).bind(&pattern).fetch_one(db).await?;
            (rows, total)
        });
        Ok(Page {
            items: rows.into_iter().map(AccountRow::into_account).collect(),
            page: page.max(1),
            per_page,
            total: total as u64,
        })
    }

    async fn admin_exists(&self) -> Result<bool, StoreError> {
        let found: Option<(i64,)> = with_db!(self, db => {
            sqlx::query_as("SELECT id FROM users WHERE is_admin = TRUE LIMIT 1").fetch_optional(db).await?
        });
        Ok(found.is_some())
    }

    async fn set_password(&self, user: UserId, password_hash: &str) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                .bind(user.0)
                .bind(password_hash)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound("user"));
            }
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn confirm_account(&self, user: UserId) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET confirmed = TRUE WHERE id = $1").bind(user.0).execute(db).await?;
        });
        Ok(())
    }

    async fn set_status(&self, user: UserId, status: AccountStatus) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let done = sqlx::query("UPDATE users SET status = $2 WHERE id = $1")
                .bind(user.0)
                .bind(status.as_str())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() == 0 {
                tx.rollback().await?;
                return Err(StoreError::NotFound("user"));
            }
            if status == AccountStatus::Banned {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    async fn set_admin(&self, user: UserId, is_admin: bool) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query("UPDATE users SET is_admin = $2 WHERE id = $1").bind(user.0).bind(is_admin).execute(db).await?;
        });
        Ok(())
    }

    async fn delete_account(&self, user: UserId, orphan_works: bool) -> Result<(), StoreError> {
        let orphan = if orphan_works { Some(self.orphan_pseud().await?) } else { None };
        let at = now();
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let exists: Option<(i64,)> =
                sqlx::query_as("SELECT id FROM users WHERE id = $1").bind(user.0).fetch_optional(&mut *tx).await?;
            if exists.is_none() {
                return Err(StoreError::NotFound("user"));
            }
            // Every work this account is credited on, and whether anyone else is.
            let works: Vec<(i64, bool)> = sqlx::query_as(
                "SELECT wc.work_id, EXISTS (SELECT 1 FROM work_creators o JOIN pseuds op ON op.id = o.pseud_id \
                 WHERE o.work_id = wc.work_id AND op.user_id <> $1) \
                 FROM work_creators wc JOIN pseuds p ON p.id = wc.pseud_id WHERE p.user_id = $1 GROUP BY wc.work_id",
            )
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
            for (work, shared) in &works {
                // Before the row may go: a deleted work gets a version above its last too,
                // so indexes drop it.
                works_changed(&mut tx, Changed::Work(*work), at).await?;
                if let Some(orphan) = orphan {
                    sqlx::query(
                        "INSERT INTO work_creators (work_id, pseud_id, position) VALUES ($1, $2, 1000) ON CONFLICT DO NOTHING",
                    )
                    .bind(work)
                    .bind(orphan.0)
                    .execute(&mut *tx)
                    .await?;
                } else if !shared {
                    sqlx::query("DELETE FROM works WHERE id = $1").bind(work).execute(&mut *tx).await?;
                }
                sqlx::query(
                    "DELETE FROM work_creators WHERE work_id = $1 AND pseud_id IN (SELECT id FROM pseuds WHERE user_id = $2)",
                )
                .bind(work)
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query("DELETE FROM series_creators WHERE pseud_id IN (SELECT id FROM pseuds WHERE user_id = $1)")
                .bind(user.0)
                .execute(&mut *tx)
                .await?;
            // Their public bookmarks stop counting on the works they kept.
            let kept: Vec<(i64,)> =
                sqlx::query_as("SELECT work_id FROM bookmarks WHERE user_id = $1 AND work_id IS NOT NULL AND private = FALSE")
                    .bind(user.0)
                    .fetch_all(&mut *tx)
                    .await?;
            sqlx::query("DELETE FROM bookmarks WHERE user_id = $1").bind(user.0).execute(&mut *tx).await?;
            for (work,) in &kept {
                sqlx::query(crate::library::RECOUNT_BOOKMARKS).bind(*work).execute(&mut *tx).await?;
                works_changed(&mut tx, Changed::Counts(*work), at).await?;
            }
            sqlx::query("DELETE FROM users WHERE id = $1").bind(user.0).execute(&mut *tx).await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn pseuds_of(&self, user: UserId) -> Result<Vec<Pseud>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            pseud_columns!(),
            " FROM pseuds p JOIN users u ON u.id = p.user_id WHERE p.user_id = $1 ORDER BY p.is_default DESC, p.name_key"
        );
        let rows: Vec<PseudRow> = with_db!(self, db => sqlx::query_as(SQL).bind(user.0).fetch_all(db).await?);
        Ok(rows.into_iter().map(PseudRow::into_pseud).collect())
    }

    async fn set_default_pseud(&self, user: UserId, pseud: PseudId) -> Result<(), StoreError> {
        with_db!(self, db => {
            let (_turn, mut tx) = db.begin_write().await?;
            let owned: Option<(i64,)> = sqlx::query_as("SELECT id FROM pseuds WHERE id = $1 AND user_id = $2")
                .bind(pseud.0)
                .bind(user.0)
                .fetch_optional(&mut *tx)
                .await?;
            if owned.is_none() {
                return Err(StoreError::NotFound("pseud"));
            }
            sqlx::query("UPDATE pseuds SET is_default = (id = $2) WHERE user_id = $1")
                .bind(user.0)
                .bind(pseud.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    async fn create_user(&self, username: &str) -> Result<(User, Pseud), StoreError> {
        check_username(username)?;
        let at = now();
        let result: Result<(i64, i64), sqlx::Error> = with_db!(self, db => {
            async {
                let (_turn, mut tx) = db.begin_write().await?;
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

impl Store {
    /// Which of username and email made a sign-up collide, as field errors.
    async fn taken(&self, new: &NewAccount<'_>) -> StoreError {
        let mut errors = flourish_core::ValidationErrors::default();
        let by_name = self.account_by_login(new.username).await;
        let by_email = self.account_by_login(new.email).await;
        if matches!(&by_name, Ok(Some(a)) if a.username.to_lowercase() == name_key(new.username)) {
            errors.add("username", format!("The username {} is already taken.", new.username));
        }
        if matches!(&by_email, Ok(Some(a)) if a.email.as_deref().map(name_key) == Some(name_key(new.email))) {
            errors.add("email", "An account with this email address already exists.");
        }
        if errors.0.is_empty() {
            errors.add("username", "That username or email is already in use.");
        }
        StoreError::Invalid(errors)
    }

    /// The default pseud of [`ORPHAN_ACCOUNT`], made on first use.
    async fn orphan_pseud(&self) -> Result<PseudId, StoreError> {
        if let Some(p) = self.pseud(ORPHAN_ACCOUNT, ORPHAN_ACCOUNT).await? {
            return Ok(p.id);
        }
        match self.create_user(ORPHAN_ACCOUNT).await {
            Ok((_, pseud)) => Ok(pseud.id),
            // Another request made it first.
            Err(StoreError::Invalid(_)) => {
                self.pseud(ORPHAN_ACCOUNT, ORPHAN_ACCOUNT).await?.map(|p| p.id).ok_or(StoreError::NotFound("pseud"))
            }
            Err(e) => Err(e),
        }
    }
}

// After `account_columns!`, which the submodules use.
mod api_tokens;
mod audit;
mod invitations;
mod links;
mod mail_log;
mod names;
mod sessions;
mod settings;
mod throttle;
use names::{check_pseud_name, check_username};
pub use {
    api_tokens::ApiTokenStore, audit::AuditStore, invitations::InvitationStore, links::OneTimeLinkStore,
    mail_log::MailLogStore, sessions::SessionStore, settings::SettingsStore, throttle::LoginThrottle,
};
