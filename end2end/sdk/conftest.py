"""Fixtures for testing Sesame's SES API with the real clients (boto3, the AWS CLI).

./dev test starts Sesame and sets BASE_URL (where it listens) and SESAME_ADMIN (the admin
command line for its database); accounts and access keys are made with that command line,
as an operator would.
"""

import base64
import hashlib
import hmac
import os
import shlex
import subprocess
import uuid
from dataclasses import dataclass

import time

import boto3
import pytest
from botocore.config import Config

PASSWORD = "plum-ladder-sunrise-42"
REGION = "us-east-1"


@dataclass(frozen=True)
class Sesame:
    """A running Sesame: where its API listens, and its admin command line."""

    base_url: str
    admin_command: tuple[str, ...]

    @staticmethod
    def from_env() -> "Sesame":
        return Sesame(os.environ["BASE_URL"], tuple(shlex.split(os.environ["SESAME_ADMIN"])))

    def admin(self, *args: str) -> str:
        """Runs `sesame admin …` and returns its stdout."""
        result = subprocess.run(
            [*self.admin_command, *args],
            env={**os.environ, "SESAME_PASSWORD": PASSWORD},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{args}: {result.stderr}"
        return result.stdout

    def access_key(self, account_id: str, email: str) -> "Account":
        lines = self.admin("create-access-key", "--account", account_id, "--email", email)
        values = dict(line.split("=", 1) for line in lines.strip().splitlines())
        return Account(
            account_id, email, values["ACCESS_KEY_ID"], values["SECRET_ACCESS_KEY"], self
        )

    def new_account(self, name: str = "sdk") -> "Account":
        email = f"{name}-{uuid.uuid4().hex[:12]}@sdk.example"
        account_id = self.admin("create-account", "--name", name, "--email", email).strip()
        return self.access_key(account_id, email)


def admin(*args: str) -> str:
    """Runs `sesame admin …` against the Sesame under test."""
    return Sesame.from_env().admin(*args)


@dataclass
class Account:
    """An account, seen through one user's access key."""

    account_id: str
    user_email: str
    access_key_id: str
    secret_access_key: str
    sesame: Sesame

    def client(self, service: str = "ses", region: str = REGION, secret: str | None = None):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.sesame.base_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=secret or self.secret_access_key,
            # No retries: a refusal (Throttling included) is what the tests look at.
            config=Config(retries={"total_max_attempts": 1}),
        )

    def arn(self, identity: str) -> str:
        return f"arn:aws:ses:{REGION}:{self.account_id}:identity/{identity}"


def access_key(account_id: str, email: str) -> Account:
    return Sesame.from_env().access_key(account_id, email)


@pytest.fixture
def new_account():
    """Makes a fresh account (and its admin's access key) per call."""
    return Sesame.from_env().new_account


@pytest.fixture
def unique():
    """A fresh domain name per call (the e2e database outlives a test run)."""
    return lambda prefix="d": f"{prefix}{uuid.uuid4().hex[:10]}.example"


def verified_domain(account: Account, domain: str) -> None:
    """Adds `domain`, publishes its records to Sesame's development DNS zone and waits until
    the verification worker has found them (./dev test runs it every second)."""
    ses = account.client()
    ses.verify_domain_identity(Domain=domain)
    account.sesame.admin("publish-dev-zone", "--account", account.account_id, "--identity", domain)
    for _ in range(60):
        attributes = ses.get_identity_verification_attributes(Identities=[domain])
        if attributes["VerificationAttributes"][domain]["VerificationStatus"] == "Success":
            return
        time.sleep(0.5)
    raise AssertionError(f"{domain} was not verified")


def set_quota(account: Account, per_day: int, per_second: int) -> None:
    account.sesame.admin(
        "set-quota",
        "--account", account.account_id,
        "--max-24-hour-send", str(per_day),
        "--max-send-rate", str(per_second),
    )


def smtp_password(secret: str, region: str) -> str:
    """The SES version-4 SMTP password, computed as AWS documents it (independently of
    Sesame's own derivation)."""
    def sign(key: bytes, message: str) -> bytes:
        return hmac.new(key, message.encode(), hashlib.sha256).digest()

    signature = sign(("AWS4" + secret).encode(), "11111111")
    for part in (region, "ses", "aws4_request", "SendRawEmail"):
        signature = sign(signature, part)
    return base64.b64encode(bytes([0x04]) + signature).decode()


@pytest.fixture(scope="session")
def receiver(tmp_path_factory):
    """A real SMTP server requiring STARTTLS and AUTH; yields its controller and inbox."""
    from relaying import start_receiver

    controller, inbox = start_receiver(tmp_path_factory.mktemp("certs"))
    yield controller, inbox
    controller.stop()


@pytest.fixture(scope="session")
def relaying(receiver):
    """A Sesame of the tests' own, relaying to `receiver` (see relaying.py)."""
    from relaying import start_relaying, stop_relaying

    controller, _ = receiver
    running, server, log, data = start_relaying(controller.port)
    yield running
    stop_relaying(server, log, data)
