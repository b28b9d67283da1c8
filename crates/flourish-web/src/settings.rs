//! Site settings admins change from the web (sign-up mode, archive name and description).
//! They live in the database, so every node sees them; each node re-reads them every few
//! seconds and at once after a change it made itself.

use crate::state::AppState;
use flourish_core::SignupMode;
use flourish_store::SettingsStore;
use flourish_store::StoreError;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteSettings {
    pub archive_name: String,
    pub archive_description: String,
    pub signup_mode: SignupMode,
}

/// How stale another node's change may look here.
pub const REFRESH: Duration = Duration::from_secs(5);

pub const NAME: &str = "archive_name";
pub const DESCRIPTION: &str = "archive_description";
pub const SIGNUP_MODE: &str = "signup_mode";

impl SiteSettings {
    /// The configured defaults with what admins set on top.
    fn from_rows(defaults: &SiteSettings, rows: Vec<(String, String)>) -> SiteSettings {
        let mut s = defaults.clone();
        for (name, value) in rows {
            match name.as_str() {
                NAME if !value.trim().is_empty() => s.archive_name = value,
                DESCRIPTION => s.archive_description = value,
                SIGNUP_MODE => s.signup_mode = value.parse().unwrap_or(s.signup_mode),
                _ => {}
            }
        }
        s
    }
}

impl AppState {
    /// The settings in effect, re-read from the database when older than [`REFRESH`] and
    /// the database answers (an error page during an outage must not wait for it).
    pub async fn site(&self) -> SiteSettings {
        if let Some((at, s)) = self.site.lock().expect("settings lock").clone()
            && (at.elapsed() < REFRESH || self.db_health.is_down())
        {
            return s;
        }
        if self.db_health.is_down() {
            return self.default_site();
        }
        self.reload_site().await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot read site settings; using the configured ones");
            self.default_site()
        })
    }

    pub async fn reload_site(&self) -> Result<SiteSettings, StoreError> {
        let rows = self.store.settings().await?;
        let s = SiteSettings::from_rows(&self.default_site(), rows);
        *self.site.lock().expect("settings lock") = Some((Instant::now(), s.clone()));
        Ok(s)
    }

    fn default_site(&self) -> SiteSettings {
        SiteSettings {
            archive_name: self.config.archive_name.clone(),
            archive_description: self.config.archive_description.clone(),
            signup_mode: self.config.signup_mode,
        }
    }
}
