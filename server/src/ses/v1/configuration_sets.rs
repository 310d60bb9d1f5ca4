//! `CreateConfigurationSet`, `DeleteConfigurationSet`, `ListConfigurationSets`: the
//! caller's sets in the request's region (their destinations are managed in the console).

use app::{
    auth::Permission,
    notifications::{check_set_name, db, sets},
};

use super::{Call, SesError, XmlWriter};

pub async fn create(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::Send, "CreateConfigurationSet")?;
    let name = check_set_name(call.params.required("ConfigurationSet.Name")?)
        .map_err(SesError::invalid_parameter)?;
    let (pool, caller) = (&call.api.context.pool, &call.caller);
    let actor = caller.actor(&call.parts, "CreateConfigurationSet");
    if !sets::create(pool, caller.account(), (caller.region(), name), &actor).await? {
        return Err(SesError::sender(
            "ConfigurationSetAlreadyExists",
            format!("Configuration set <{name}> already exists."),
        ));
    }
    Ok(XmlWriter::default())
}

pub async fn delete(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::Send, "DeleteConfigurationSet")?;
    let name = call.params.required("ConfigurationSetName")?;
    let (pool, caller) = (&call.api.context.pool, &call.caller);
    let actor = caller.actor(&call.parts, "DeleteConfigurationSet");
    if !sets::delete(pool, caller.account(), (caller.region(), name), &actor).await? {
        return Err(SesError::sender(
            "ConfigurationSetDoesNotExist",
            format!("Configuration set <{name}> does not exist."),
        ));
    }
    Ok(XmlWriter::default())
}

pub async fn list(call: &Call<'_>) -> Result<XmlWriter, SesError> {
    call.caller
        .require(Permission::ViewAccount, "ListConfigurationSets")?;
    let names = db::set_names(
        &call.api.context.pool,
        call.caller.account(),
        call.caller.region(),
    )
    .await?;
    let mut xml = XmlWriter::default();
    xml.element("ConfigurationSets", |w| {
        for name in &names {
            w.element("member", |w| {
                w.leaf("Name", name);
            });
        }
    });
    Ok(xml)
}
