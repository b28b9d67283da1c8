//! Passwords: argon2id hashing on blocking threads, a cap on how many hashes run at once,
//! and the rules a new password must meet.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

/// argon2id with OWASP's memory (19 MiB) and one lane, and 4 passes instead of its minimum
/// 2: measured here, 2 passes cost 13 ms a hash, below the 20–50 ms a login should cost to
/// slow guessing; 4 cost about 29 ms. `bench/logins.sh` prints the figure.
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const PASSES: u32 = 4;
pub const LANES: u32 = 1;

pub const MIN_LENGTH: usize = 8;
/// Longer passwords are refused before hashing: hashing cost grows with input, and no one
/// types more.
pub const MAX_BYTES: usize = 1024;

#[derive(Clone)]
pub struct Passwords {
    argon2: Argon2<'static>,
    /// At most this many hashes run at once, so a burst of logins queues instead of taking
    /// every core from the readers.
    slots: Arc<Semaphore>,
    /// A hash to verify against when the account does not exist, so a wrong username takes
    /// as long as a wrong password.
    decoy: Arc<String>,
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

impl Passwords {
    pub fn new(concurrent: usize) -> Passwords {
        let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let decoy =
            argon2.hash_password(b"decoy password for absent accounts").map(|h| h.to_string()).unwrap_or_default();
        Passwords { argon2, slots: Arc::new(Semaphore::new(concurrent.max(1))), decoy: Arc::new(decoy) }
    }

    /// The PHC string of `password` with a fresh salt.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let _slot = self.slots.acquire().await.map_err(|e| HashError(e.to_string()))?;
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || argon2.hash_password(password.as_bytes()).map(|h| h.to_string()))
            .await
            .map_err(|e| HashError(e.to_string()))?
            .map_err(|e| HashError(e.to_string()))
    }

    /// Whether `password` matches `hash`; with no hash (no account, or an account that has
    /// no password) the decoy is checked, so the answer takes as long and is false.
    pub async fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let Ok(_slot) = self.slots.acquire().await else { return false };
        let argon2 = self.argon2.clone();
        let password = password.to_owned();
        let real = hash.is_some();
        let hash = hash.map_or_else(|| self.decoy.as_str().to_owned(), str::to_owned);
        let matched = tokio::task::spawn_blocking(move || {
            password.len() <= MAX_BYTES && argon2.verify_password(password.as_bytes(), hash.as_str()).is_ok()
        })
        .await
        .unwrap_or(false);
        matched && real
    }
}

/// Why a new password is refused, in words for the form; `None` if it is acceptable.
pub fn weakness(password: &str, username: &str, email: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_LENGTH {
        return Some(format!("Use at least {MIN_LENGTH} characters."));
    }
    if password.len() > MAX_BYTES {
        return Some(format!("Use at most {MAX_BYTES} characters."));
    }
    let lower = password.to_lowercase();
    if lower == username.to_lowercase() || lower == email.to_lowercase() {
        return Some("Don't use your username or email address as your password.".into());
    }
    if passwords::analyzer::is_common_password(&lower) || passwords::analyzer::is_common_password(password) {
        return Some("That password is on a list of common passwords; choose one that is harder to guess.".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        assert!(weakness("short", "u", "e@x.org").unwrap().contains("8"));
        assert!(weakness("password123", "u", "e@x.org").unwrap().contains("common"));
        assert!(weakness("qwertyuiop", "u", "e@x.org").unwrap().contains("common"));
        assert!(weakness("dracomalfoy", "DracoMalfoy", "e@x.org").unwrap().contains("username"));
        assert_eq!(weakness("the mandrakes remember", "u", "e@x.org"), None);
    }

    #[tokio::test]
    async fn hashes_verify_only_their_password() {
        let p = Passwords::new(1);
        let hash = p.hash("the mandrakes remember").await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=4,p=1$"), "{hash}");
        assert!(p.verify("the mandrakes remember", Some(&hash)).await);
        assert!(!p.verify("the mandrakes forget", Some(&hash)).await);
        assert!(!p.verify("decoy password for absent accounts", None).await, "the decoy never logs anyone in");
        assert!(!p.verify("x", Some("not a hash")).await);
    }
}
