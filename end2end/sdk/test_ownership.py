"""Proof of ownership, attacked with the real clients as another tenant would.

- An address is proved only by a link mailed to it: with the relaying Sesame (relay.py's
  aiosmtpd receiver behind it) the verification mail arrives at the address's server, and
  its link verifies the address.
- What is authorized is what is delivered: v2's `FromEmailAddress` beside a raw message
  never stands in for its From header, and lone CRs cannot smuggle a second From header to
  the receiver (counted there, with Python's own MIME parser).
- Public suffixes are not identities; forwarding cannot be turned off through v2 without
  destinations, as on the page and in v1.
"""

import json
import re
import urllib.parse
import urllib.request
import uuid
from email import message_from_bytes

from conftest import set_quota, verified_domain
from test_ses_v1 import error_of


def test_a_verification_link_is_mailed_to_the_address_and_verifies_it(receiver, relaying):
    _, inbox = receiver
    attacker = relaying.sesame.new_account("attacker")
    address = f"ceo-{uuid.uuid4().hex[:8]}@victim.example"
    ses = attacker.client()
    ses.verify_email_identity(EmailAddress=address)

    arrival = inbox.wait_for(address)
    assert arrival.recipients == [address]
    message = message_from_bytes(arrival.content)
    assert message["Auto-Submitted"] == "auto-generated"
    link = re.search(r"https?://\S+/verify-email/\S+", message.get_payload(decode=True).decode())
    assert link, arrival.content
    status = lambda: ses.get_identity_verification_attributes(Identities=[address])[
        "VerificationAttributes"][address]["VerificationStatus"]
    assert status() == "Pending"
    # Opening the link only offers to confirm (a mail scanner's fetch verifies nothing)…
    with urllib.request.urlopen(link.group(0)) as page:
        assert f"Confirm {address}".encode() in page.read()
    assert status() == "Pending"
    # …and pressing Confirm (a POST, as the page's form sends it) verifies the address.
    base = relaying.sesame.base_url
    token = link.group(0).rsplit("/", 1)[1]
    confirm = urllib.request.Request(
        f"{base}/api/identities/confirm-email",
        data=urllib.parse.urlencode({"token": token}).encode(),
        headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(confirm) as answer:
        assert json.load(answer)["status"] == "Success"
    assert status() == "Success"


def shared_domain(sesame, condition=None):
    """An owner with a verified domain and a delegate it grants every send from it (under
    `condition(domain)`, if given), out of the sandbox; returns (delegate, domain, arn)."""
    owner, delegate = sesame.new_account("owner"), sesame.new_account("delegate")
    for account in (owner, delegate):
        sesame.admin("set-production-access", "--account", account.account_id)
    set_quota(delegate, 10_000, 1_000)
    domain = f"d{uuid.uuid4().hex[:10]}.example"
    verified_domain(owner, domain)
    arn = owner.arn(domain)
    statement = {"Effect": "Allow", "Principal": {"AWS": delegate.account_id}, "Action": "ses:*", "Resource": arn}
    if condition:
        statement["Condition"] = condition(domain)
    owner.client().put_identity_policy(
        Identity=domain, PolicyName="delegate", Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    return delegate, domain, arn


def test_v2_from_email_address_never_replaces_the_from_header(receiver, relaying):
    _, inbox = receiver
    news_only = lambda domain: {"StringEquals": {"ses:FromAddress": f"news@{domain}"}}
    delegate, domain, arn = shared_domain(relaying.sesame, news_only)
    ses = delegate.client("sesv2")
    reader = f"reader-{uuid.uuid4().hex[:8]}@elsewhere.example"
    raw = f"From: CEO <ceo@{domain}>\r\nTo: {reader}\r\nSubject: Pay this invoice\r\n\r\nNow.\r\n".encode()
    code, _, status = error_of(
        ses.send_email,
        FromEmailAddress=f"news@{domain}",
        FromEmailAddressIdentityArn=arn,
        Content={"Raw": {"Data": raw}},
    )
    assert (code, status) == ("AccessDeniedException", 403)

    # The allowed From goes through, and is what arrives.
    allowed = raw.replace(f"CEO <ceo@{domain}>".encode(), f"News <news@{domain}>".encode())
    ses.send_email(FromEmailAddress=f"news@{domain}", FromEmailAddressIdentityArn=arn, Content={"Raw": {"Data": allowed}})
    arrival = inbox.wait_for(reader)
    assert message_from_bytes(arrival.content).get_all("From") == [f"News <news@{domain}>"]
    assert all(a.recipients != [reader] or b"ceo@" not in a.content for a in inbox.arrivals)


def test_lone_line_breaks_cannot_smuggle_a_second_from_to_the_receiver(receiver, relaying):
    _, inbox = receiver
    delegate, domain, arn = shared_domain(relaying.sesame)
    smuggled = f"CEO <ceo@{domain}>"
    variants = [
        f"X-A: 1\rFrom: {smuggled}\r\n",
        f"X-A: 1\nFrom: {smuggled}\r\n",
        f"\x0c\r\nFrom: {smuggled}\r\n",
        f"From\r\n : {smuggled}\r\n",
        f"From : {smuggled}\r\n",
        f"X-A: 1\r\rFrom: {smuggled}\r\n",
        f"Subject: x\r From: {smuggled}\r\n",
        f"X-A: 1\rX-SES-FROM-ARN: {arn}\r\n",
        "X-B: 2\r\n",
    ]
    clients = {"v1": delegate.client(), "v2": delegate.client("sesv2")}
    send = {
        "v1": lambda raw: clients["v1"].send_raw_email(SourceArn=arn, RawMessage={"Data": raw}),
        "v2": lambda raw: clients["v2"].send_email(FromEmailAddressIdentityArn=arn, Content={"Raw": {"Data": raw}}),
    }
    sent, refused = [], []
    for i, extra in enumerate(variants):
        for api in ("v1", "v2"):
            reader = f"reader{i}{api}-{uuid.uuid4().hex[:8]}@elsewhere.example"
            raw = f"From: News <news@{domain}>\r\n{extra}To: {reader}\r\nSubject: Variant {i}\r\n\r\nline\rbreak\r\n"
            try:
                send[api](raw.encode())
                sent.append(reader)
            except clients[api].exceptions.ClientError as error:
                assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, error.response
                refused.append((i, api))
    assert {(i, api) for i in range(5) for api in ("v1", "v2")} <= set(refused), refused
    assert len(sent) >= 4, "the harmless variants must go through"
    for reader in sent:
        arrival = inbox.wait_for(reader)
        message = message_from_bytes(arrival.content)
        assert message.get_all("From") == [f"News <news@{domain}>"], arrival.content
        assert b"x-ses-" not in arrival.content.lower()


def test_public_suffixes_are_not_identities(new_account):
    account = new_account()
    for suffix in ("co.uk", "github.io"):
        code, message, status = error_of(account.client().verify_domain_identity, Domain=suffix)
        assert (code, status) == ("InvalidParameterValue", 400)
        assert message.startswith(f"Invalid domain name {suffix}.")
        code, _, status = error_of(account.client("sesv2").create_email_identity, EmailIdentity=suffix)
        assert (code, status) == ("BadRequestException", 400)
    assert account.client().list_identities()["Identities"] == []


def test_v2_forwarding_cannot_be_turned_off_without_destinations(new_account, unique):
    account = new_account()
    domain = unique()
    account.client().verify_domain_identity(Domain=domain)
    v2 = account.client("sesv2")
    code, message, status = error_of(
        v2.put_email_identity_feedback_attributes, EmailIdentity=domain, EmailForwardingEnabled=False
    )
    assert (code, status) == ("BadRequestException", 400)
    assert "notification destinations" in message
    assert v2.get_email_identity(EmailIdentity=domain)["FeedbackForwardingStatus"] is True
