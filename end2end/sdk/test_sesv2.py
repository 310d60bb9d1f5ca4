"""The v2 API through boto3's `sesv2` client: GetAccount and SendEmail with Simple and Raw
content, FromEmailAddressIdentityArn for a delegate, and v2's error names."""

import json

from conftest import set_quota, verified_domain
from test_ses_v1 import error_of

SIMULATOR = "success@simulator.amazonses.com"


def test_account_and_sending(new_account, unique):
    owner, delegate = new_account("owner"), new_account("delegate")
    domain = unique()
    verified_domain(owner, domain)
    set_quota(delegate, 200, 100)
    account = owner.client("sesv2").get_account()
    assert account["ProductionAccessEnabled"] is False
    assert account["SendQuota"] == {"Max24HourSend": 200.0, "MaxSendRate": 1.0, "SentLast24Hours": 0.0}

    arn = owner.arn(domain)
    ses = delegate.client("sesv2")
    simple = {
        "FromEmailAddress": f"News <news@{domain}>",
        "FromEmailAddressIdentityArn": arn,
        "Destination": {"ToAddresses": [SIMULATOR]},
        "Content": {"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi"}}}},
    }
    code, message, status = error_of(ses.send_email, **simple)
    assert (code, status) == ("AccessDeniedException", 403)
    assert f"is not authorized to perform `ses:SendEmail' on resource `{arn}'" in message

    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": delegate.account_id}, "Action": "ses:Send*", "Resource": arn}]}
    owner.client().put_identity_policy(Identity=domain, PolicyName="v2", Policy=json.dumps(policy))
    assert ses.send_email(**simple)["MessageId"].endswith("-000000")
    raw = f"From: news@{domain}\r\nTo: {SIMULATOR}\r\nSubject: Raw\r\n\r\nBody\r\n".encode()
    sent = ses.send_email(FromEmailAddressIdentityArn=arn, Content={"Raw": {"Data": raw}})
    assert sent["MessageId"].endswith("-000000")
    assert delegate.client("sesv2").get_account()["SendQuota"]["SentLast24Hours"] == 2.0

    code, _, status = error_of(ses.send_email, Destination={"ToAddresses": [SIMULATOR]}, Content={"Raw": {"Data": b"no headers"}})
    assert (code, status) == ("BadRequestException", 400)
