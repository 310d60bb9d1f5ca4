"""The SMTP interface with real clients: Python's smtplib and swaks, over STARTTLS and TLS
from the first byte, against the relaying Sesame (relaying.py). A delegate's raw MIME with
X-SES headers must arrive at the receiving server DKIM-signed and without those headers;
refusals carry SES's SMTP codes; smuggling and unauthenticated relaying get nothing through."""

import base64
import json
import smtplib
import socket
import subprocess
import uuid
from dataclasses import dataclass
from email import message_from_bytes

import dkim
import pytest

from conftest import Account, set_quota, smtp_password, verified_domain
from relaying import Relaying, txt_from_zone


@dataclass
class Delegation:
    owner: Account
    delegate: Account
    domain: str
    arn: str

    @property
    def user(self) -> str:
        return self.delegate.access_key_id

    @property
    def password(self) -> str:
        return smtp_password(self.delegate.secret_access_key, "us-east-1")

    def message(self, to: str, subject: str) -> str:
        return (
            f"X-SES-SOURCE-ARN: {self.arn}\r\n"
            f"X-SES-FROM-ARN: {self.arn}\r\n"
            f"X-SES-MESSAGE-TAGS: campaign=weekly\r\n"
            f"From: News <news@{self.domain}>\r\n"
            f"To: {to}\r\n"
            f"Subject: {subject}\r\n"
            "\r\n"
            "Sent over SMTP.\r\n"
        )


def recipient() -> str:
    return f"reader-{uuid.uuid4().hex[:10]}@elsewhere.example"


@pytest.fixture(scope="module")
def delegation(relaying: Relaying) -> Delegation:
    """An owner's domain shared with a delegate (both out of the sandbox)."""
    sesame = relaying.sesame
    owner, delegate = sesame.new_account("owner"), sesame.new_account("delegate")
    for account in (owner, delegate):
        sesame.admin("set-production-access", "--account", account.account_id)
    set_quota(delegate, 1000, 100)
    domain = f"smtp{uuid.uuid4().hex[:8]}.example"
    verified_domain(owner, domain)
    arn = owner.arn(domain)
    owner.client().put_identity_policy(
        Identity=domain,
        PolicyName="delegate",
        Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": delegate.account_id},
                "Action": ["ses:SendRawEmail"],
                "Resource": arn,
            }],
        }),
    )
    return Delegation(owner, delegate, domain, arn)


def connect(relaying: Relaying, mode: str) -> smtplib.SMTP:
    context = relaying.smtp_tls_context()
    if mode == "tls":
        return smtplib.SMTP_SSL("127.0.0.1", relaying.smtp_tls, context=context, timeout=30)
    smtp = smtplib.SMTP("127.0.0.1", relaying.smtp_starttls, timeout=30)
    smtp.starttls(context=context)
    return smtp


@pytest.mark.parametrize("mode", ["starttls", "tls"])
def test_smtplib_sends_raw_mime_that_arrives_signed_without_x_ses_headers(
    mode, relaying, receiver, delegation
):
    _, inbox = receiver
    to = recipient()
    with connect(relaying, mode) as smtp:
        smtp.login(delegation.user, delegation.password)
        bounce = f"bounces@{delegation.domain}"
        smtp.sendmail(bounce, [to], delegation.message(to, f"Over {mode}"))
        # The reply to DATA carried the MessageId.
        code, text = smtp.noop()
        assert code == 250

    arrival = inbox.wait_for(to)
    assert arrival.mail_from == bounce
    assert b"x-ses-" not in arrival.content.lower(), arrival.content.decode()
    headers = message_from_bytes(arrival.content)
    assert headers["Subject"] == f"Over {mode}"
    assert f"d={delegation.domain}" in headers["DKIM-Signature"]
    assert dkim.verify(arrival.content, dnsfunc=txt_from_zone(relaying.zone))


def test_the_reply_to_data_is_250_ok_with_the_message_id(relaying, delegation):
    with connect(relaying, "starttls") as smtp:
        smtp.login(delegation.user, delegation.password)
        smtp.mail(f"news@{delegation.domain}")
        smtp.rcpt(recipient())
        code, text = smtp.data(delegation.message("x@elsewhere.example", "Id").encode())
    assert code == 250
    assert text.decode().startswith("Ok ") and text.decode().endswith("-000000")


@pytest.mark.parametrize("mode", ["--tls", "--tls-on-connect"])
def test_swaks_sends_with_x_ses_headers(mode, relaying, receiver, delegation):
    _, inbox = receiver
    to = recipient()
    port = relaying.smtp_tls if mode == "--tls-on-connect" else relaying.smtp_starttls
    result = subprocess.run(
        [
            "swaks", "--server", f"127.0.0.1:{port}", mode,
            "--auth", "PLAIN", "--auth-user", delegation.user, "--auth-password", delegation.password,
            "--from", f"news@{delegation.domain}", "--to", to,
            "--header", f"From: news@{delegation.domain}",
            "--header", f"X-SES-SOURCE-ARN: {delegation.arn}",
            "--header", "Subject: From swaks",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "<~  250 Ok " in result.stdout
    arrival = inbox.wait_for(to)
    assert b"x-ses-" not in arrival.content.lower()
    assert dkim.verify(arrival.content, dnsfunc=txt_from_zone(relaying.zone))


def test_a_bad_password_is_535(relaying, delegation):
    with connect(relaying, "starttls") as smtp:
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            smtp.login(delegation.user, smtp_password("wrong-secret", "us-east-1"))
    assert refused.value.smtp_code == 535
    assert refused.value.smtp_error == b"Authentication Credentials Invalid"


def test_auth_before_starttls_is_530(relaying, delegation):
    with smtplib.SMTP("127.0.0.1", relaying.smtp_starttls, timeout=30) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("auth")
        assert smtp.has_extn("starttls")
        assert smtp.docmd("AUTH", "LOGIN") == (530, b"Must issue a STARTTLS command first")
    # swaks refuses to try AUTH the server does not offer in the clear.
    result = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{relaying.smtp_starttls}", "--auth", "PLAIN",
         "--auth-user", delegation.user, "--auth-password", delegation.password,
         "--to", recipient(), "--from", f"news@{delegation.domain}"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0


def test_an_identity_without_a_grant_is_access_denied(relaying):
    sesame = relaying.sesame
    owner, stranger = sesame.new_account("owner"), sesame.new_account("stranger")
    domain = f"nogrant{uuid.uuid4().hex[:8]}.example"
    verified_domain(owner, domain)
    message = (
        f"X-SES-SOURCE-ARN: {owner.arn(domain)}\r\nFrom: a@{domain}\r\n"
        "To: success@simulator.amazonses.com\r\nSubject: x\r\n\r\nx\r\n"
    )
    with connect(relaying, "starttls") as smtp:
        smtp.login(stranger.access_key_id, smtp_password(stranger.secret_access_key, "us-east-1"))
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail(f"a@{domain}", ["success@simulator.amazonses.com"], message)
    assert refused.value.smtp_code == 554
    text = refused.value.smtp_error.decode()
    assert text.startswith("Access denied: User `arn:aws:iam::" + stranger.account_id)
    assert text.endswith(f"is not authorized to perform `ses:SendRawEmail' on resource `{owner.arn(domain)}'")


def test_over_quota_is_454(relaying, delegation):
    sesame = relaying.sesame
    sender = sesame.new_account("quota")
    domain = f"quota{uuid.uuid4().hex[:8]}.example"
    verified_domain(sender, domain)
    set_quota(sender, 1, 100)
    # A real recipient: the mailbox simulator's do not count against the daily quota.
    team = f"team@{domain}"
    message = f"From: a@{domain}\r\nTo: {team}\r\nSubject: q\r\n\r\nq\r\n"
    with connect(relaying, "tls") as smtp:
        smtp.login(sender.access_key_id, smtp_password(sender.secret_access_key, "us-east-1"))
        smtp.sendmail(f"a@{domain}", [team], message)
        with pytest.raises(smtplib.SMTPDataError) as refused:
            smtp.sendmail(f"a@{domain}", [team], message)
    assert (refused.value.smtp_code, refused.value.smtp_error) == (
        454, b"Throttling failure: Daily message quota exceeded"
    )


SMUGGLING_ENDINGS = [b"\n.\n", b"\r\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n.\r", b"\r.\r"]


@pytest.mark.parametrize("ending", SMUGGLING_ENDINGS, ids=repr)
def test_smuggling_payloads_produce_at_most_one_message(ending, relaying, receiver, delegation):
    _, inbox = receiver
    first, smuggled, marker = recipient(), recipient(), recipient()
    sock = relaying.smtp_tls_context().wrap_socket(
        socket.create_connection(("127.0.0.1", relaying.smtp_tls), timeout=30),
        server_hostname="127.0.0.1",
    )
    replies = sock.makefile("rb")

    def command(line: bytes) -> bytes:
        sock.sendall(line + b"\r\n")
        reply = replies.readline()
        while reply[3:4] == b"-":
            reply = replies.readline()
        return reply

    replies.readline()
    assert command(b"EHLO smuggler.example").startswith(b"250")
    auth = base64.b64encode(f"\0{delegation.user}\0{delegation.password}".encode())
    assert command(b"AUTH PLAIN " + auth).startswith(b"235")
    assert command(f"MAIL FROM:<news@{delegation.domain}>".encode()).startswith(b"250")
    assert command(f"RCPT TO:<{first}>".encode()).startswith(b"250")
    assert command(b"DATA").startswith(b"354")
    payload = (
        delegation.message(first, "First").encode().rstrip(b"\r\n")
        + ending
        + f"MAIL FROM:<news@{delegation.domain}>\r\nRCPT TO:<{smuggled}>\r\nDATA\r\n".encode()
        + delegation.message(smuggled, "Smuggled").encode()
        + b".\r\n"
    )
    sock.sendall(payload)
    reply = replies.readline()
    assert reply.startswith(b"554"), reply
    assert replies.readline() == b"", "the connection stays open after a bare line break"
    sock.close()

    # A message sent afterwards arrives; by then anything queued before it has too.
    with connect(relaying, "starttls") as smtp:
        smtp.login(delegation.user, delegation.password)
        smtp.sendmail(f"news@{delegation.domain}", [marker], delegation.message(marker, "Marker"))
    inbox.wait_for(marker)
    assert inbox.to(smuggled) == []
    assert len(inbox.to(first)) <= 1


RELAY_TRICKS = [
    "victim@external.example",
    "user%victim@external.example@127.0.0.1",
    '"victim@external.example"@127.0.0.1',
    "@127.0.0.1:victim@external.example",
    "victim@external.example@127.0.0.1",
    "external.example!victim@127.0.0.1",
]


@pytest.mark.parametrize("to", RELAY_TRICKS)
def test_unauthenticated_relay_attempts_are_refused(to, relaying):
    result = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{relaying.smtp_starttls}", "--tls",
         "--from", "spammer@spam.example", "--to", to],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0, result.stdout
    assert "530 Authentication required" in result.stdout, result.stdout
