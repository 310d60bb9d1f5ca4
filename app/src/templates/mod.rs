//! Email templates (SES's `CreateTemplate` family): a subject and text/HTML parts written
//! in Handlebars, stored per account and region, rendered with each send's data by
//! `SendTemplatedEmail`.

mod budget;
pub mod db;
mod render;

pub use render::{check, render, render_blocking, Refusal, RenderFailure, Rendered};

/// A stored template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub subject: String,
    pub text_part: Option<String>,
    pub html_part: Option<String>,
}

/// SES's limits.
pub const MAX_TEMPLATE_BYTES: usize = 500 * 1024;
pub const MAX_TEMPLATE_DATA_CHARS: usize = 262_144;
pub const MAX_TEMPLATES: i64 = 10_000;

/// SES's rule for template names.
pub fn check_template_name(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "Template name {name:?} is invalid: use 1 to 64 letters, digits, - and _."
        ))
    }
}
