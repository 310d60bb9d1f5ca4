"""Relay delivery seen from the receiving side.

The relaying Sesame (relaying.py) relays to a real SMTP server (aiosmtpd) that requires
STARTTLS and then AUTH. A delegate sends with boto3 from an identity an owner shared with
it; the message must arrive with the right envelope, without X-SES headers, and DKIM-signed
with the owner's key — as dkimpy (an implementation independent of Sesame's) verifies,
looking the key up over DNS in Sesame's development zone.
"""

import json
from email import message_from_bytes

import dkim

from conftest import verified_domain
from relaying import txt_from_zone


def test_a_delegated_send_arrives_over_starttls_and_auth_signed_with_the_owners_key(
    receiver, relaying
):
    _, inbox = receiver
    sesame, zone = relaying.sesame, relaying.zone
    owner = sesame.new_account("owner")
    delegate = sesame.new_account("delegate")
    for account in (owner, delegate):
        sesame.admin("set-production-access", "--account", account.account_id)
    verified_domain(owner, "owner.example")
    identity = owner.arn("owner.example")
    owner.client().put_identity_policy(
        Identity="owner.example",
        PolicyName="delegate",
        Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": delegate.account_id},
                "Action": ["ses:SendRawEmail"],
                "Resource": identity,
            }],
        }),
    )

    raw = (
        f"X-SES-SOURCE-ARN: {identity}\r\n"
        f"X-SES-RETURN-PATH-ARN: {identity}\r\n"
        "From: Owner News <news@owner.example>\r\n"
        "To: reader@elsewhere.example\r\n"
        "Subject: This week\r\n"
        "\r\n"
        "Three things happened.\r\n"
    )
    sent = delegate.client().send_raw_email(
        Source="bounces@owner.example",
        RawMessage={"Data": raw.encode()},
    )
    arrival = inbox.wait_for("reader@elsewhere.example")
    assert arrival.tls is not None, "the relay did not use STARTTLS"
    assert arrival.authenticated, "the relay did not authenticate"
    assert arrival.mail_from == "bounces@owner.example"
    assert arrival.recipients == ["reader@elsewhere.example"]
    content = arrival.content
    assert b"x-ses-" not in content.lower()
    headers = message_from_bytes(content)
    assert "d=owner.example" in headers["DKIM-Signature"]
    assert dkim.verify(content, dnsfunc=txt_from_zone(zone)), content.decode()

    # Tampering breaks it: the verifier is really checking.
    assert not dkim.verify(content.replace(b"Three", b"Four"), dnsfunc=txt_from_zone(zone))
    assert sent["MessageId"]
