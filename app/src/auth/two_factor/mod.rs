//! Two-factor sign-in, for users and operators alike: a TOTP authenticator (RFC 6238 as
//! every authenticator app does it: HMAC-SHA-1, six digits, 30-second steps, one step of
//! clock drift either way) and ten one-time recovery codes. A code signs in once: the step
//! it matched is recorded, and only a later step's code is accepted after it. The secret is
//! sealed by the vault, bound to its holder (a user or an operator); recovery codes are
//! stored as SHA-256 (80 random bits each, so the hash is no shortcut to guessing).
//! Checking a code is throttled as a password is (`throttle`).

pub mod db;

use std::{future::Future, net::IpAddr};

use qrcode::{render::svg, QrCode};
use rand::{distributions::Uniform, Rng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use totp_rs::{Algorithm, TOTP};

use super::{session, throttle};
use crate::{
    audit::{self, Actor, AuditKind, Change, Log},
    auth::{session::Claimant, Enrolment},
    error::AppError,
    server::{context::AppContext, errors::internal},
};

const STEP_SECS: u64 = 30;
const DIGITS: usize = 6;
/// Steps of clock drift accepted either side of now.
const SKEW: u8 = 1;
/// 160 bits, RFC 4226's recommendation.
const SECRET_BYTES: usize = 20;
/// How many recovery codes a user gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// Recovery codes: 16 characters of an alphabet without look-alikes (0/o, 1/l/i), in four
/// groups of four.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const RECOVERY_CHARS: usize = 16;
/// The issuer authenticator apps show beside the account.
const ISSUER: &str = "Sesame";
/// Scope of the throttle keys for code checks.
const THROTTLE_SCOPE: &str = "two-factor";

/// A new random authenticator secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut secret);
    secret
}

/// The authenticator for `secret`, labelled with the address it signs in (a colon would
/// end the label early, so it goes).
fn authenticator(secret: &[u8], email: &str) -> TOTP {
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW,
        STEP_SECS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        email.replace(':', ""),
    )
}

/// The step whose code `code` is, within the drift allowed around `unix_secs`; compared in
/// constant time.
pub fn matching_step(secret: &[u8], code: &str, unix_secs: u64) -> Option<i64> {
    let totp = authenticator(secret, "");
    let now = unix_secs / STEP_SECS;
    let skew = u64::from(SKEW);
    (now.saturating_sub(skew)..=now + skew)
        .find(|step| {
            let expected = totp.generate(step * STEP_SECS);
            bool::from(expected.as_bytes().ct_eq(code.as_bytes()))
        })
        .and_then(|step| i64::try_from(step).ok())
}

/// The secret as people type it into an app: base32 in groups of four.
fn typed_secret(secret: &[u8]) -> String {
    let encoded = authenticator(secret, "").get_secret_base32();
    let groups: Vec<String> = encoded
        .as_bytes()
        .chunks(4)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect();
    groups.join(" ")
}

/// `url` as a QR code, an SVG document of black modules on white.
fn qr_svg(url: &str) -> Result<String, AppError> {
    let code = QrCode::new(url.as_bytes()).map_err(internal)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// A fresh set of recovery codes, as shown to the user (`abcd-efgh-jkmn-pqrs`).
pub fn new_recovery_codes() -> Vec<String> {
    let pick = Uniform::from(0..RECOVERY_ALPHABET.len());
    let mut rng = rand::thread_rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<u8> = (0..RECOVERY_CHARS)
                .map(|_| RECOVERY_ALPHABET[rng.sample(pick)])
                .collect();
            let groups: Vec<&str> = chars
                .chunks(4)
                .map(|g| std::str::from_utf8(g).unwrap_or_default())
                .collect();
            groups.join("-")
        })
        .collect()
}

/// What is stored of a recovery code: the SHA-256 of its characters, lower-cased, without
/// the hyphens and spaces people type or leave out.
pub fn recovery_code_hash(code: &str) -> String {
    let compact: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    Sha256::digest(compact.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A code as entered: six digits from the app, or a recovery code.
enum Entered {
    Totp(String),
    Recovery(String),
}

fn entered(code: &str) -> Entered {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == DIGITS && digits.chars().all(|c| c.is_ascii_digit()) {
        Entered::Totp(digits)
    } else {
        Entered::Recovery(recovery_code_hash(code))
    }
}

fn now_secs() -> u64 {
    u64::try_from(OffsetDateTime::now_utc().unix_timestamp()).unwrap_or_default()
}

/// Signs in a user or operator whose password is proven (as of `password_checked_at`;
/// `None` when it was set just now), then goes to `next`: straight in, or — when they have
/// two-factor sign-in on, or it is required of them — to the second step, which asks for a
/// code (or has them set an authenticator up first).
pub async fn admit(
    ctx: &AppContext,
    holder: Claimant,
    next: &str,
    password_checked_at: Option<OffsetDateTime>,
) -> Result<(), AppError> {
    let status = db::status(&ctx.pool, holder).await?;
    if status.enabled || status.required {
        session::hold_for_second_factor(holder, next, password_checked_at).await?;
        leptos_axum::redirect("/sign-in/two-factor");
    } else {
        session::establish(holder, password_checked_at, session::Proof::Password).await?;
        leptos_axum::redirect(next);
    }
    Ok(())
}

/// What the vault binds a holder's secret to.
fn bound_to(holder: Claimant) -> String {
    match holder {
        Claimant::User(user) => format!("totp:{user}"),
        Claimant::Operator(operator) => format!("totp:operator:{operator}"),
    }
}

/// Starts (or starts over) setting up an authenticator for `holder`: a new secret, not yet
/// counted for sign-in, as the app will scan it. `None` when two-factor sign-in is on
/// already.
pub async fn begin(ctx: &AppContext, holder: Claimant) -> Result<Option<Enrolment>, AppError> {
    let secret = new_secret();
    let sealed = ctx.vault.seal(&secret, &bound_to(holder));
    let Some(email) = db::put_enrolling(&ctx.pool, holder, &sealed).await? else {
        return Ok(None);
    };
    let url = authenticator(&secret, &email).get_url();
    Ok(Some(Enrolment {
        qr_svg: qr_svg(&url)?,
        secret: typed_secret(&secret),
    }))
}

/// The answer to setting up an authenticator when two-factor sign-in is on already.
pub fn already_on() -> AppError {
    AppError::Conflict {
        message: "Two-factor authentication is on already.".to_owned(),
    }
}

/// The holder's authenticator secret, confirmed or still enrolling, with the nonce it was
/// sealed under (which names this secret among those a holder may set up in turn).
async fn secret_of(
    ctx: &AppContext,
    holder: Claimant,
    confirmed: bool,
) -> Result<Option<(Vec<u8>, Vec<u8>)>, AppError> {
    let Some(sealed) = db::sealed_secret(&ctx.pool, holder, confirmed).await? else {
        return Ok(None);
    };
    let secret = ctx
        .vault
        .open(&sealed, &bound_to(holder))
        .map_err(internal)?;
    Ok(Some((secret, sealed.nonce)))
}

/// Finishes enrolling with a code from the new authenticator: two-factor sign-in is on,
/// with a fresh set of recovery codes (returned, to be shown once). `None` when the code
/// is not the enrolling authenticator's.
pub async fn confirm(
    ctx: &AppContext,
    holder: Claimant,
    code: &str,
    (log, actor): (&Log, &Actor),
) -> Result<Option<Vec<String>>, AppError> {
    let Some((secret, nonce)) = secret_of(ctx, holder, false).await? else {
        return Ok(None);
    };
    let Entered::Totp(digits) = entered(code) else {
        return Ok(None);
    };
    let Some(step) = matching_step(&secret, &digits, now_secs()) else {
        return Ok(None);
    };
    let codes = new_recovery_codes();
    let mut tx = ctx.pool.begin().await?;
    // The secret the code was checked against, not one a set-up started meanwhile put there.
    if !db::confirm(&mut *tx, holder, step, &nonce).await? {
        return Ok(None);
    }
    db::put_recovery_codes(&mut *tx, holder, &hashes(&codes)).await?;
    let change = Change::new(AuditKind::TwoFactorEnabled, "");
    audit::record_in(&mut *tx, log, actor, change).await?;
    tx.commit().await?;
    Ok(Some(codes))
}

fn hashes(codes: &[String]) -> Vec<String> {
    codes.iter().map(|c| recovery_code_hash(c)).collect()
}

/// Whether `code` — a code of the holder's authenticator not used before, or an unused
/// recovery code — proves the second factor; a matching code is spent.
pub async fn check(ctx: &AppContext, holder: Claimant, code: &str) -> Result<bool, AppError> {
    match entered(code) {
        Entered::Totp(digits) => {
            let Some((secret, _)) = secret_of(ctx, holder, true).await? else {
                return Ok(false);
            };
            match matching_step(&secret, &digits, now_secs()) {
                Some(step) => Ok(db::spend_step(&ctx.pool, holder, step).await?),
                None => Ok(false),
            }
        }
        Entered::Recovery(hash) => Ok(db::spend_recovery_code(&ctx.pool, holder, &hash).await?),
    }
}

/// Runs `check`, a code check for `holder` from `ip`, under the throttle (keys of its own,
/// with the tight [`throttle::SECOND_FACTOR`] allowance): `None` from it is an incorrect
/// code.
pub async fn throttled<T>(
    ctx: &AppContext,
    ip: IpAddr,
    holder: Claimant,
    check: impl Future<Output = Result<Option<T>, AppError>>,
) -> Result<T, AppError> {
    let counted = (THROTTLE_SCOPE, throttle::SECOND_FACTOR);
    let key = holder.id().to_string();
    throttle::reserve(&ctx.pool, counted, ip, &key).await?;
    let Some(done) = check.await? else {
        return Err(AppError::field("code", "Incorrect code."));
    };
    throttle::release(&ctx.pool, counted, ip, &key).await?;
    Ok(done)
}

/// Replaces the holder's recovery codes with a fresh set (returned, to be shown once).
pub async fn renew_recovery_codes(
    ctx: &AppContext,
    holder: Claimant,
    (log, actor): (&Log, &Actor),
) -> Result<Vec<String>, AppError> {
    let codes = new_recovery_codes();
    let mut tx = ctx.pool.begin().await?;
    db::put_recovery_codes(&mut *tx, holder, &hashes(&codes)).await?;
    let change = Change::new(AuditKind::RecoveryCodesRenewed, "");
    audit::record_in(&mut *tx, log, actor, change).await?;
    tx.commit().await?;
    Ok(codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 vectors, cut to six digits.
    #[test]
    fn codes_are_rfc_6238s() {
        let secret = b"12345678901234567890";
        for (time, code) in [
            (59, "287082"),
            (1111111109, "081804"),
            (1234567890, "005924"),
        ] {
            let step = matching_step(secret, code, time).map(|s| s as u64);
            assert_eq!(step, Some(time / STEP_SECS), "{time}");
        }
    }

    #[test]
    fn a_code_matches_one_step_either_side_and_no_further() {
        let secret = new_secret();
        let totp = authenticator(&secret, "");
        let now = 1_700_000_000;
        let code_at = |offset: i64| totp.generate((now as i64 + offset) as u64);
        assert!(matching_step(&secret, &code_at(0), now).is_some());
        assert!(matching_step(&secret, &code_at(-30), now).is_some());
        assert!(matching_step(&secret, &code_at(30), now).is_some());
        assert!(matching_step(&secret, &code_at(-90), now).is_none());
        assert!(matching_step(&secret, &code_at(90), now).is_none());
        assert!(matching_step(&secret, "12345", now).is_none());
    }

    #[test]
    fn recovery_codes_are_distinct_and_typed_loosely() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        let code = &codes[0];
        assert_eq!(code.len(), 19);
        let sloppy = format!(" {} ", code.replace('-', " ").to_uppercase());
        assert_eq!(recovery_code_hash(&sloppy), recovery_code_hash(code));
        assert_ne!(recovery_code_hash(&codes[1]), recovery_code_hash(code));
    }

    #[test]
    fn the_url_names_the_issuer_and_the_address() {
        let url = authenticator(&new_secret(), "ann@example.com").get_url();
        assert!(
            url.starts_with("otpauth://totp/Sesame:ann%40example.com?secret="),
            "{url}"
        );
        assert!(url.contains("issuer=Sesame"), "{url}");
    }
}
