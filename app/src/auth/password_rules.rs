//! Password rules after OWASP ASVS 5.0 §6.2: at least 8 characters, at least 64 allowed (we
//! allow 128), no composition rules, no truncation, and the most common passwords refused.
//! Shared with the browser for immediate feedback; the common-password list is checked on
//! the server only (it would add 80 KB to the wasm bundle).

pub const MIN_CHARS: usize = 8;
pub const MAX_CHARS: usize = 128;

/// The rules in words, for the hint under a new-password field.
pub fn hint() -> &'static str {
    const _: () = assert!(MIN_CHARS == 8 && MAX_CHARS == 128, "update the hint below");
    "8 to 128 characters. Any characters; a long passphrase is best. Very common passwords are refused."
}

/// Checks the length rules; the message names the rule that failed.
pub fn check_length(password: &str) -> Result<(), String> {
    let chars = password.chars().count();
    if chars < MIN_CHARS {
        Err(format!("Use at least {MIN_CHARS} characters."))
    } else if chars > MAX_CHARS {
        Err(format!("Use at most {MAX_CHARS} characters."))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_limits_are_inclusive() {
        assert!(check_length("1234567").is_err());
        assert!(check_length("12345678").is_ok());
        assert!(check_length(&"x".repeat(64)).is_ok());
        assert!(check_length(&"x".repeat(128)).is_ok());
        assert!(check_length(&"x".repeat(129)).is_err());
        // Characters, not bytes: eight multi-byte characters are enough.
        assert!(check_length("ééééééé").is_err());
        assert!(check_length("éééééééé").is_ok());
    }
}
