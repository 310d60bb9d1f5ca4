//! Queries on invitations: checking, storing, listing, cancelling, taking one up, and
//! forgetting old ones.

use sqlx::PgExecutor;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{
    auth::Role,
    ids::{AccountId, UserId},
    users::Invitation,
};

/// What inviting `name` at `email` meets in the account: its name, whether one of its users
/// signs in with `email`, and whether a user or open invitation is named `name`.
pub struct InvitationCheck {
    pub account_name: String,
    pub email_taken: bool,
    pub name_taken: bool,
}

pub async fn check_invitation(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    name: &str,
    email: &str,
    validity_secs: f64,
) -> Result<InvitationCheck, sqlx::Error> {
    sqlx::query_as!(
        InvitationCheck,
        // language=PostgreSQL
        r#"select (select name from account where account_id = $1) as "account_name!",
                  exists (select 1 from account_user where account_id = $1 and email = $3) as "email_taken!",
                  exists (select 1 from account_user where account_id = $1 and name = $2)
                  or exists (select 1 from user_invitation
                             where account_id = $1 and name = $2 and email <> $3
                               and created_at > now() - make_interval(secs => $4)) as "name_taken!""#,
        account.as_str(),
        name,
        email,
        validity_secs
    )
    .fetch_one(db)
    .await
}

/// Records the invitation of `email` to the account, sent by the admin `invited_by`.
/// With `renew`, an earlier invitation of the address is replaced (its link dies); without,
/// an earlier one is left as it is (its link keeps working).
pub async fn put_invitation(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    invited_by: UserId,
    token: &str,
    (name, email, role): (&str, &str, Role),
    renew: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        // language=PostgreSQL
        r#"insert into user_invitation (invitation_id, token_hash, account_id, invited_by, name, email, role)
           values ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'), $3, $4, $5, $6, $7)
           on conflict (account_id, email) do update set
               invitation_id = excluded.invitation_id, token_hash = excluded.token_hash,
               invited_by = excluded.invited_by, name = excluded.name, role = excluded.role,
               created_at = now()
           where $8"#,
        Uuid::new_v4(),
        token,
        account.as_str(),
        invited_by as UserId,
        name,
        email,
        role.as_str(),
        renew
    )
    .execute(db)
    .await?;
    Ok(())
}

struct InvitationRow {
    invitation_id: Uuid,
    name: String,
    email: String,
    role: String,
    created_at: OffsetDateTime,
}

/// The account's invitations not yet accepted, newest first (expired ones too, marked).
pub async fn list_invitations(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    validity_secs: f64,
) -> Result<Vec<Invitation>, crate::error::AppError> {
    let rows = sqlx::query_as!(
        InvitationRow,
        // language=PostgreSQL
        r#"select invitation_id, name, email, role, created_at from user_invitation
           where account_id = $1 order by created_at desc"#,
        account.as_str()
    )
    .fetch_all(db)
    .await?;
    let validity = time::Duration::seconds_f64(validity_secs);
    rows.into_iter()
        .map(|r| {
            Ok(Invitation {
                invitation_id: r.invitation_id,
                name: r.name,
                email: r.email,
                role: r.role.parse().map_err(crate::server::errors::internal)?,
                sent: crate::server::shown(r.created_at),
                expired: r.created_at + validity < OffsetDateTime::now_utc(),
            })
        })
        .collect()
}

/// Withdraws an invitation of the account; returns its address, None if there is none.
pub async fn delete_invitation(
    db: impl PgExecutor<'_>,
    account: &AccountId,
    invitation: Uuid,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        // language=PostgreSQL
        r#"delete from user_invitation where account_id = $1 and invitation_id = $2
           returning email"#,
        account.as_str(),
        invitation
    )
    .fetch_optional(db)
    .await
}

/// An invitation as its link stands for it.
pub struct OpenInvitation {
    pub account_id: AccountId,
    pub account_name: String,
    pub name: String,
    pub email: String,
    pub role: String,
}

/// The invitation a link's token stands for, if it is younger than `validity_secs`, its
/// account is enabled and whoever sent it is still an enabled admin of it.
pub async fn find_invitation(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    sqlx::query_as!(
        OpenInvitation,
        // language=PostgreSQL
        r#"select i.account_id as "account_id: AccountId", a.name as account_name, i.name,
                  i.email, i.role
           from user_invitation i
           join account a on a.account_id = i.account_id and a.disabled_at is null
           join account_user u on u.user_id = i.invited_by and u.role = 'admin'
                               and u.disabled_at is null
           where i.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
             and i.created_at > now() - make_interval(secs => $2)"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// Spends the link: removes the invitation (on the terms of `find_invitation`) and
/// returns it — to one caller only, however many accept at once.
pub async fn take_invitation(
    db: impl PgExecutor<'_>,
    token: &str,
    validity_secs: f64,
) -> Result<Option<OpenInvitation>, sqlx::Error> {
    sqlx::query_as!(
        OpenInvitation,
        // language=PostgreSQL
        r#"delete from user_invitation i
           using account a, account_user u
           where i.token_hash = encode(sha256(convert_to($1, 'UTF8')), 'hex')
             and i.created_at > now() - make_interval(secs => $2)
             and a.account_id = i.account_id and a.disabled_at is null
             and u.user_id = i.invited_by and u.role = 'admin' and u.disabled_at is null
           returning i.account_id as "account_id: AccountId", a.name as account_name, i.name,
                     i.email, i.role"#,
        token,
        validity_secs
    )
    .fetch_optional(db)
    .await
}

/// Deletes invitations that expired more than `shown_secs` ago (until then the users page
/// shows them as expired, to invite again).
pub async fn forget_old_invitations(
    db: impl PgExecutor<'_>,
    validity_secs: f64,
    shown_secs: f64,
) -> Result<u64, sqlx::Error> {
    let deleted = sqlx::query!(
        // language=PostgreSQL
        r#"delete from user_invitation
           where created_at < now() - make_interval(secs => $1::float8 + $2::float8)"#,
        validity_secs,
        shown_secs
    )
    .execute(db)
    .await?;
    Ok(deleted.rows_affected())
}
