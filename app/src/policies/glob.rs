//! IAM wildcard matching (`*` any run of characters, `?` exactly one), in O(pattern × text)
//! time with no backtracking blow-up: the classic two-pointer scan that only ever returns
//! to the most recent `*`.

/// True if `text` matches `pattern`. `ignore_case` folds ASCII case (action names).
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and where in the text its match currently ends.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && same(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((star_pi, star_ti)) = star {
            // Let the last `*` swallow one more character and retry after it.
            pi = star_pi + 1;
            ti = star_ti + 1;
            star = Some((star_pi, star_ti + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn wildcards_match_as_in_iam() {
        assert!(matches("*@example.com", "ann@example.com", false));
        assert!(matches(
            "marketing+*@example.com",
            "marketing+spring@example.com",
            false
        ));
        assert!(!matches(
            "marketing+*@example.com",
            "sales@example.com",
            false
        ));
        assert!(matches(
            "invoicing*@example.com",
            "invoicing@example.com",
            false
        ));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("*", "", false));
        assert!(!matches("", "x", false));
        assert!(matches(
            "*admin*example.com",
            "sender@admin.example.com",
            false
        ));
        // `.` is literal, not a regex wildcard.
        assert!(!matches(
            "marketing+.*@example.com",
            "marketing+x@example.com",
            false
        ));
    }

    #[test]
    fn case_folding_is_opt_in() {
        assert!(!matches("Ann@example.com", "ann@example.com", false));
        assert!(matches("SES:Send*", "ses:SendRawEmail", true));
    }

    #[test]
    fn adversarial_patterns_stay_fast() {
        let pattern = "*a".repeat(1000) + "b";
        let text = "a".repeat(4000);
        let start = std::time::Instant::now();
        assert!(!matches(&pattern, &text, false));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            start.elapsed()
        );
    }
}
