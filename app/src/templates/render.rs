//! Rendering with Handlebars (the language SES templates use): `{{name}}`, `{{a.b}}`,
//! `{{#if}}`, `{{#each}}`. HTML parts escape substituted values; subjects and text parts
//! do not. Missing values render empty, as in SES. Every rendering is bounded (`budget`).

use std::sync::Arc;

use handlebars::{no_escape, Handlebars};
use serde_json::Value;

use super::{
    budget::{nests_too_deep, uses_partials, BoundedEach, BoundedWriter, Budget, Silent},
    Template, MAX_TEMPLATE_DATA_CHARS,
};

/// A template filled in for one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

/// The plain-text and the HTML engine, both charging `budget`.
fn engines(budget: &Arc<Budget>) -> (Handlebars<'static>, Handlebars<'static>) {
    let mut plain = Handlebars::new();
    plain.register_escape_fn(no_escape);
    let mut html = Handlebars::new();
    for engine in [&mut plain, &mut html] {
        engine.register_helper("each", Box::new(BoundedEach(Arc::clone(budget))));
        engine.register_helper("log", Box::new(Silent));
    }
    (plain, html)
}

fn parts(template: &Template) -> impl Iterator<Item = &String> {
    [
        Some(&template.subject),
        template.text_part.as_ref(),
        template.html_part.as_ref(),
    ]
    .into_iter()
    .flatten()
}

/// What no template may do, checked before it is parsed: partials (they can include each
/// other without end) and nesting deep enough to exhaust a stack.
fn refuse_unsafe(template: &Template) -> Result<(), String> {
    if parts(template).any(|part| uses_partials(part)) {
        return Err(format!(
            "Template {} is invalid: partials and decorators ({{{{> name}}}}, {{{{#*inline}}}}) are not supported.",
            template.name
        ));
    }
    if parts(template).any(|part| nests_too_deep(part)) {
        return Err(format!(
            "Template {} is invalid: blocks and expressions nest deeper than {} levels.",
            template.name,
            super::budget::MAX_NESTING
        ));
    }
    Ok(())
}

/// Why a send's template was not rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The template or the data is at fault (`InvalidParameterValue`).
    Invalid(String),
    /// It would cost more than a rendering may (`MessageRejected`).
    OverBudget(String),
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Self::Invalid(m) | Self::OverBudget(m) => m,
        }
    }
}

/// Checks that every part is a well-formed template (`InvalidTemplate` otherwise).
pub fn check(template: &Template) -> Result<(), String> {
    refuse_unsafe(template)?;
    let (plain, _) = engines(&Arc::default());
    for part in parts(template) {
        plain
            .render_template(part, &Value::Null)
            .map_err(|e| format!("Template {} is invalid: {e}", template.name))?;
    }
    Ok(())
}

/// Renders `template` with `data` (a JSON object, SES's `TemplateData`), within one
/// `Budget` for all parts. CPU-bound: callers on the async runtime use `render_blocking`.
pub fn render(template: &Template, data: &str) -> Result<Rendered, Refusal> {
    if data.chars().count() > MAX_TEMPLATE_DATA_CHARS {
        return Err(Refusal::Invalid(format!(
            "TemplateData is longer than {MAX_TEMPLATE_DATA_CHARS} characters."
        )));
    }
    // Stored before partials were refused at creation: refused here too.
    refuse_unsafe(template).map_err(Refusal::Invalid)?;
    let data: Value = serde_json::from_str(data)
        .map_err(|e| Refusal::Invalid(format!("TemplateData is not valid JSON: {e}")))?;
    let budget = Arc::new(Budget::default());
    let (plain, html) = engines(&budget);
    let fill = |engine: &Handlebars<'_>, part: &str| {
        let mut out = BoundedWriter {
            budget: Arc::clone(&budget),
            written: Vec::new(),
        };
        let rendered = engine.render_template_to_write(part, &data, &mut out);
        match (rendered, budget.exhausted()) {
            (Ok(()), _) => {
                String::from_utf8(out.written).map_err(|e| Refusal::Invalid(e.to_string()))
            }
            (Err(_), Some(limit)) => Err(Refusal::OverBudget(format!(
                "Template {} {limit}.",
                template.name
            ))),
            (Err(e), None) => Err(Refusal::Invalid(format!(
                "Template {} could not be rendered: {e}",
                template.name
            ))),
        }
    };
    Ok(Rendered {
        subject: fill(&plain, &template.subject)?,
        text: template
            .text_part
            .as_deref()
            .map(|p| fill(&plain, p))
            .transpose()?,
        html: template
            .html_part
            .as_deref()
            .map(|p| fill(&html, p))
            .transpose()?,
    })
}

/// Renderings running at once, in all: a blocking thread cannot be stopped, so their
/// number is what bounds the CPU that templates can take (each one is bounded in time).
static RENDERS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, usize::from))
});

/// Why `render_blocking` gave no rendering.
#[derive(Debug)]
pub enum RenderFailure {
    Refused(Refusal),
    /// The rendering thread failed (a bug, not the template's fault).
    Internal(String),
}

/// `render` on a blocking thread, so a large rendering never stalls the async runtime,
/// and never more of them at once than there are cores.
pub async fn render_blocking(template: Template, data: String) -> Result<Rendered, RenderFailure> {
    let permit = RENDERS
        .acquire()
        .await
        .map_err(|e| RenderFailure::Internal(e.to_string()))?;
    tokio::task::spawn_blocking(move || {
        let _running = permit;
        render(&template, &data).map_err(RenderFailure::Refused)
    })
    .await
    .map_err(|e| RenderFailure::Internal(e.to_string()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template() -> Template {
        Template {
            name: "welcome".into(),
            subject: "Hello {{name}} & co".into(),
            text_part: Some(
                "Dear {{name}}, your plan: {{plan.tier}}.{{#if vip}} VIP!{{/if}}".into(),
            ),
            html_part: Some("<p>Dear {{name}}</p>".into()),
        }
    }

    #[test]
    fn values_fill_every_part_and_only_html_is_escaped() {
        let rendered = render(
            &template(),
            r#"{"name": "<Ann>", "plan": {"tier": "pro"}, "vip": true}"#,
        )
        .unwrap();
        assert_eq!(rendered.subject, "Hello <Ann> & co");
        assert_eq!(rendered.text.unwrap(), "Dear <Ann>, your plan: pro. VIP!");
        assert_eq!(rendered.html.unwrap(), "<p>Dear &lt;Ann&gt;</p>");
        let missing = render(&template(), "{}").unwrap();
        assert_eq!(missing.subject, "Hello  & co");
    }

    #[test]
    fn broken_templates_and_data_are_refused() {
        let broken = Template {
            subject: "Hello {{#if x}}".into(),
            ..template()
        };
        assert!(check(&broken).is_err());
        assert!(check(&template()).is_ok());
        assert!(render(&template(), "not json")
            .unwrap_err()
            .message()
            .starts_with("TemplateData is not valid JSON"));
    }
}

#[cfg(test)]
mod bounds {
    use super::*;
    use crate::templates::budget::{TOO_LARGE, TOO_MANY_ITERATIONS};

    fn with_text(text: &str) -> Template {
        Template {
            name: "t".into(),
            subject: "s".into(),
            text_part: Some(text.into()),
            html_part: None,
        }
    }

    #[test]
    fn output_stops_at_the_message_size_limit() {
        let big = "x".repeat(100_000);
        let template = with_text(&format!("{{{{#each items}}}}{big}{{{{/each}}}}"));
        let items = vec![0; 200];
        let data = serde_json::json!({ "items": items }).to_string();
        let error = render(&template, &data).unwrap_err();
        assert!(
            matches!(&error, Refusal::OverBudget(m) if m.contains(TOO_LARGE)),
            "{error:?}"
        );
    }

    #[test]
    fn loops_over_an_outer_list_cannot_multiply_without_end() {
        let template =
            with_text("{{#each a}}{{#each ../a}}{{#each ../../a}}{{/each}}{{/each}}{{/each}}");
        let data = serde_json::json!({ "a": vec![0; 1000] }).to_string();
        let started = std::time::Instant::now();
        let error = render(&template, &data).unwrap_err();
        assert!(
            matches!(&error, Refusal::OverBudget(m) if m.contains(TOO_MANY_ITERATIONS)),
            "{error:?}"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Within the budget, loops behave as Handlebars' own.
        let fine = with_text(
            "{{#each people as |p i|}}{{i}}:{{p.name}}{{#if @first}}!{{/if}}{{#unless @last}},{{/unless}}{{/each}}{{#each tags}}[{{@key}}={{this}}]{{/each}}{{#each none}}x{{else}}empty{{/each}}",
        );
        let data =
            r#"{"people": [{"name": "Ann"}, {"name": "Bob"}], "tags": {"a": 1}, "none": []}"#;
        assert_eq!(
            render(&fine, data).unwrap().text.unwrap(),
            "0:Ann!,1:Bob[a=1]empty"
        );
        let nested =
            with_text("{{#each orders}}{{#each items}}{{../id}}-{{this}} {{/each}}{{/each}}");
        let data = r#"{"orders": [{"id": 7, "items": ["x", "y"]}]}"#;
        assert_eq!(render(&nested, data).unwrap().text.unwrap(), "7-x 7-y ");
    }

    #[test]
    fn partials_are_refused_before_they_can_recurse() {
        let recursive = with_text(
            r#"{{#*inline "a"}}{{> b}}{{/inline}}{{#*inline "b"}}{{> a}}{{/inline}}{{> a}}"#,
        );
        assert!(check(&recursive).unwrap_err().contains("partials"));
        assert!(render(&recursive, "{}")
            .unwrap_err()
            .message()
            .contains("partials"));
    }
}
