"""A second Sesame, of the tests' own, in `relay` mode towards a real SMTP server (aiosmtpd)
that requires STARTTLS and then AUTH — mail seen from the receiving side. Its SMTP
submission listeners are on free ports too, with the certificate it generated."""

import os
import shlex
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import dns.resolver
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from conftest import Sesame

RELAY_USER, RELAY_PASSWORD = "sesame", "relay-secret-42"


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


def relay_credentials(server, session, envelope, mechanism, auth_data):
    """aiosmtpd authenticator: only Sesame's relay account."""
    valid = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == RELAY_USER.encode()
        and auth_data.password == RELAY_PASSWORD.encode()
    )
    return AuthResult(success=valid)


@dataclass(frozen=True)
class Arrival:
    mail_from: str
    recipients: list
    content: bytes
    tls: object
    authenticated: bool


class Inbox:
    """aiosmtpd handler: keeps what it accepts (tests share it: each looks for its own)."""

    def __init__(self):
        self.arrivals: list[Arrival] = []
        self.changed = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.changed:
            self.arrivals.append(
                Arrival(
                    envelope.mail_from,
                    list(envelope.rcpt_tos),
                    envelope.original_content,
                    session.ssl,
                    session.authenticated,
                )
            )
            self.changed.notify_all()
        return "250 2.0.0 Ok: queued"

    def to(self, recipient: str) -> list[Arrival]:
        return [a for a in self.arrivals if recipient in a.recipients]

    def wait_for(self, recipient: str, timeout: float = 30) -> Arrival:
        """The first message for `recipient`, waiting for it to arrive."""
        with self.changed:
            assert self.changed.wait_for(lambda: self.to(recipient), timeout), (
                f"nothing arrived for {recipient}"
            )
            return self.to(recipient)[0]


def start_receiver(cert_dir: Path):
    """The receiving SMTP server (STARTTLS, then AUTH); returns its controller and inbox."""
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-keyout", cert_dir / "key.pem", "-out", cert_dir / "cert.pem",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_dir / "cert.pem", cert_dir / "key.pem")
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
    return controller, inbox


@dataclass(frozen=True)
class Relaying:
    """The relaying Sesame: its API and admin command line, its DNS zone's port, and its
    SMTP submission listeners."""

    sesame: Sesame
    zone: int
    smtp_starttls: int
    smtp_tls: int
    smtp_cert: Path

    def smtp_tls_context(self) -> ssl.SSLContext:
        """A client TLS context trusting exactly the certificate this Sesame generated."""
        return ssl.create_default_context(cafile=self.smtp_cert)


def start_relaying(receiver_port: int):
    """Starts the relaying Sesame; returns it, its process, its log and its data dir."""
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
        "SESAME_DELIVERY__RELAY__PORT": str(receiver_port),
        "SESAME_DELIVERY__RELAY__TLS": "starttls",
        "SESAME_DELIVERY__RELAY__ACCEPT_INVALID_CERTS": "true",
        "SESAME_DELIVERY__RELAY__USERNAME": RELAY_USER,
        "SESAME_DELIVERY__RELAY__PASSWORD": RELAY_PASSWORD,
        "SESAME_DELIVERY__POLL_MS": "100",
        "SESAME_DNS__DEV_ZONE": "true",
        "SESAME_DNS__DEV_ZONE_ADDR": f"127.0.0.1:{zone}",
        "SESAME_DNS__NAMESERVERS": f'["127.0.0.1:{zone}"]',
        "SESAME_VERIFICATION__POLL_SECS": "1",
        "SESAME_VERIFICATION__RETRY_SECS": "1",
        "SESAME_SMTP__STARTTLS_ADDRS": '["127.0.0.1:0"]',
        "SESAME_SMTP__TLS_ADDRS": '["127.0.0.1:0"]',
    }
    log = open(data / "serve.out", "w+")
    server = subprocess.Popen(
        [binary, "serve", "--data-dir", str(data), "--http-addr", "127.0.0.1:0"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    found = {}
    for _ in range(600):
        log.seek(0)
        for line in log.read().splitlines():
            if line.startswith("Sesame is running at "):
                found["base"] = line.split()[4]
            elif line.startswith("SMTP submission (STARTTLS) on "):
                found["starttls"] = int(line.rsplit(":", 1)[1])
            elif line.startswith("SMTP submission (TLS) on "):
                found["tls"] = int(line.rsplit(":", 1)[1])
        if "base" in found or server.poll() is not None:
            break
        time.sleep(0.1)
    assert "base" in found, open(data / "serve.out").read()
    relaying = Relaying(
        Sesame(found["base"], (binary, "admin", "--data-dir", str(data))),
        zone,
        found["starttls"],
        found["tls"],
        data / "smtp-tls" / "cert.pem",
    )
    return relaying, server, log, data


def stop_relaying(server, log, data: Path) -> None:
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
