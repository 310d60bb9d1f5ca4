//! Where sign-in leads: back to the page that asked for it (a partner link, say), given
//! as `next` on the sign-in page's address, when that is a path on this site; the Overview
//! otherwise. Anything else (`//evil.example`, `https://…`, `/\evil`) would make the
//! sign-in form an open redirect.

/// The sign-in page's address that comes back to `path` afterwards.
pub fn sign_in_href(path: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("next", path)
        .finish();
    format!("/sign-in?{query}")
}

/// Where to go after signing in, given the `next` the sign-in form carried.
pub fn after_sign_in(next: Option<&str>) -> &str {
    next.filter(|path| is_local_path(path))
        .unwrap_or("/overview")
}

/// A path on this site: one leading slash, then no second slash or backslash right after
/// it, no scheme, no control characters, not absurdly long.
fn is_local_path(path: &str) -> bool {
    let rest = match path.strip_prefix('/') {
        Some(rest) => rest,
        None => return false,
    };
    let segments = rest.split(['?', '#']).next().unwrap_or_default();
    path.len() <= 512
        && !rest.starts_with(['/', '\\'])
        && !path.chars().any(|c| c.is_control() || c == '\\')
        // `/..//evil` is `//evil` once a browser resolves it.
        && !segments.split('/').any(|s| s == "." || s == "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_this_site_is_followed() {
        assert_eq!(after_sign_in(Some("/partners/abc")), "/partners/abc");
        assert_eq!(
            after_sign_in(Some("/messages?status=Bounced")),
            "/messages?status=Bounced"
        );
        for outside in [
            "//evil.example",
            "/\\evil.example",
            "/a\\b",
            "https://evil.example",
            "evil",
            "/x\r\nSet-Cookie: a=b",
            "/..//evil.example",
            "/.//evil.example",
            "",
        ] {
            assert_eq!(after_sign_in(Some(outside)), "/overview", "{outside:?}");
        }
        assert_eq!(
            after_sign_in(Some(&format!("/{}", "a".repeat(600)))),
            "/overview"
        );
        assert_eq!(after_sign_in(None), "/overview");
    }

    #[test]
    fn the_sign_in_address_carries_the_path() {
        assert_eq!(
            sign_in_href("/partners/a b"),
            "/sign-in?next=%2Fpartners%2Fa+b"
        );
    }
}
