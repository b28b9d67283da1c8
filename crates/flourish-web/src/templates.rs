//! Templates: embedded in the binary, with an optional folder whose files replace the
//! embedded ones of the same name, so an archive can restyle itself without rebuilding.

use minijinja::{Environment, Value};
use serde::Serialize;
use std::path::PathBuf;

#[derive(rust_embed::Embed)]
#[folder = "templates/"]
struct Embedded;

pub type TemplateError = minijinja::Error;

pub struct Templates {
    env: Environment<'static>,
}

impl Templates {
    /// Loads every template now, so a syntax error (in an override especially) stops the
    /// archive at start rather than on some reader's request.
    pub fn new(override_dir: Option<PathBuf>) -> Result<Templates, TemplateError> {
        let mut env = Environment::new();
        env.set_loader(move |name| {
            if name.split('/').any(|part| part == ".." || part.is_empty()) {
                return Ok(None);
            }
            if let Some(dir) = &override_dir {
                let path = dir.join(name);
                if path.is_file() {
                    return std::fs::read_to_string(&path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            format!("cannot read template override {}: {e}", path.display()),
                        )
                    });
                }
            }
            Ok(Embedded::get(name).map(|f| String::from_utf8_lossy(&f.data).into_owned()))
        });
        env.set_formatter(escape_minimal);
        env.add_filter("thousands", thousands);
        env.add_filter("plural", plural);
        for name in Embedded::iter() {
            env.get_template(&name)?;
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<String, TemplateError> {
        self.env.get_template(name)?.render(ctx)
    }
}

/// Escapes what HTML needs escaped and nothing more. minijinja's default also escapes `/`,
/// which turns every URL in an attribute into `&#x2f;works&#x2f;1`: valid, but unreadable
/// in page source and in tests.
fn escape_minimal(
    out: &mut minijinja::Output<'_>,
    state: &minijinja::State<'_, '_>,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() == minijinja::AutoEscape::None || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = if value.is_none() || value.is_undefined() { String::new() } else { value.to_string() };
    let mut last = 0;
    for (i, c) in text.char_indices() {
        let entity = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[last..i])?;
        out.write_str(entity)?;
        last = i + 1;
    }
    out.write_str(&text[last..])?;
    Ok(())
}

/// `12345` → `12,345`, as AO3 prints counts.
fn thousands(value: Value) -> String {
    let n = value.as_i64().unwrap_or(0);
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `{{ n }} work{{ n|plural }}`.
fn plural(value: Value) -> &'static str {
    if value.as_i64() == Some(1) { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_template_compiles_and_counts_are_grouped() {
        let t = Templates::new(None).unwrap();
        assert_eq!(thousands(Value::from(1234567)), "1,234,567");
        assert_eq!(thousands(Value::from(999)), "999");
        drop(t);
    }

    #[test]
    fn the_error_page_lists_what_was_wrong() {
        let t = Templates::new(None).unwrap();
        let fields = [flourish_core::FieldError { field: "order".into(), message: "List every chapter once.".into() }];
        let ctx = minijinja::context! {
            archive_name => "Flourish", visitor => crate::auth::VisitorView::default(), title => "Unprocessable Entity",
            status => 422, message => "Some fields are not right; nothing was saved.", fields => &fields,
        };
        let page = t.render("error.html", ctx).unwrap();
        assert!(page.contains("<li>List every chapter once.</li>"), "{page}");
        let none: [flourish_core::FieldError; 0] = [];
        let ctx = minijinja::context! {
            archive_name => "Flourish", visitor => crate::auth::VisitorView::default(), title => "Not Found",
            status => 404, message => "Gone.", fields => &none,
        };
        assert!(!t.render("error.html", ctx).unwrap().contains("class=\"errors\""), "no list without fields");
    }
}
