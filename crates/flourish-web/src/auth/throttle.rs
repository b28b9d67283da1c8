//! Login throttling: at most [`TRIES`] failed logins per [`WINDOW_SECS`] seconds from one
//! address and against one account. Failures are counted in the database, so the limit
//! holds across every node of an archive.

use crate::error::AppError;
use crate::state::AppState;
use flourish_store::LoginThrottle;
use std::net::IpAddr;

pub const TRIES: u64 = 5;
pub const WINDOW_SECS: i64 = 20;

/// The keys one login attempt counts against.
pub fn keys(address: IpAddr, login: &str) -> Vec<String> {
    vec![format!("addr:{address}"), format!("login:{}", login.trim().to_lowercase())]
}

/// Refuses with 429 and `Retry-After` when either key has used up its tries.
pub async fn check(state: &AppState, keys: &[String]) -> Result<(), AppError> {
    let since = time::OffsetDateTime::now_utc().unix_timestamp() - WINDOW_SECS;
    let counts = state.store.login_failures(keys, since).await?;
    if counts.iter().any(|n| *n >= TRIES) {
        return Err(AppError::TooManyRequests {
            retry_after: WINDOW_SECS as u64,
            message: format!(
                "Too many failed logins. Wait {WINDOW_SECS} seconds before trying again, or reset your password."
            ),
        });
    }
    Ok(())
}

pub async fn failed(state: &AppState, keys: &[String]) -> Result<(), AppError> {
    state.store.record_login_failure(keys).await?;
    Ok(())
}

/// A successful login forgets the account's failures (not the address's).
pub async fn succeeded(state: &AppState, keys: &[String]) -> Result<(), AppError> {
    if let Some(account_key) = keys.get(1) {
        state.store.clear_login_failures(account_key).await?;
    }
    Ok(())
}
