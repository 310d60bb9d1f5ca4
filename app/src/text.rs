//! Rules for text people will read that others wrote.

/// Format characters that change how text around them reads without showing themselves:
/// zero-width marks and joiners, bidirectional embeddings, overrides and isolates, the
/// soft hyphen, the byte-order mark. Names go into mail to strangers, subjects and user
/// agents onto pages; each must read as it is.
pub fn is_invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}
