//! Generating access keys, and deriving SES SMTP passwords from their secrets.

use base64::{engine::general_purpose::STANDARD, Engine};
use hmac::{Hmac, Mac};
use rand::{distributions::Uniform, Rng};
use sha2::Sha256;

const ID_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn random_string(alphabet: &[u8], len: usize) -> String {
    let pick = Uniform::from(0..alphabet.len());
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| alphabet[rng.sample(pick)] as char)
        .collect()
}

/// `AKIA` + 16 upper-case alphanumerics (80 random bits, like IAM).
pub fn generate_access_key_id() -> String {
    format!("AKIA{}", random_string(ID_ALPHABET, 16))
}

/// 40 characters of base64's alphabet (240 random bits).
pub fn generate_secret() -> String {
    random_string(SECRET_ALPHABET, 40)
}

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The SES version-4 SMTP password for `secret` in `region`: the SigV4 key derivation with
/// the fixed date "11111111", service "ses", message "SendRawEmail", prefixed with 0x04 and
/// base64-encoded (44 characters, starting with "B").
pub fn smtp_password(secret: &str, region: &str) -> String {
    let mut key = hmac_sha256(format!("AWS4{secret}").as_bytes(), b"11111111");
    for part in [region, "ses", "aws4_request", "SendRawEmail"] {
        key = hmac_sha256(&key, part.as_bytes());
    }
    let mut bytes = Vec::with_capacity(33);
    bytes.push(0x04);
    bytes.extend_from_slice(&key);
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    #[test]
    fn smtp_passwords_match_the_published_vectors() {
        assert_eq!(
            smtp_password(SECRET, "us-east-1"),
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
        );
        assert_eq!(
            smtp_password(SECRET, "us-west-2"),
            "BF2PynzbSCAjX08zhZZnP/kW+T9P5zs/1Er0pi5vTEmd"
        );
        assert_eq!(
            smtp_password(SECRET, "eu-west-1"),
            "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk"
        );
    }

    #[test]
    fn generated_credentials_have_the_aws_shapes() {
        for _ in 0..50 {
            let id = generate_access_key_id();
            assert_eq!(id.len(), 20);
            assert!(id.starts_with("AKIA"));
            assert!(id[4..]
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
            let secret = generate_secret();
            assert_eq!(secret.len(), 40);
            assert!(secret.bytes().all(|b| SECRET_ALPHABET.contains(&b)));
        }
        assert_ne!(generate_secret(), generate_secret());
    }
}
