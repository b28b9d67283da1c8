//! Knowing a guest again without keeping their address (DESIGN.md, "Privacy"): a keyed
//! hash (HMAC-SHA-256 under a secret that never leaves the database) of the address and
//! what it is for. Kudos are keyed by address and work, so one guest's kudos on two works
//! cannot be linked; comment limits by address and day, so the key rotates daily. An IPv6
//! guest is known by their /64, the block one household gets.
//!
//! The same secret signs the one-click unsubscribe links in mail.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use flourish_core::{NotificationKind, UserId, WorkId};
use flourish_store::SettingsStore;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::IpAddr;

const SECRET: &str = "visitor_key";

async fn secret(state: &AppState) -> AppResult<&str> {
    let secret = state
        .secrets
        .get_or_try_init(|| async {
            state.store.site_secret(SECRET, &crate::auth::tokens::random_token()).await.map_err(AppError::from)
        })
        .await?;
    Ok(secret.as_str())
}

fn mac(secret: &str, parts: &[&str]) -> String {
    // HMAC takes keys of any length.
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    for p in parts {
        m.update(p.as_bytes());
        m.update(b"\0");
    }
    m.finalize().into_bytes()[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The part of an address that names one guest.
fn guest(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// Who left guest kudos on `work`.
pub async fn kudos_key(state: &AppState, work: WorkId, address: IpAddr) -> AppResult<String> {
    Ok(mac(secret(state).await?, &["kudos", &work.to_string(), &guest(address)]))
}

/// A guest for today's comment limits.
pub async fn address_key(state: &AppState, address: IpAddr) -> AppResult<String> {
    let day = time::OffsetDateTime::now_utc().date().to_string();
    Ok(mac(secret(state).await?, &["day", &day, &guest(address)]))
}

/// A client in one window of the shared request limit (`rate_limit`): the window is part
/// of the key, so one window's counts cannot be matched with another's.
pub async fn request_key(state: &AppState, window: i64, address: IpAddr) -> AppResult<String> {
    Ok(mac(secret(state).await?, &["requests", &window.to_string(), &guest(address)]))
}

/// A visitor for one day's hits, as 64 bits of a keyed hash: a member by account, a guest
/// by address and browser. The day is part of the key, so one day's visitors cannot be
/// matched with another's.
pub async fn hit_key(
    state: &AppState,
    day: i64,
    member: Option<UserId>,
    address: IpAddr,
    user_agent: &str,
) -> AppResult<i64> {
    let secret = secret(state).await?;
    let mut m = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    m.update(b"hit\0");
    m.update(&day.to_le_bytes());
    match member {
        Some(user) => {
            m.update(b"member\0");
            m.update(&user.0.to_le_bytes());
        }
        None => {
            m.update(guest(address).as_bytes());
            m.update(b"\0");
            m.update(user_agent.as_bytes());
        }
    }
    let bytes = m.finalize().into_bytes();
    Ok(i64::from_le_bytes(bytes[..8].try_into().expect("a SHA-256 MAC has 32 bytes")))
}

/// The secret part of a one-click unsubscribe link for `kind` of mail to `user`.
pub async fn unsubscribe_token(state: &AppState, user: UserId, kind: NotificationKind) -> AppResult<String> {
    let user = user.to_string();
    Ok(format!("{user}.{}.{}", kind.as_str(), mac(secret(state).await?, &["unsubscribe", &user, kind.as_str()])))
}

/// What an unsubscribe link names, if it is one this archive signed.
pub async fn check_unsubscribe(state: &AppState, token: &str) -> AppResult<Option<(UserId, NotificationKind)>> {
    let mut parts = token.splitn(3, '.');
    let (Some(user), Some(kind), Some(sig)) = (parts.next(), parts.next(), parts.next()) else { return Ok(None) };
    let (Ok(user_id), Ok(kind)) = (user.parse::<UserId>(), kind.parse::<NotificationKind>()) else { return Ok(None) };
    let expected = mac(secret(state).await?, &["unsubscribe", user, kind.as_str()]);
    Ok(crate::auth::tokens::same(sig, &expected).then_some((user_id, kind)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_depend_on_secret_purpose_and_guest_and_never_show_the_address() {
        let a = mac("s1", &["kudos", "1", "203.0.113.9"]);
        assert_eq!(a.len(), 32);
        assert!(!a.contains("203"));
        assert_ne!(a, mac("s2", &["kudos", "1", "203.0.113.9"]));
        assert_ne!(a, mac("s1", &["kudos", "2", "203.0.113.9"]));
        assert_ne!(mac("s1", &["ab", "c"]), mac("s1", &["a", "bc"]), "parts are separated");
    }

    #[test]
    fn an_ipv6_guest_is_their_slash_64() {
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let two: IpAddr = "2001:db8:1:2:bbbb::7".parse().unwrap();
        assert_eq!(guest(one), guest(two));
        let mapped: IpAddr = "::ffff:198.51.100.4".parse().unwrap();
        assert_eq!(guest(mapped), "198.51.100.4");
    }
}
