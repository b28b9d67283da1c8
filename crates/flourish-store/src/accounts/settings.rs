//! Site settings admins change (seen by every node within seconds).

use super::*;

pub trait SettingsStore {
    async fn settings(&self) -> Result<Vec<(String, String)>, StoreError>;
    async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError>;
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
}
