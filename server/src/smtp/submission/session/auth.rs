//! AUTH on a submission session: PLAIN and LOGIN, only under TLS, the credentials
//! counted against the throttle first (`app::auth::throttle`) and then checked against the
//! stored key (`app::access_keys::principal::smtp_login`).

use std::borrow::Cow;

use app::{
    access_keys::principal::{smtp_login, SmtpVerdict},
    auth::throttle,
    error::AppError,
};
use base64::{engine::general_purpose::STANDARD, Engine};
use smtp_proto::{AUTH_LOGIN, AUTH_PLAIN};

use super::{Session, MAX_AUTH_FAILURES};
use crate::smtp::{
    conversation::{Answer, Conversation, Next},
    reply::Reply,
};

impl Session {
    pub(super) async fn auth(
        &mut self,
        io: &mut Conversation,
        mechanism: u64,
        initial: Cow<'_, str>,
    ) -> Answer {
        if !io.tls {
            return io.refuse(530, "Must issue a STARTTLS command first").await;
        }
        if !self.greeted {
            return io.refuse(503, "5.5.1 Send EHLO first").await;
        }
        if self.user.is_some() {
            return io.refuse(503, "5.5.1 Already authenticated").await;
        }
        if self.mail_from.is_some() {
            return io
                .refuse(503, "5.5.1 AUTH is not allowed during a mail transaction")
                .await;
        }
        let credentials = match mechanism {
            AUTH_PLAIN => self.plain(io, &initial).await?,
            AUTH_LOGIN => self.login(io, &initial).await?,
            _ => {
                return io
                    .refuse(504, "5.5.4 Unrecognized authentication type")
                    .await
            }
        };
        let Some((user, password)) = credentials else {
            return io.refuse(501, "5.5.2 Cannot decode the credentials").await;
        };
        self.check(io, &user, &password).await
    }

    /// AUTH PLAIN's `authzid NUL authcid NUL password`, from the command or a 334 prompt.
    async fn plain(
        &mut self,
        io: &mut Conversation,
        initial: &str,
    ) -> std::io::Result<Option<(String, String)>> {
        let encoded = match initial {
            "" => match self.challenge(io, "").await? {
                Some(answer) => answer,
                None => return Ok(None),
            },
            given => given.to_owned(),
        };
        let Some(decoded) = decode(&encoded) else {
            return Ok(None);
        };
        let mut parts = decoded.split('\0');
        Ok(
            match (parts.next(), parts.next(), parts.next(), parts.next()) {
                (Some(_), Some(user), Some(password), None) => {
                    Some((user.to_owned(), password.to_owned()))
                }
                _ => None,
            },
        )
    }

    /// AUTH LOGIN: the user name (maybe given with the command), then the password.
    async fn login(
        &mut self,
        io: &mut Conversation,
        initial: &str,
    ) -> std::io::Result<Option<(String, String)>> {
        let user = match initial {
            "" => match self.challenge(io, "VXNlcm5hbWU6").await? {
                Some(answer) => answer,
                None => return Ok(None),
            },
            given => given.to_owned(),
        };
        let Some(user) = decode(&user) else {
            return Ok(None);
        };
        let Some(password) = self.challenge(io, "UGFzc3dvcmQ6").await? else {
            return Ok(None);
        };
        Ok(decode(&password).map(|password| (user, password)))
    }

    /// A `334` prompt and the client's answer; None if it cancelled (`*`) or went silent.
    async fn challenge(
        &mut self,
        io: &mut Conversation,
        prompt: &str,
    ) -> std::io::Result<Option<String>> {
        io.send(&Reply::new(334, prompt)).await?;
        match io.line().await {
            Ok(Some(line)) if line != b"*" => Ok(Some(String::from_utf8_lossy(&line).into_owned())),
            Ok(_) => Ok(None),
            Err(_) => Err(std::io::ErrorKind::ConnectionAborted.into()),
        }
    }

    async fn check(&mut self, io: &mut Conversation, user: &str, password: &str) -> Answer {
        // Counted before the password is checked, in Postgres, shared by every process:
        // per client address and user name, user name alone and address alone.
        let pool = &self.shared.context.pool;
        let counted = ("smtp-auth", self.shared.auth_allowance);
        let client = io.client;
        match throttle::reserve(pool, counted, client, user).await {
            Ok(()) => {}
            Err(AppError::Throttled { .. }) => {
                tracing::warn!(client = %io.client, user, "SMTP AUTH refused: too many failures");
                return io
                    .reply(
                        454,
                        "4.7.0 Too many failed authentication attempts; try again later",
                    )
                    .await;
            }
            Err(e) => {
                tracing::error!(error = %e, "SMTP AUTH could not be counted");
                return io.reply(454, "Temporary authentication failure").await;
            }
        }
        match smtp_login(&self.shared.context, user, password).await {
            Ok(SmtpVerdict::Authenticated(found)) => {
                if let Err(e) = throttle::release(pool, counted, client, user).await {
                    tracing::warn!(error = %e, "SMTP AUTH success could not be counted");
                }
                // A key held to other sources is refused here, before any message is sent
                // (submission checks again, for sessions that outlive a change).
                if let Some(because) = found.scope_refusal("SendRawEmail", Some(client)) {
                    tracing::warn!(client = %io.client, user, "SMTP AUTH refused by the key's scope");
                    let text = format!(
                        "5.7.8 Access denied: User: {} is not authorized to perform: ses:SendRawEmail because {because}",
                        found.user_arn()
                    );
                    return io.reply(535, &text).await;
                }
                self.user = Some(found);
                io.progressed();
                io.reply(235, "Authentication successful").await
            }
            // A disabled account gets the answer wrong credentials get: the reply must not
            // tell that the secret was right.
            Ok(SmtpVerdict::Invalid | SmtpVerdict::AccountDisabled) => {
                tracing::warn!(client = %io.client, user, "SMTP AUTH failed");
                self.auth_failures += 1;
                io.send(&Reply::new(535, "Authentication Credentials Invalid"))
                    .await?;
                if self.auth_failures >= MAX_AUTH_FAILURES {
                    return io
                        .close(
                            421,
                            "4.7.0 Too many failed authentication attempts, closing connection",
                        )
                        .await;
                }
                Ok(Next::Continue)
            }
            Err(e) => {
                tracing::error!(error = %e, "SMTP AUTH could not check credentials");
                io.reply(454, "Temporary authentication failure").await
            }
        }
    }
}

fn decode(base64: &str) -> Option<String> {
    let bytes = STANDARD.decode(base64.trim()).ok()?;
    String::from_utf8(bytes).ok()
}
