//! Site settings admins change (seen by every node within seconds).

use super::*;

pub trait SettingsStore {
    async fn settings(&self) -> Result<Vec<(String, String)>, StoreError>;
    async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError>;
    /// The site's secret called `name`, made from `candidate` the first time it is asked
    /// for (by whichever node asks first). Secrets never leave the database.
    async fn site_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}

impl SettingsStore for Store {
    async fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows = with_db!(self, db => {
            sqlx::query_as("SELECT name, value FROM settings ORDER BY name").fetch_all(db).await?
        });
        Ok(rows)
    }

    async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        with_db!(self, db => {
            sqlx::query(
                "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .bind(name)
            .bind(value)
            .execute(db)
            .await?;
        });
        Ok(())
    }

    async fn site_secret(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        let (value,): (String,) = with_db!(self, db => {
            sqlx::query("INSERT INTO site_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                .bind(name)
                .bind(candidate)
                .execute(db)
                .await?;
            sqlx::query_as("SELECT value FROM site_secrets WHERE name = $1").bind(name).fetch_one(db).await?
        });
        Ok(value)
    }
}
