//! The AWS SigV4 test suite (tests/fixtures/sigv4/): for every case our canonical request
//! and string to sign equal AWS's, the signed request verifies, and any change to what was
//! signed — or a clock too far away — is refused.

#![allow(clippy::unwrap_used)]

use std::{fs, path::Path};

use sesame_wire::sigv4::{
    canonical_request, payload_hash, string_to_sign, verify, Authorization, SignatureError,
    SignedRequest,
};
use time::{format_description::well_known::Rfc3339, Duration, OffsetDateTime};

/// A request parsed from the suite's HTTP text (folded header lines joined with a space).
struct Parsed {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse(text: &str) -> Parsed {
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut lines = head.lines();
    let request_line = lines.next().unwrap();
    let (method, rest) = request_line.split_once(' ').unwrap();
    let target = rest.strip_suffix(" HTTP/1.1").unwrap();
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines {
        if line.starts_with([' ', '\t']) {
            headers
                .last_mut()
                .unwrap()
                .1
                .push_str(&format!(" {}", line.trim()));
        } else {
            let (name, value) = line.split_once(':').unwrap();
            headers.push((name.to_owned(), value.to_owned()));
        }
    }
    Parsed {
        method: method.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn read(case: &Path, file: &str) -> String {
    fs::read_to_string(case.join(file)).unwrap()
}

fn cases() -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sigv4");
    let mut cases: Vec<_> = fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_signed_case_canonicalises_signs_and_verifies_as_aws_does() {
    let mut checked = 0;
    for case in cases().iter().filter(|c| c.join("context.json").exists()) {
        let name = case.file_name().unwrap().to_string_lossy();
        let context: serde_json::Value = serde_json::from_str(&read(case, "context.json")).unwrap();
        let secret = context["credentials"]["secret_access_key"]
            .as_str()
            .unwrap();
        let now = OffsetDateTime::parse(context["timestamp"].as_str().unwrap(), &Rfc3339).unwrap();
        let signed = parse(&read(case, "header-signed-request.txt"));
        let header = &signed
            .headers
            .iter()
            .find(|(n, _)| n == "Authorization")
            .unwrap()
            .1;
        let auth = Authorization::parse(header).unwrap();
        let hash = payload_hash(&signed.body);
        let request = SignedRequest {
            method: &signed.method,
            path: &signed.path,
            query: &signed.query,
            headers: &signed.headers,
            payload_hash: &hash,
        };

        let canonical = canonical_request(&request, &auth.signed_headers);
        assert_eq!(
            canonical,
            read(case, "header-canonical-request.txt"),
            "{name}"
        );
        let amz_date = &signed
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
            .unwrap()
            .1;
        let scope = format!(
            "{}/{}/{}/aws4_request",
            auth.date, auth.region, auth.service
        );
        assert_eq!(
            string_to_sign(amz_date, &scope, &canonical),
            read(case, "header-string-to-sign.txt"),
            "{name}"
        );
        assert_eq!(
            auth.signature,
            read(case, "header-signature.txt").trim(),
            "{name}"
        );
        assert_eq!(verify(&request, &auth, secret, now, 300), Ok(()), "{name}");

        // The wrong secret, a changed signed header, a changed body: refused.
        let wrong = verify(&request, &auth, "not-the-secret", now, 300);
        assert_eq!(wrong, Err(SignatureError::Mismatch), "{name}");
        let mut tampered = signed.headers.clone();
        let host = tampered
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))
            .unwrap();
        host.1.push('x');
        let changed = SignedRequest {
            headers: &tampered,
            ..request_for(&signed, &hash)
        };
        assert_eq!(
            verify(&changed, &auth, secret, now, 300),
            Err(SignatureError::Mismatch),
            "{name}"
        );
        let other_hash = payload_hash(b"something else");
        let changed = SignedRequest {
            payload_hash: &other_hash,
            ..request_for(&signed, &hash)
        };
        assert_eq!(
            verify(&changed, &auth, secret, now, 300),
            Err(SignatureError::Mismatch),
            "{name}"
        );

        // Five minutes of skew either way are accepted, not more.
        for skew in [Duration::seconds(299), Duration::seconds(-299)] {
            assert_eq!(
                verify(&request, &auth, secret, now + skew, 300),
                Ok(()),
                "{name}"
            );
        }
        let late = verify(&request, &auth, secret, now + Duration::seconds(301), 300);
        assert!(
            matches!(late, Err(SignatureError::Expired { .. })),
            "{name}: {late:?}"
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} cases ran");
}

fn request_for<'a>(parsed: &'a Parsed, hash: &'a str) -> SignedRequest<'a> {
    SignedRequest {
        method: &parsed.method,
        path: &parsed.path,
        query: &parsed.query,
        headers: &parsed.headers,
        payload_hash: hash,
    }
}

#[test]
fn already_encoded_paths_are_encoded_again_as_botocore_does() {
    for name in ["double-encode-path", "double-url-encode"] {
        let case = cases().into_iter().find(|c| c.ends_with(name)).unwrap();
        let expected = read(&case, "header-canonical-request.txt");
        let lines: Vec<&str> = expected.lines().collect();
        let signed_headers: Vec<String> = lines[lines.len() - 2]
            .split(';')
            .map(str::to_owned)
            .collect();
        let parsed = parse(&read(&case, "request.txt"));
        // The suite's request and canonical request carry different dates; take the one
        // the canonical request was made with.
        let mut headers = parsed.headers.clone();
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case("x-amz-date") {
                *value = lines
                    .iter()
                    .find_map(|l| l.strip_prefix("x-amz-date:"))
                    .unwrap()
                    .to_owned();
            }
        }
        let request = SignedRequest {
            method: &parsed.method,
            path: &parsed.path,
            query: &parsed.query,
            headers: &headers,
            payload_hash: lines[lines.len() - 1],
        };
        assert_eq!(
            canonical_request(&request, &signed_headers),
            expected,
            "{name}"
        );
    }
}

#[test]
fn malformed_authorization_headers_are_incomplete_signatures() {
    for header in [
        "AWS4-HMAC-SHA1 Credential=AKID/20150830/us-east-1/ses/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/ses/aws4_request, SignedHeaders=host",
        "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00",
        "AWS4-HMAC-SHA256 Credential",
    ] {
        let error = Authorization::parse(header).unwrap_err();
        assert_eq!(error.code(), "IncompleteSignature", "{header}: {error}");
    }
    let parsed = Authorization::parse(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/ses/aws4_request, SignedHeaders=Host;X-Amz-Date, Signature=ABC",
    )
    .unwrap();
    assert_eq!(parsed.region, "eu-west-1");
    assert_eq!(parsed.service, "ses");
    assert_eq!(parsed.signed_headers, ["host", "x-amz-date"]);
}
