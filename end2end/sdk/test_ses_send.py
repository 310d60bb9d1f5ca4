"""Sending through the v1 API with boto3 and the AWS CLI: owners and delegates, SourceArn,
FromArn and X-SES headers, and SES's refusals (AccessDenied, unverified, sandbox, quota)."""

import json
import os
import subprocess
import time
import uuid

from conftest import REGION, set_quota, verified_domain
from test_ses_v1 import error_of

SIMULATOR = "success@simulator.amazonses.com"


def simple(source, to=SIMULATOR, **extra):
    return dict(
        Source=source,
        Destination={"ToAddresses": [to]},
        Message={"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}, "Html": {"Data": "<p>Hi</p>"}}},
        **extra,
    )


def test_owners_send_and_the_quota_counts_recipients(new_account, unique):
    owner = new_account()
    domain = unique()
    verified_domain(owner, domain)
    set_quota(owner, 200, 100)
    ses = owner.client()
    message_id = ses.send_email(**simple(f"Shop <shop@{domain}>", to=f"team@{domain}"))["MessageId"]
    assert message_id.endswith("-000000")
    assert ses.get_send_quota()["SentLast24Hours"] == 1.0
    # The mailbox simulator's recipients are not counted against the daily quota.
    ses.send_email(**simple(f"Shop <shop@{domain}>"))
    assert ses.get_send_quota()["SentLast24Hours"] == 1.0

    code, message, status = error_of(ses.send_email, **simple("shop@unverified.example"))
    assert (code, status) == ("MessageRejected", 400)
    assert message == f"Email address is not verified. The following identities failed the check in region {REGION.upper()}: shop@unverified.example"
    code, message, _ = error_of(ses.send_email, **simple(f"shop@{domain}", to="ann@customer.example"))
    assert code == "MessageRejected" and message.endswith(": ann@customer.example")

    set_quota(owner, 1, 100)
    code, message, status = error_of(ses.send_email, **simple(f"shop@{domain}", to=f"team@{domain}"))
    assert (code, message, status) == ("Throttling", "Daily message quota exceeded.", 400)


def test_delegates_send_with_arns_once_a_policy_allows(new_account, unique):
    owner, delegate = new_account("owner"), new_account("delegate")
    domain = unique()
    verified_domain(owner, domain)
    set_quota(delegate, 200, 100)
    arn = owner.arn(domain)
    ses = delegate.client()

    code, message, status = error_of(ses.send_email, **simple(f"news@{domain}", SourceArn=arn))
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User `arn:aws:iam::{delegate.account_id}:user/admin' is not authorized to perform "
        f"`ses:SendEmail' on resource `{arn}'"
    )

    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Delegate",
            "Effect": "Allow",
            "Principal": {"AWS": delegate.account_id},
            "Action": ["ses:SendEmail", "ses:SendRawEmail"],
            "Resource": arn,
        }],
    }
    owner.client().put_identity_policy(Identity=domain, PolicyName="delegate", Policy=json.dumps(policy))
    assert ses.send_email(**simple(f"news@{domain}", SourceArn=arn, ReturnPathArn=arn, ReturnPath=f"bounces@{domain}"))["MessageId"]

    raw = f"From: News <news@{domain}>\r\nTo: {SIMULATOR}\r\nSubject: Raw\r\n\r\nBody\r\n"
    assert ses.send_raw_email(RawMessage={"Data": raw}, FromArn=arn, SourceArn=arn)["MessageId"]
    # X-SES headers carry the ARNs when the parameters are absent.
    with_headers = f"X-SES-SOURCE-ARN: {arn}\r\nX-SES-FROM-ARN: {arn}\r\n" + raw
    assert ses.send_raw_email(RawMessage={"Data": with_headers})["MessageId"]

    # Revoking the grant denies the next send at once.
    owner.client().delete_identity_policy(Identity=domain, PolicyName="delegate")
    assert error_of(ses.send_raw_email, RawMessage={"Data": with_headers})[0] == "AccessDenied"

    # An ARN from another region.
    code, _, _ = error_of(ses.send_email, **simple(f"news@{domain}", SourceArn=arn.replace(REGION, "eu-west-1")))
    assert code == "InvalidParameterValue"


def test_the_aws_cli_sends_with_a_source_arn(new_account, unique):
    owner, delegate = new_account("owner"), new_account("delegate")
    domain = unique()
    verified_domain(owner, domain)
    arn = owner.arn(domain)
    policy = {"Statement": {"Effect": "Allow", "Principal": {"AWS": delegate.account_id}, "Action": "ses:SendEmail", "Resource": arn}}
    owner.client().put_identity_policy(Identity=domain, PolicyName="cli", Policy=json.dumps(policy))
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": delegate.access_key_id,
        "AWS_SECRET_ACCESS_KEY": delegate.secret_access_key,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    command = [
        "aws", "ses", "send-email", "--endpoint-url", os.environ["BASE_URL"], "--output", "json",
        "--from", f"news@{domain}", "--to", SIMULATOR, "--subject", "CLI", "--text", "Sent by the AWS CLI",
        "--source-arn", arn,
    ]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["MessageId"].endswith("-000000")


def test_send_statistics_count_recipients_per_interval(new_account, unique):
    owner = new_account()
    domain = unique()
    verified_domain(owner, domain)
    set_quota(owner, 200, 100)
    ses = owner.client()
    assert ses.get_send_statistics()["SendDataPoints"] == []
    ses.send_email(**simple(f"shop@{domain}"))
    ses.send_email(**simple(f"shop@{domain}", to=f"bounce+{uuid.uuid4().hex[:8]}@simulator.amazonses.com"))
    ses.send_email(**simple(f"shop@{domain}", to="complaint@simulator.amazonses.com"))
    # Outcomes arrive as the delivery workers record them.
    for _ in range(60):
        points = ses.get_send_statistics()["SendDataPoints"]
        if sum(p["Bounces"] for p in points) and sum(p["Complaints"] for p in points):
            break
        time.sleep(0.5)
    assert sum(p["DeliveryAttempts"] for p in points) == 3
    assert sum(p["Bounces"] for p in points) == 1
    assert sum(p["Complaints"] for p in points) == 1
    assert sum(p["Rejects"] for p in points) == 0
    for point in points:
        # botocore parses the timestamps; each starts a 15-minute interval.
        assert point["Timestamp"].minute % 15 == 0 and point["Timestamp"].second == 0
