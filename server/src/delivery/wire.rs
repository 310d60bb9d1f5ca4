//! The message as it goes on the wire: every line ending CRLF (`app::sending::
//! line_endings`, the rule acceptance parsed it with), then DKIM-signed (mail-auth,
//! RustCrypto keys) with the key of the owner's domain identity.

use mail_auth::{
    common::{
        crypto::{Ed25519Key, RsaKey, Sha256, SigningKey},
        headers::HeaderWriter,
    },
    dkim::DkimSigner,
};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::DecodePrivateKey;

use app::identities::DkimAlgorithm;

/// Headers signed when present: what a recipient reads and what threads or unsubscribes.
const SIGNED_HEADERS: [&str; 16] = [
    "From",
    "Sender",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "To",
    "Cc",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "In-Reply-To",
    "References",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Feedback-ID",
];

/// A domain's DKIM key, opened from the vault.
pub struct DkimKey {
    pub domain: String,
    pub selector: String,
    pub algorithm: DkimAlgorithm,
    /// PKCS#8 DER (RSA) or the 32-byte seed (Ed25519), as `identities::dkim` made it.
    pub private_key: Vec<u8>,
}

/// `message` (CRLF line endings) with a DKIM-Signature header in front.
pub fn sign(message: &[u8], key: &DkimKey) -> Result<Vec<u8>, String> {
    let header = match key.algorithm {
        DkimAlgorithm::Rsa2048 => {
            let der = rsa::RsaPrivateKey::from_pkcs8_der(&key.private_key)
                .and_then(|k| Ok(k.to_pkcs1_der()?))
                .map_err(|e| format!("the RSA key of {} does not load: {e}", key.domain))?;
            let signing = RsaKey::<Sha256>::from_pkcs1_der(der.as_bytes())
                .map_err(|e| format!("the RSA key of {} does not load: {e}", key.domain))?;
            signature_header(signing, key, message)?
        }
        DkimAlgorithm::Ed25519 => {
            let signing = Ed25519Key::from_bytes(&key.private_key)
                .map_err(|e| format!("the Ed25519 key of {} does not load: {e}", key.domain))?;
            signature_header(signing, key, message)?
        }
    };
    let mut signed = Vec::with_capacity(header.len() + message.len());
    signed.extend_from_slice(header.as_bytes());
    signed.extend_from_slice(message);
    Ok(signed)
}

fn signature_header(
    signing: impl SigningKey,
    key: &DkimKey,
    message: &[u8],
) -> Result<String, String> {
    DkimSigner::from_key(signing)
        .domain(key.domain.as_str())
        .selector(key.selector.as_str())
        .headers(SIGNED_HEADERS)
        .sign(message)
        .map(|signature| signature.to_header())
        .map_err(|e| format!("signing as {} failed: {e}", key.domain))
}

#[cfg(test)]
mod tests {
    use mail_auth::common::{parse::TxtRecordParser, verify::DomainKey};

    use super::*;

    #[test]
    fn signatures_name_the_domain_and_selector_and_cover_the_headers() {
        for algorithm in [DkimAlgorithm::Rsa2048, DkimAlgorithm::Ed25519] {
            let generated = app::identities::dkim::generate(algorithm).unwrap();
            let key = DkimKey {
                domain: "owner.example".into(),
                selector: generated.selector.clone(),
                algorithm,
                private_key: generated.private_key,
            };
            let message = sesame_wire::line_endings::normalise(
                b"From: a@owner.example\nTo: b@x.example\nSubject: Hi\n\nBody\n",
            );
            let signed = String::from_utf8(sign(&message, &key).unwrap()).unwrap();
            assert!(signed.starts_with("DKIM-Signature: "), "{signed}");
            let header = &signed[..signed.find("\r\nFrom:").unwrap()];
            assert!(header.contains("d=owner.example"), "{header}");
            assert!(
                header.contains(&format!("s={}", generated.selector)),
                "{header}"
            );
            let signed_headers: String = header[header.find("h=").unwrap()..]
                .split(';')
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            for name in ["From", "To", "Subject"] {
                assert!(
                    signed_headers.split([':', '=']).any(|h| h == name),
                    "{header}"
                );
            }
            // The published record parses as a DKIM key record.
            let record = app::identities::records::dkim_value(algorithm, &generated.public_key);
            assert!(DomainKey::parse(record.as_bytes()).is_ok());
        }
    }
}
