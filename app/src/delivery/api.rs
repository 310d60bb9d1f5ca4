//! Server functions: one message's delivery.

use leptos::prelude::*;

use super::MessageDetail;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::{
    auth::{session::require_account, Permission},
    server::app_context,
};

/// A message this account sent: recipients, attempts, events and source.
#[server(prefix = "/api", endpoint = "delivery/message")]
pub async fn get_message(message_id: String) -> Result<MessageDetail, AppError> {
    let caller = require_account(Permission::ViewAccount).await?;
    super::detail::message_detail(&app_context()?.pool, caller.account_id(), &message_id)
        .await?
        .ok_or_else(|| AppError::not_found("Message"))
}
