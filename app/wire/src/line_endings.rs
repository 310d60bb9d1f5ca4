//! One rule for line breaks, applied where a message is accepted and again on the wire:
//! every bare CR, bare LF and CRLF becomes CRLF. A message is parsed (and so authorized)
//! with the very line breaks it is delivered with, so a lone CR cannot hide a header from
//! acceptance that a receiver then reads (`X-A: 1\rFrom: …`), and no lone `\n.\n` can end
//! DATA early at a lenient receiver (SMTP smuggling).

/// `raw` with every bare CR, bare LF and CRLF as CRLF, ending with CRLF.
pub fn normalise(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() + raw.len() / 64 + 2);
    let mut bytes = raw.iter().copied().peekable();
    while let Some(byte) = bytes.next() {
        match byte {
            b'\r' => {
                bytes.next_if_eq(&b'\n');
                out.extend_from_slice(b"\r\n");
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            other => out.push(other),
        }
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_carriage_returns_and_line_feeds_become_crlf() {
        assert_eq!(
            normalise(b"a\nb\rc\r\nd\n.\ne"),
            b"a\r\nb\r\nc\r\nd\r\n.\r\ne\r\n"
        );
        assert_eq!(normalise(b"a\r\n"), b"a\r\n");
        assert_eq!(normalise(b"\r\r\n"), b"\r\n\r\n");
    }

    #[test]
    fn normalising_twice_changes_nothing() {
        let once = normalise(b"X-A: 1\rFrom: b@x.example\n\nbody\r");
        assert_eq!(normalise(&once), once);
    }
}
