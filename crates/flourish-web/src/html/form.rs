//! Reading HTML forms: every field as sent, repeated names kept (checkbox groups), and the
//! field errors a form shows beside its inputs.

use crate::error::{AppError, AppResult};
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use flourish_core::ValidationErrors;
use flourish_store::StoreError;
use serde::Serialize;
use std::collections::BTreeMap;

/// An `application/x-www-form-urlencoded` body.
#[derive(Clone, Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let bytes =
            Bytes::from_request(req, state).await.map_err(|_| AppError::TooLarge(crate::auth::MAX_FORM_BYTES))?;
        Ok(FormData::parse(&bytes))
    }
}

impl FormData {
    pub fn parse(bytes: &[u8]) -> FormData {
        FormData(form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// A checkbox: sent means on.
    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v != "0" && v != "false")
    }
}

/// Field errors keyed by field name, for templates (`errors.title`), plus a general list.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FieldErrors {
    pub fields: BTreeMap<String, String>,
    pub general: Vec<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.general.is_empty()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let message = message.into();
        self.fields
            .entry(field.to_owned())
            .and_modify(|m| {
                m.push(' ');
                m.push_str(&message);
            })
            .or_insert(message);
    }

    pub fn general(&mut self, message: impl Into<String>) {
        self.general.push(message.into());
    }

    pub fn extend(&mut self, errors: &ValidationErrors) {
        for e in &errors.0 {
            self.add(&e.field, e.message.clone());
        }
    }

    /// The one conversion of a store error into what a form shows: validation errors on
    /// their fields and a conflict as a general message; anything else is the handler's
    /// error to return.
    pub fn take(&mut self, e: StoreError) -> AppResult<()> {
        self.take_as(e, str::to_owned)
    }

    /// [`FieldErrors::take`], with each field renamed to the form's name for it.
    pub fn take_as(&mut self, e: StoreError, field: impl Fn(&str) -> String) -> AppResult<()> {
        match e {
            StoreError::Invalid(v) => {
                for f in &v.0 {
                    self.add(&field(&f.field), f.message.clone());
                }
                Ok(())
            }
            StoreError::Conflict(m) => {
                self.general(m);
                Ok(())
            }
            other => Err(other.into()),
        }
    }
}

/// A page with a form that failed validation: 422 and the form again, with its errors.
pub fn invalid(html: axum::response::Html<String>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}
