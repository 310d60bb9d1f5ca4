//! SES's mailbox simulator: mail to `…@simulator.amazonses.com` is never sent anywhere;
//! its outcome is decided by the local part (a `+label` is ignored, for VERP testing).

use super::transport::{RecipientResult, Reply};

const DOMAIN: &str = "simulator.amazonses.com";

/// The simulated outcome, or None when `address` is not a simulator address.
pub fn simulate(address: &str) -> Option<RecipientResult> {
    let (local, domain) = address.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(DOMAIN) {
        return None;
    }
    let mailbox = local
        .split('+')
        .next()
        .unwrap_or(local)
        .to_ascii_lowercase();
    Some(match mailbox.as_str() {
        "bounce" => RecipientResult::Bounced(Reply::new(550, "5.1.1 user unknown")),
        "suppressionlist" => RecipientResult::Bounced(Reply::new(
            550,
            "5.1.1 recipient address is on the suppression list",
        )),
        // success, ooto and complaint are delivered (their auto-reply and complaint are
        // feedback, produced after delivery); so is anything else at the simulator.
        _ => RecipientResult::Delivered(Reply::new(250, "2.0.0 Ok: simulated delivery")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_local_part_decides_and_labels_are_ignored() {
        assert!(matches!(
            simulate("success@simulator.amazonses.com"),
            Some(RecipientResult::Delivered(_))
        ));
        let Some(RecipientResult::Bounced(reply)) = simulate("Bounce+run7@Simulator.AmazonSES.com")
        else {
            panic!("a labelled bounce address bounces");
        };
        assert_eq!(reply.to_string(), "550 5.1.1 user unknown");
        assert!(matches!(
            simulate("suppressionlist@simulator.amazonses.com"),
            Some(RecipientResult::Bounced(_))
        ));
        assert!(matches!(
            simulate("ooto@simulator.amazonses.com"),
            Some(RecipientResult::Delivered(_))
        ));
        assert!(simulate("bounce@example.com").is_none());
    }
}
