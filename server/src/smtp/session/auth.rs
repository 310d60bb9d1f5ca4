//! AUTH on a submission session: PLAIN and LOGIN, only under TLS, the credentials
//! checked against the throttle first (`limits`) and then the stored key (`credentials`).

use std::borrow::Cow;

use app::{auth::throttle, error::AppError};
use base64::{engine::general_purpose::STANDARD, Engine};
use smtp_proto::{AUTH_LOGIN, AUTH_PLAIN};

use super::{write, Answer, Io, Next, Session, MAX_AUTH_FAILURES};
use crate::smtp::{
    credentials::{authenticate, Verdict},
    reply::Reply,
};

impl Session {
    pub(super) async fn auth(
        &mut self,
        io: &mut Io,
        mechanism: u64,
        initial: Cow<'_, str>,
    ) -> Answer {
        if !self.tls {
            return self
                .error(io, 530, "Must issue a STARTTLS command first")
                .await;
        }
        if !self.greeted {
            return self.error(io, 503, "5.5.1 Send EHLO first").await;
        }
        if self.user.is_some() {
            return self.error(io, 503, "5.5.1 Already authenticated").await;
        }
        if self.mail_from.is_some() {
            return self
                .error(
                    io,
                    503,
                    "5.5.1 AUTH is not allowed during a mail transaction",
                )
                .await;
        }
        let credentials = match mechanism {
            AUTH_PLAIN => self.plain(io, &initial).await?,
            AUTH_LOGIN => self.login(io, &initial).await?,
            _ => {
                return self
                    .error(io, 504, "5.5.4 Unrecognized authentication type")
                    .await
            }
        };
        let Some((user, password)) = credentials else {
            return self
                .error(io, 501, "5.5.2 Cannot decode the credentials")
                .await;
        };
        self.check(io, &user, &password).await
    }

    /// AUTH PLAIN's `authzid NUL authcid NUL password`, from the command or a 334 prompt.
    async fn plain(
        &mut self,
        io: &mut Io,
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
        io: &mut Io,
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
    async fn challenge(&mut self, io: &mut Io, prompt: &str) -> std::io::Result<Option<String>> {
        write(io, &format!("334 {prompt}\r\n")).await?;
        match io.command().await {
            Ok(Some(line)) if line != b"*" => Ok(Some(String::from_utf8_lossy(&line).into_owned())),
            Ok(_) => Ok(None),
            Err(_) => Err(std::io::ErrorKind::ConnectionAborted.into()),
        }
    }

    async fn check(&mut self, io: &mut Io, user: &str, password: &str) -> Answer {
        // Counted before the password is checked, in Postgres, shared by every process:
        // per client address and user name, user name alone and address alone.
        let pool = &self.shared.context.pool;
        let counted = ("smtp-auth", self.shared.auth_allowance);
        let client = self.client;
        match throttle::reserve(pool, counted, client, user).await {
            Ok(()) => {}
            Err(AppError::Throttled { .. }) => {
                tracing::warn!(client = %self.client, user, "SMTP AUTH refused: too many failures");
                return self
                    .reply(
                        io,
                        Reply::new(
                            454,
                            "4.7.0 Too many failed authentication attempts; try again later",
                        ),
                    )
                    .await;
            }
            Err(e) => {
                tracing::error!(error = %e, "SMTP AUTH could not be counted");
                return self
                    .reply(io, Reply::new(454, "Temporary authentication failure"))
                    .await;
            }
        }
        match authenticate(&self.shared.context, user, password).await {
            Ok(Verdict::Authenticated(found)) => {
                if let Err(e) = throttle::release(pool, counted, client, user).await {
                    tracing::warn!(error = %e, "SMTP AUTH success could not be counted");
                }
                self.user = Some(found);
                self.reply(io, Reply::new(235, "Authentication successful"))
                    .await
            }
            // A disabled account gets the answer wrong credentials get: the reply must not
            // tell that the secret was right.
            Ok(Verdict::Invalid | Verdict::AccountDisabled) => {
                tracing::warn!(client = %self.client, user, "SMTP AUTH failed");
                self.auth_failures += 1;
                write(io, "535 Authentication Credentials Invalid\r\n").await?;
                if self.auth_failures >= MAX_AUTH_FAILURES {
                    write(
                        io,
                        "421 4.7.0 Too many failed authentication attempts, closing connection\r\n",
                    )
                    .await?;
                    return Ok(Next::Close);
                }
                Ok(Next::Continue)
            }
            Err(e) => {
                tracing::error!(error = %e, "SMTP AUTH could not check credentials");
                self.reply(io, Reply::new(454, "Temporary authentication failure"))
                    .await
            }
        }
    }
}

fn decode(base64: &str) -> Option<String> {
    let bytes = STANDARD.decode(base64.trim()).ok()?;
    String::from_utf8(bytes).ok()
}
