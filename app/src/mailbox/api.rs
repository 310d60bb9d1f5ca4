use leptos::prelude::*;
use uuid::Uuid;

use super::{MailboxEntry, MailboxMessage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use {
    super::db,
    crate::{
        auth::{session::require_account, Permission},
        server::app_context,
    },
};

/// What the account's sends delivered here (sink mode), and Sesame's own mail about the
/// account for those who manage its identities: a verification link is theirs to open.
#[server(prefix = "/api", endpoint = "mailbox/list")]
pub async fn list_mailbox() -> Result<Vec<MailboxEntry>, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    let sesame_mail = caller.role().allows(Permission::ManageIdentities);
    Ok(db::list_for_account(&app_context()?.pool, caller.account_id(), sesame_mail).await?)
}

#[server(prefix = "/api", endpoint = "mailbox/get")]
pub async fn get_mailbox_message(mailbox_message_id: Uuid) -> Result<MailboxMessage, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    db::find_for_account(
        &app_context()?.pool,
        caller.account_id(),
        caller.role().allows(Permission::ManageIdentities),
        mailbox_message_id,
    )
    .await?
    .ok_or_else(|| AppError::not_found("Message"))
}
