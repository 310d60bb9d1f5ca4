//! Any bytes as a signed request: the `Authorization` header, then method, path, query,
//! header lines and body, separated by NULs. Parsing and verifying never panic; and the
//! request signed as a client signs it always verifies, and never under another secret — so
//! the canonical form the verifier rebuilds cannot drift from what clients sign.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sesame_signer::authorization_header;
use sesame_wire::sigv4::{payload_hash, verify, Authorization, SignedRequest};
use time::macros::datetime;

const AMZ_DATE: &str = "20261202T101500Z";
const NOW: time::OffsetDateTime = datetime!(2026-12-02 10:16:00 UTC);

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\0');
    let header = parts.next().unwrap_or_default();
    let method = parts.next().unwrap_or("POST");
    let path = parts.next().unwrap_or("/");
    let query = parts.next().unwrap_or_default();
    let headers: Vec<(String, String)> = parts
        .next()
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect();
    let body = parts.next().unwrap_or_default();
    let hash = payload_hash(body.as_bytes());
    let request = |headers| SignedRequest {
        method,
        path,
        query,
        headers,
        payload_hash: &hash,
    };
    if let Ok(auth) = Authorization::parse(header) {
        let _ = verify(&request(&headers), &auth, "secret", NOW, 300);
    }

    // Round trip: the client signs the header names it is given, so keep the ones a
    // client could send (tokens, lower case) and add the two that must be signed.
    let mut signable: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| {
            !name.is_empty()
                && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
                && name != "host"
                && name != "x-amz-date"
        })
        .cloned()
        .collect();
    signable.push((
        "host".to_owned(),
        "email.us-east-1.amazonaws.com".to_owned(),
    ));
    signable.push(("x-amz-date".to_owned(), AMZ_DATE.to_owned()));
    let request = request(&signable);
    let signed = authorization_header("AKIDFUZZ", "secret", "us-east-1", AMZ_DATE, &request);
    let auth = Authorization::parse(&signed).expect("a client's header parses");
    assert_eq!(verify(&request, &auth, "secret", NOW, 300), Ok(()));
    assert!(verify(&request, &auth, "other", NOW, 300).is_err());
});
