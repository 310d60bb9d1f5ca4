"""Relay delivery seen from the receiving side.

A second Sesame runs here in `relay` mode towards a real SMTP server (aiosmtpd) that
requires STARTTLS and then AUTH. A delegate sends with boto3 from an identity an owner shared with it;
the message must arrive with the right envelope, without X-SES headers, and DKIM-signed
with the owner's key — as dkimpy (an implementation independent of Sesame's) verifies,
looking the key up over DNS in Sesame's development zone.
"""

import json
import os
import shlex
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from email import message_from_bytes
from pathlib import Path

import dkim
import dns.resolver
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import Sesame, verified_domain


def free_port(udp_too: bool = False) -> int:
    """A loopback port free for TCP (and UDP, for a DNS server)."""
    for _ in range(50):
        with socket.socket() as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = tcp.getsockname()[1]
            if not udp_too:
                return port
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
                    udp.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


RELAY_USER, RELAY_PASSWORD = "sesame", "relay-secret-42"


def relay_credentials(server, session, envelope, mechanism, auth_data):
    """aiosmtpd authenticator: only Sesame's relay account."""
    valid = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == RELAY_USER.encode()
        and auth_data.password == RELAY_PASSWORD.encode()
    )
    return AuthResult(success=valid)


class Inbox:
    """aiosmtpd handler: keeps what it accepts."""

    def __init__(self):
        self.envelopes = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                envelope.original_content,
                session.ssl,
                session.authenticated,
            )
        )
        self.arrived.set()
        return "250 2.0.0 Ok: queued"


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    certs = tmp_path_factory.mktemp("certs")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", certs / "key.pem", "-out", certs / "cert.pem",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs / "cert.pem", certs / "key.pem")
    inbox = Inbox()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=relay_credentials,
    )
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="module")
def relaying(receiver):
    """A Sesame of its own, relaying to the receiver; yields it and its DNS zone's port."""
    controller, _ = receiver
    # Not under pytest's private temporary directory: when the tests run as root, the
    # embedded Postgres runs as `postgres` and must reach its data directory.
    data = Path(tempfile.mkdtemp(prefix="sesame-relay-"))
    data.chmod(0o755)
    binary = shlex.split(os.environ["SESAME_ADMIN"])[0]
    zone = free_port(udp_too=True)
    env = {
        **os.environ,
        "SESAME_DELIVERY__MODE": "relay",
        "SESAME_DELIVERY__RELAY__HOST": "127.0.0.1",
        "SESAME_DELIVERY__RELAY__PORT": str(controller.port),
        "SESAME_DELIVERY__RELAY__TLS": "starttls",
        "SESAME_DELIVERY__RELAY__ACCEPT_INVALID_CERTS": "true",
        "SESAME_DELIVERY__RELAY__USERNAME": RELAY_USER,
        "SESAME_DELIVERY__RELAY__PASSWORD": RELAY_PASSWORD,
        "SESAME_DELIVERY__POLL_MS": "100",
        "SESAME_DNS__DEV_ZONE_ADDR": f"127.0.0.1:{zone}",
        "SESAME_DNS__NAMESERVERS": f'["127.0.0.1:{zone}"]',
        "SESAME_VERIFICATION__POLL_SECS": "1",
        "SESAME_VERIFICATION__RETRY_SECS": "1",
    }
    log = open(data / "serve.out", "w+")
    server = subprocess.Popen(
        [binary, "serve", "--data-dir", str(data), "--http-addr", "127.0.0.1:0"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = None
    for _ in range(600):
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("Sesame is running at "):
                base = line.split()[4]
        if base or server.poll() is not None:
            break
        time.sleep(0.1)
    assert base, open(data / "serve.out").read()
    yield Sesame(base, (binary, "admin", "--data-dir", str(data))), zone
    server.terminate()
    server.wait(timeout=30)
    log.close()
    shutil.rmtree(data)


def txt_from_zone(zone: int):
    """dkimpy's DNS lookup, asking the development zone."""
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = ["127.0.0.1"]
    resolver.port = zone

    def lookup(name: bytes, timeout: int = 5) -> bytes:
        answer = resolver.resolve(name.decode().rstrip("."), "TXT", lifetime=timeout)
        return b"".join(b"".join(record.strings) for record in answer)

    return lookup


def test_a_delegated_send_arrives_over_starttls_and_auth_signed_with_the_owners_key(
    receiver, relaying
):
    _, inbox = receiver
    sesame, zone = relaying
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
    assert inbox.arrived.wait(30), "nothing arrived at the receiver"

    [(mail_from, recipients, content, tls, authenticated)] = inbox.envelopes
    assert tls is not None, "the relay did not use STARTTLS"
    assert authenticated, "the relay did not authenticate"
    assert mail_from == "bounces@owner.example"
    assert recipients == ["reader@elsewhere.example"]
    assert b"x-ses-" not in content.lower()
    headers = message_from_bytes(content)
    assert "d=owner.example" in headers["DKIM-Signature"]
    assert dkim.verify(content, dnsfunc=txt_from_zone(zone)), content.decode()

    # Tampering breaks it: the verifier is really checking.
    assert not dkim.verify(content.replace(b"Three", b"Four"), dnsfunc=txt_from_zone(zone))
    assert sent["MessageId"]
