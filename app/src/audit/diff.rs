//! A policy's change as lines removed, added and kept (the documents as stored: SES keeps
//! a policy's text as written, so the diff is of what the owner wrote).

use similar::{ChangeTag, TextDiff};

use super::{DiffLine, LineChange};

/// The line diff from `before` to `after` (absent: an empty document).
pub fn diff(before: Option<&str>, after: Option<&str>) -> Vec<DiffLine> {
    let (before, after) = (before.unwrap_or(""), after.unwrap_or(""));
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|change| DiffLine {
            change: match change.tag() {
                ChangeTag::Delete => LineChange::Removed,
                ChangeTag::Insert => LineChange::Added,
                ChangeTag::Equal => LineChange::Kept,
            },
            text: change.value().trim_end_matches(['\r', '\n']).to_owned(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(lines: &[DiffLine]) -> String {
        lines
            .iter()
            .map(|l| match l.change {
                LineChange::Removed => '-',
                LineChange::Added => '+',
                LineChange::Kept => ' ',
            })
            .collect()
    }

    #[test]
    fn a_changed_line_is_removed_then_added_and_the_rest_kept() {
        let lines = diff(Some("{\n\"a\": 1,\n}"), Some("{\n\"a\": 2,\n}"));
        assert_eq!(tags(&lines), " -+ ");
        assert_eq!(lines[1].text, "\"a\": 1,");
        assert_eq!(lines[2].text, "\"a\": 2,");
    }

    #[test]
    fn a_created_document_is_all_added_and_a_deleted_one_all_removed() {
        assert_eq!(tags(&diff(None, Some("x\ny"))), "++");
        assert_eq!(tags(&diff(Some("x\ny"), None)), "--");
    }
}
