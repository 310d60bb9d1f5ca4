//! Rendering with Handlebars (the language SES templates use): `{{name}}`, `{{a.b}}`,
//! `{{#if}}`, `{{#each}}`. HTML parts escape substituted values; subjects and text parts
//! do not. Missing values render empty, as in SES.

use handlebars::{no_escape, Handlebars};
use serde_json::Value;

use super::{Template, MAX_TEMPLATE_DATA_CHARS};

/// A template filled in for one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: Option<String>,
    pub html: Option<String>,
}

fn engines() -> (Handlebars<'static>, Handlebars<'static>) {
    let mut plain = Handlebars::new();
    plain.register_escape_fn(no_escape);
    (plain, Handlebars::new())
}

/// Checks that every part is a well-formed template (`InvalidTemplate` otherwise).
pub fn check(template: &Template) -> Result<(), String> {
    let (plain, _) = engines();
    let parts = [
        Some(&template.subject),
        template.text_part.as_ref(),
        template.html_part.as_ref(),
    ];
    for part in parts.into_iter().flatten() {
        plain
            .render_template(part, &Value::Null)
            .map_err(|e| format!("Template {} is invalid: {e}", template.name))?;
    }
    Ok(())
}

/// Renders `template` with `data` (a JSON object, SES's `TemplateData`).
pub fn render(template: &Template, data: &str) -> Result<Rendered, String> {
    if data.chars().count() > MAX_TEMPLATE_DATA_CHARS {
        return Err(format!(
            "TemplateData is longer than {MAX_TEMPLATE_DATA_CHARS} characters."
        ));
    }
    let data: Value =
        serde_json::from_str(data).map_err(|e| format!("TemplateData is not valid JSON: {e}"))?;
    let (plain, html) = engines();
    let fill = |engine: &Handlebars<'_>, part: &str| {
        engine
            .render_template(part, &data)
            .map_err(|e| format!("Template {} could not be rendered: {e}", template.name))
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
            .starts_with("TemplateData is not valid JSON"));
    }
}
