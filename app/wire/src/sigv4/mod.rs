//! AWS Signature Version 4 as SES verifies it: parse the `Authorization` header, rebuild the
//! canonical request from what arrived, derive the signing key from the secret and compare
//! signatures in constant time. No I/O: the caller supplies the secret and the clock.
//!
//! Canonicalisation follows botocore (the reference client): the path as sent is normalised
//! (dot segments removed, repeated slashes collapsed) and percent-encoded once more — so
//! `/v2/email/identities/a%40b.com` signs as `/…/a%2540b.com` — the query is decoded,
//! re-encoded and sorted, and header values are trimmed with inner runs of spaces collapsed.
//! `sesame-signer` (`app/signer`, for tests, benchmarks and fuzzing) signs the same way.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use time::{macros::format_description, OffsetDateTime, PrimitiveDateTime};

/// The one signing algorithm SES accepts.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Why a request's signature was refused, as SES names it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `Authorization` header at all.
    #[error("Request is missing Authentication Token")]
    Missing,
    /// The header is there but malformed or lacks a part (`IncompleteSignature`).
    #[error("{0}")]
    Incomplete(String),
    /// The signature (or what it covers) does not match (`SignatureDoesNotMatch`).
    #[error("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")]
    Mismatch,
    /// Signed too long ago or too far ahead (`RequestExpired`).
    #[error("Request timestamp: {signed} is more than {skew_secs} seconds away from the server time {now}.")]
    Expired {
        signed: String,
        now: String,
        skew_secs: i64,
    },
}

impl SignatureError {
    /// The error code SES answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "MissingAuthenticationToken",
            Self::Incomplete(_) => "IncompleteSignature",
            Self::Mismatch => "SignatureDoesNotMatch",
            Self::Expired { .. } => "RequestExpired",
        }
    }
}

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    /// `YYYYMMDD` from the credential scope.
    pub date: String,
    pub region: String,
    pub service: String,
    /// Lower-case header names, in the order the client signed them.
    pub signed_headers: Vec<String>,
    pub signature: String,
}

impl Authorization {
    pub fn parse(header: &str) -> Result<Self, SignatureError> {
        let incomplete = |what: &str| SignatureError::Incomplete(what.to_owned());
        let rest = header
            .strip_prefix(ALGORITHM)
            .filter(|r| r.starts_with(' '))
            .ok_or_else(|| {
                incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm.")
            })?;
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for part in rest.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or_else(|| {
                incomplete(&format!(
                    "Authorization header requires each component as key=value: {}",
                    part.trim()
                ))
            })?;
            match key {
                "Credential" => credential = Some(value),
                "SignedHeaders" => signed = Some(value),
                "Signature" => signature = Some(value),
                _ => {}
            }
        }
        let missing = |name: &str| {
            incomplete(&format!(
                "Authorization header requires '{name}' parameter. Authorization={header}"
            ))
        };
        let credential = credential.ok_or_else(|| missing("Credential"))?;
        let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
        let signature = signature.ok_or_else(|| missing("Signature"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
            return Err(incomplete(&format!(
                "Credential should be scoped to a valid region, service and aws4_request terminator: {credential}"
            )));
        };
        if access_key_id.is_empty() || date.len() != 8 || region.is_empty() {
            return Err(incomplete(&format!(
                "Credential should be scoped correctly: {credential}"
            )));
        }
        Ok(Self {
            access_key_id: access_key_id.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
            signed_headers: signed.split(';').map(str::to_ascii_lowercase).collect(),
            signature: signature.to_ascii_lowercase(),
        })
    }

    fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// A request as it arrived, for verification.
pub struct SignedRequest<'a> {
    pub method: &'a str,
    /// The path exactly as sent (still percent-encoded).
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Header names (any case) and values, in arrival order; repeated names allowed.
    pub headers: &'a [(String, String)],
    /// Hex SHA-256 of the body.
    pub payload_hash: &'a str,
}

/// Verifies `request` against the secret of `auth.access_key_id`. `now` is the server's
/// clock; requests signed more than `skew_secs` away from it are refused.
pub fn verify(
    request: &SignedRequest<'_>,
    auth: &Authorization,
    secret: &str,
    now: OffsetDateTime,
    skew_secs: i64,
) -> Result<(), SignatureError> {
    for required in ["host", "x-amz-date"] {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(SignatureError::Incomplete(format!(
                "'{required}' must be a 'SignedHeader' in the AWS Authorization."
            )));
        }
    }
    let amz_date = header_value(request.headers, "x-amz-date").ok_or_else(|| {
        SignatureError::Incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
                .to_owned(),
        )
    })?;
    let signed_at = parse_amz_date(&amz_date).ok_or_else(|| {
        SignatureError::Incomplete(format!("X-Amz-Date `{amz_date}` is not YYYYMMDDTHHMMSSZ."))
    })?;
    if !amz_date.starts_with(&auth.date) {
        return Err(SignatureError::Mismatch);
    }
    if (now - signed_at).whole_seconds().abs() > skew_secs {
        let show = format_description!("[year][month][day]T[hour][minute][second]Z");
        return Err(SignatureError::Expired {
            signed: amz_date,
            now: now.format(show).unwrap_or_default(),
            skew_secs,
        });
    }
    let canonical = canonical_request(request, &auth.signed_headers);
    let string_to_sign = string_to_sign(&amz_date, &auth.scope(), &canonical);
    let key = signing_key(secret, &auth.date, &auth.region, &auth.service);
    let expected = signature(&key, &string_to_sign);
    if expected.as_bytes().ct_eq(auth.signature.as_bytes()).into() {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The canonical request over `signed_headers`.
pub fn canonical_request(request: &SignedRequest<'_>, signed_headers: &[String]) -> String {
    let headers: String = signed_headers
        .iter()
        .map(|name| {
            let value = header_value(request.headers, name).unwrap_or_default();
            format!("{name}:{value}\n")
        })
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{}\n{}",
        request.method,
        canonical_uri(request.path),
        canonical_query(request.query),
        headers,
        signed_headers.join(";"),
        request.payload_hash
    )
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex(&Sha256::digest(canonical_request.as_bytes()))
    )
}

/// `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The hex signature of a string to sign.
pub fn signature(signing_key: &[u8; 32], string_to_sign: &str) -> String {
    hex(&hmac(signing_key, string_to_sign.as_bytes()))
}

/// All values of a header (case-insensitive name), trimmed, inner space runs collapsed,
/// joined with commas. None if absent.
fn header_value(headers: &[(String, String)], name: &str) -> Option<String> {
    let values: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    (!values.is_empty()).then(|| values.join(","))
}

/// True if normalising `path` (as `canonical_uri` does) would change nothing: no empty,
/// `.` or `..` segment (the root `/` aside).
pub fn is_normal_path(path: &str) -> bool {
    path == "/"
        || path
            .strip_prefix('/')
            .is_some_and(|rest| rest.split('/').all(|s| !matches!(s, "" | "." | "..")))
}

/// The path, normalised, with every byte outside RFC 3986's unreserved set (and `/`)
/// percent-encoded — on top of whatever encoding it arrived with.
fn canonical_uri(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let trailing = path.len() > 1 && path.ends_with('/') && !segments.is_empty();
    let mut uri = String::from("/");
    uri.push_str(
        &segments
            .iter()
            .map(|s| uri_encode(s.as_bytes()))
            .collect::<Vec<_>>()
            .join("/"),
    );
    if trailing {
        uri.push('/');
    }
    uri
}

/// The query's parameters decoded, re-encoded strictly and sorted by name, then value.
fn canonical_query(query: &str) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                uri_encode(&percent_decode(k)),
                uri_encode(&percent_decode(v)),
            )
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_digit = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex_digit(h).is_some() && hex_digit(l).is_some() => {
                out.push((hex_digit(h).unwrap_or(0) * 16 + hex_digit(l).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

fn parse_amz_date(value: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(value, format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Hex SHA-256 of a body, as the payload hash.
pub fn payload_hash(body: &[u8]) -> String {
    hex(&Sha256::digest(body))
}
