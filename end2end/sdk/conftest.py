"""Fixtures for testing Sesame's SES API with the real clients (boto3, the AWS CLI).

./dev test starts Sesame and sets BASE_URL (where it listens) and SESAME_ADMIN (the admin
command line for its database); accounts and access keys are made with that command line,
as an operator would.
"""

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


def admin(*args: str) -> str:
    """Runs `sesame admin …` and returns its stdout."""
    command = shlex.split(os.environ["SESAME_ADMIN"]) + list(args)
    result = subprocess.run(
        command,
        env={**os.environ, "SESAME_PASSWORD": PASSWORD},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stderr}"
    return result.stdout


@dataclass
class Account:
    """An account, seen through one user's access key."""

    account_id: str
    user_email: str
    access_key_id: str
    secret_access_key: str

    def client(self, service: str = "ses", region: str = REGION, secret: str | None = None):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=os.environ["BASE_URL"],
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=secret or self.secret_access_key,
            # No retries: a refusal (Throttling included) is what the tests look at.
            config=Config(retries={"total_max_attempts": 1}),
        )

    def arn(self, identity: str) -> str:
        return f"arn:aws:ses:{REGION}:{self.account_id}:identity/{identity}"


def access_key(account_id: str, email: str) -> Account:
    lines = admin("create-access-key", "--account", account_id, "--email", email)
    values = dict(line.split("=", 1) for line in lines.strip().splitlines())
    return Account(account_id, email, values["ACCESS_KEY_ID"], values["SECRET_ACCESS_KEY"])


@pytest.fixture
def new_account():
    """Makes a fresh account (and its admin's access key) per call."""

    def make(name: str = "sdk") -> Account:
        email = f"{name}-{uuid.uuid4().hex[:12]}@sdk.example"
        account_id = admin("create-account", "--name", name, "--email", email).strip()
        return access_key(account_id, email)

    return make


@pytest.fixture
def unique():
    """A fresh domain name per call (the e2e database outlives a test run)."""
    return lambda prefix="d": f"{prefix}{uuid.uuid4().hex[:10]}.example"


def verified_domain(account: Account, domain: str) -> None:
    """Adds `domain`, publishes its records to Sesame's development DNS zone and waits until
    the verification worker has found them (./dev test runs it every second)."""
    ses = account.client()
    ses.verify_domain_identity(Domain=domain)
    admin("publish-dev-zone", "--account", account.account_id, "--identity", domain)
    for _ in range(60):
        attributes = ses.get_identity_verification_attributes(Identities=[domain])
        if attributes["VerificationAttributes"][domain]["VerificationStatus"] == "Success":
            return
        time.sleep(0.5)
    raise AssertionError(f"{domain} was not verified")


def set_quota(account: Account, per_day: int, per_second: int) -> None:
    admin(
        "set-quota",
        "--account", account.account_id,
        "--max-24-hour-send", str(per_day),
        "--max-send-rate", str(per_second),
    )
