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
    account = delegate.client("sesv2").get_account()
    # The mailbox simulator's recipients count against the rate, not the daily quota.
    assert account["SendQuota"]["SentLast24Hours"] == 0.0
    assert (account["EnforcementStatus"], account["SendingEnabled"]) == ("HEALTHY", True)

    code, _, status = error_of(ses.send_email, Destination={"ToAddresses": [SIMULATOR]}, Content={"Raw": {"Data": b"no headers"}})
    assert (code, status) == ("BadRequestException", 400)


def test_identities_and_policies(new_account, unique):
    owner = new_account()
    ses = owner.client("sesv2")
    domain = unique()
    address = f"sender@{domain}"
    created = ses.create_email_identity(EmailIdentity=domain)
    assert created["IdentityType"] == "DOMAIN" and created["VerifiedForSendingStatus"] is False
    assert created["DkimAttributes"]["Tokens"][0].startswith("sesame")
    ses.create_email_identity(EmailIdentity=address)
    code, _, _ = error_of(ses.create_email_identity, EmailIdentity=domain)
    assert code == "AlreadyExistsException"
    names = {i["IdentityName"]: i for i in ses.list_email_identities()["EmailIdentities"]}
    assert names[address]["IdentityType"] == "EMAIL_ADDRESS"
    assert names[domain]["VerificationStatus"] == "PENDING"

    # An address in the path: botocore percent-encodes it, and signs it encoded twice.
    identity = ses.get_email_identity(EmailIdentity=address)
    assert identity["IdentityType"] == "EMAIL_ADDRESS" and identity["Policies"] == {}
    # Off needs the identity's own destinations for bounces and complaints (SES's rule).
    code, _, _ = error_of(ses.put_email_identity_feedback_attributes, EmailIdentity=address, EmailForwardingEnabled=False)
    assert code == "BadRequestException"
    ses.put_email_identity_feedback_attributes(EmailIdentity=address, EmailForwardingEnabled=True)
    assert ses.get_email_identity(EmailIdentity=address)["FeedbackForwardingStatus"] is True

    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "ses:SendEmail", "Resource": owner.arn(address)}]}
    ses.create_email_identity_policy(EmailIdentity=address, PolicyName="p", Policy=json.dumps(policy, indent=1))
    assert error_of(ses.create_email_identity_policy, EmailIdentity=address, PolicyName="p", Policy=json.dumps(policy))[0] == "AlreadyExistsException"
    assert ses.get_email_identity_policies(EmailIdentity=address)["Policies"] == {"p": json.dumps(policy, separators=(",", ":"))}
    ses.update_email_identity_policy(EmailIdentity=address, PolicyName="p", Policy=json.dumps(policy))
    code, _, status = error_of(ses.update_email_identity_policy, EmailIdentity=address, PolicyName="missing", Policy=json.dumps(policy))
    assert (code, status) == ("NotFoundException", 404)
    code, _, _ = error_of(ses.create_email_identity_policy, EmailIdentity=address, PolicyName="bad", Policy='{"Statement": []}')
    assert code == "BadRequestException"
    ses.delete_email_identity_policy(EmailIdentity=address, PolicyName="p")
    assert error_of(ses.delete_email_identity_policy, EmailIdentity=address, PolicyName="p")[0] == "NotFoundException"

    ses.delete_email_identity(EmailIdentity=address)
    code, _, status = error_of(ses.get_email_identity, EmailIdentity=address)
    assert (code, status) == ("NotFoundException", 404)
