//! Signing as a client does (Sesame itself only verifies): the benchmarks, the tests and
//! the fuzzer sign their requests with this, through the same canonicalisation the
//! verifier uses (`sesame_wire::sigv4`). No product crate depends on it.

use sesame_wire::sigv4::{
    canonical_request, payload_hash, signature, signing_key, string_to_sign, SignedRequest,
    ALGORITHM,
};

/// The `Authorization` header a client sends for `request` to SES in `region`, signing
/// every header the request lists (lower-case names, sorted) at `amz_date`
/// (`YYYYMMDDTHHMMSSZ`). Sesame only verifies; its benchmark and tests sign with this.
pub fn authorization_header(
    access_key_id: &str,
    secret: &str,
    region: &str,
    amz_date: &str,
    request: &SignedRequest<'_>,
) -> String {
    let signed: Vec<String> = request.headers.iter().map(|(n, _)| n.clone()).collect();
    let date = &amz_date[..8];
    let scope = format!("{date}/{region}/ses/aws4_request");
    let to_sign = string_to_sign(amz_date, &scope, &canonical_request(request, &signed));
    let key = signing_key(secret, date, region, "ses");
    format!(
        "{ALGORITHM} Credential={access_key_id}/{scope}, SignedHeaders={}, Signature={}",
        signed.join(";"),
        signature(&key, &to_sign)
    )
}

/// The headers of a form POST to the v1 API at `/`, signed as botocore signs it: the
/// content type, `host`, `x-amz-date` (from `at`), the `extra` headers, and
/// `authorization`. Sesame only verifies; its benchmarks and tests send with this.
pub fn signed_form_post(
    host: &str,
    key: (&str, &str),
    region: &str,
    at: time::OffsetDateTime,
    body: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let form = (
        "POST",
        "/",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    signed_request(host, key, region, at, form, body, extra)
}

/// The headers of any request — `(method, path, content type)` with `body` — signed as
/// botocore signs it (as `signed_form_post` says; the API v2 takes JSON bodies).
pub fn signed_request(
    host: &str,
    (access_key_id, secret): (&str, &str),
    region: &str,
    at: time::OffsetDateTime,
    (method, path, content_type): (&str, &str, &str),
    body: &str,
    extra: &[(&str, &str)],
) -> Vec<(String, String)> {
    let at = at.to_offset(time::UtcOffset::UTC);
    let amz_date = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    );
    let mut headers = vec![
        ("content-type".to_owned(), content_type.to_owned()),
        ("host".to_owned(), host.to_owned()),
        ("x-amz-date".to_owned(), amz_date.clone()),
    ];
    headers.extend(
        extra
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned())),
    );
    headers.sort();
    let hash = payload_hash(body.as_bytes());
    let request = SignedRequest {
        method,
        path,
        query: "",
        headers: &headers,
        payload_hash: &hash,
    };
    let authorization = authorization_header(access_key_id, secret, region, &amz_date, &request);
    headers.push(("authorization".to_owned(), authorization));
    headers
}
