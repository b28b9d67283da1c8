//! Accounts as the archive's security code sees them: credentials, standing, and the ways
//! an archive lets people join.

use crate::ids::UserId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::OffsetDateTime;

/// Whether an account may log in and write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Active,
    /// May log in and read, but not post or edit until an admin lifts it.
    Suspended,
    /// May not log in.
    Banned,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
            AccountStatus::Banned => "banned",
        }
    }
}

impl FromStr for AccountStatus {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        match s {
            "active" => Ok(AccountStatus::Active),
            "suspended" => Ok(AccountStatus::Suspended),
            "banned" => Ok(AccountStatus::Banned),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// A value outside a closed set.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown value {0:?}")]
pub struct UnknownValue(pub String);

/// An account with what logging in needs. Never rendered whole: it holds the password hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub email: Option<String>,
    /// An argon2id PHC string; `None` for accounts made by imports, which cannot log in.
    pub password_hash: Option<String>,
    pub confirmed: bool,
    pub is_admin: bool,
    /// Works the report queue, and nothing else an admin does.
    pub is_moderator: bool,
    pub status: AccountStatus,
    pub created_at: OffsetDateTime,
    /// Unread entries in the inbox, for the header.
    pub unread_notifications: u32,
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("confirmed", &self.confirmed)
            .field("is_admin", &self.is_admin)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl Account {
    /// Active accounts write; suspended and banned ones do not.
    pub fn can_write(&self) -> bool {
        self.status == AccountStatus::Active
    }
}

/// How people join an archive; chosen by its admins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignupMode {
    /// Anyone may sign up.
    Open,
    /// Sign-up needs an invitation code from an admin.
    #[default]
    Invitation,
    /// People ask for an invitation; admins approve from a queue.
    Request,
    /// Nobody new joins.
    Closed,
}

impl SignupMode {
    pub const ALL: [SignupMode; 4] =
        [SignupMode::Open, SignupMode::Invitation, SignupMode::Request, SignupMode::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            SignupMode::Open => "open",
            SignupMode::Invitation => "invitation",
            SignupMode::Request => "request",
            SignupMode::Closed => "closed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SignupMode::Open => "Open: anyone may sign up",
            SignupMode::Invitation => "Invitation codes only",
            SignupMode::Request => "Request queue: people ask, admins invite",
            SignupMode::Closed => "Closed",
        }
    }
}

impl FromStr for SignupMode {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        SignupMode::ALL.into_iter().find(|m| m.as_str() == s).ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

/// A plausible email address: one `@`, something before it, a dotted domain after it, no
/// spaces, at most 254 characters. Whether it is real is what the confirmation mail shows.
pub fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    email.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_checked_for_shape_only() {
        for ok in ["a@b.co", "first.last+tag@example.org", "ü@exämple.de"] {
            assert!(is_plausible_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de", "<a@b.co>", "a@b.co\n"] {
            assert!(!is_plausible_email(bad), "{bad:?}");
        }
    }

    #[test]
    fn modes_and_statuses_round_trip() {
        for m in SignupMode::ALL {
            assert_eq!(m.as_str().parse::<SignupMode>(), Ok(m));
        }
        assert!("sometimes".parse::<SignupMode>().is_err());
        assert_eq!("banned".parse::<AccountStatus>(), Ok(AccountStatus::Banned));
    }
}
