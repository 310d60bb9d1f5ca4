//! Template actions: CreateTemplate, GetTemplate, UpdateTemplate, DeleteTemplate and
//! ListTemplates, per account and region.

use app::{
    auth::Permission,
    templates::{self, check_template_name, Template, MAX_TEMPLATES, MAX_TEMPLATE_BYTES},
};
use time::format_description::well_known::Rfc3339;

use super::{Call, SesError, XmlWriter};

/// The `Template.*` parameters of Create/UpdateTemplate, checked.
fn template_parameter(call: &Call<'_>) -> Result<Template, SesError> {
    let params = &call.params;
    let name = params.required("Template.TemplateName")?;
    check_template_name(name).map_err(SesError::invalid_parameter)?;
    let part = |key: &str| params.get(key).filter(|p| !p.is_empty()).map(str::to_owned);
    let template = Template {
        name: name.to_owned(),
        subject: params
            .get("Template.SubjectPart")
            .unwrap_or_default()
            .to_owned(),
        text_part: part("Template.TextPart"),
        html_part: part("Template.HtmlPart"),
    };
    let size = template.subject.len()
        + template.text_part.as_ref().map_or(0, String::len)
        + template.html_part.as_ref().map_or(0, String::len);
    if size > MAX_TEMPLATE_BYTES {
        return Err(SesError::sender(
            "InvalidTemplate",
            format!("Template {name} is larger than {MAX_TEMPLATE_BYTES} bytes."),
        ));
    }
    templates::check(&template).map_err(|m| SesError::sender("InvalidTemplate", m))?;
    Ok(template)
}

/// The caller's template `name` in the request's region.
pub(super) async fn find(call: &Call<'_>, name: &str) -> Result<Template, SesError> {
    templates::db::find_template(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
        name,
    )
    .await?
    .ok_or_else(|| missing(name))
}

fn missing(name: &str) -> SesError {
    SesError::sender(
        "TemplateDoesNotExist",
        format!("Template {name} does not exist."),
    )
}

pub async fn create(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "CreateTemplate")?;
    let template = template_parameter(call)?;
    let (account, region) = (call.caller.account(), call.caller.region());
    let mut tx = call.api.context.pool.begin().await?;
    let count = templates::db::lock_region_and_count(&mut tx, account, region)
        .await?
        .ok_or_else(|| {
            SesError::invalid_parameter(format!("Your account does not send in region {region}."))
        })?;
    if count >= MAX_TEMPLATES {
        return Err(SesError::sender(
            "LimitExceeded",
            format!("An account can have at most {MAX_TEMPLATES} templates per region."),
        ));
    }
    if templates::db::find_template(&mut *tx, account, region, &template.name)
        .await?
        .is_some()
    {
        return Err(SesError::sender(
            "AlreadyExists",
            format!("Template {} already exists.", template.name),
        ));
    }
    templates::db::insert_template(&mut *tx, account, region, &template).await?;
    tx.commit().await?;
    Ok(XmlWriter::default())
}

pub async fn update(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "UpdateTemplate")?;
    let template = template_parameter(call)?;
    let (account, region) = (call.caller.account(), call.caller.region());
    let updated =
        templates::db::update_template(&call.api.context.pool, account, region, &template).await?;
    updated
        .then(XmlWriter::default)
        .ok_or_else(|| missing(&template.name))
}

pub async fn get(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "GetTemplate")?;
    let template = find(call, call.params.required("TemplateName")?).await?;
    let mut xml = XmlWriter::default();
    xml.element("Template", |w| {
        w.leaf("TemplateName", &template.name)
            .leaf("SubjectPart", &template.subject);
        if let Some(text) = &template.text_part {
            w.leaf("TextPart", text);
        }
        if let Some(html) = &template.html_part {
            w.leaf("HtmlPart", html);
        }
    });
    Ok(xml)
}

/// `DeleteTemplate`: succeeds whether or not the template exists.
pub async fn delete(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller.require(Permission::Send, "DeleteTemplate")?;
    let name = call.params.required("TemplateName")?;
    templates::db::delete_template(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
        name,
    )
    .await?;
    Ok(XmlWriter::default())
}

pub async fn list(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListTemplates")?;
    let all = templates::db::list_templates(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
    )
    .await?;
    let mut xml = XmlWriter::default();
    xml.element("TemplatesMetadata", |w| {
        for (name, created) in &all {
            w.element("member", |w| {
                w.leaf("Name", name).leaf(
                    "CreatedTimestamp",
                    &created.format(&Rfc3339).unwrap_or_default(),
                );
            });
        }
    });
    Ok(xml)
}
