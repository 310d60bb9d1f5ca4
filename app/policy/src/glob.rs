//! IAM wildcard matching (`*` any run of characters, `?` exactly one), in O(pattern × text)
//! time with no backtracking blow-up: the classic two-pointer scan that only ever returns
//! to the most recent `*`.

/// True if `text` matches `pattern`. `ignore_case` folds ASCII case (action names).
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Most patterns in policies are literal, and most text is ASCII: no allocation then.
    if !pattern.contains(['*', '?']) {
        return if ignore_case {
            pattern.eq_ignore_ascii_case(text)
        } else {
            pattern == text
        };
    }
    if pattern.is_ascii() && text.is_ascii() {
        return scan(pattern.as_bytes(), text.as_bytes(), b'*', b'?', |a, b| {
            a == b || (ignore_case && a.eq_ignore_ascii_case(&b))
        });
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    scan(&p, &t, '*', '?', |a, b| {
        a == b || (ignore_case && a.eq_ignore_ascii_case(&b))
    })
}

/// The two-pointer scan over characters (or bytes, for ASCII).
fn scan<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    any_run: T,
    any_one: T,
    same: impl Fn(T, T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0, 0);
    // Where the last `*` was, and where in the text its match currently ends.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == any_one || (p[pi] != any_run && same(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any_run {
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
    p[pi..].iter().all(|c| *c == any_run)
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

    /// The definition, as a slow recursive matcher (exponential, fine for short inputs).
    fn reference(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, _) => t.is_empty(),
            (Some('*'), _) => reference(&p[1..], t) || (!t.is_empty() && reference(p, &t[1..])),
            (Some('?'), Some(_)) => reference(&p[1..], &t[1..]),
            (Some(a), Some(b)) => a == b && reference(&p[1..], &t[1..]),
            (Some(_), None) => false,
        }
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_reference_matcher(pattern in "[ab*?é]{0,8}", text in "[abé]{0,8}") {
            let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
            proptest::prop_assert_eq!(matches(&pattern, &text, false), reference(&p, &t));
        }
    }
}
