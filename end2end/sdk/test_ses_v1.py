"""The SES v1 Query API through boto3 and the AWS CLI: identities, policies, the quota,
signature errors, roles and account isolation, with SES's error codes and texts."""

import dataclasses
import json
import os
import re
import subprocess
import urllib.parse
import urllib.request

import botocore.exceptions
import pytest

from conftest import REGION, access_key, admin


def error_of(call, *args, **kwargs):
    with pytest.raises(botocore.exceptions.ClientError) as raised:
        call(*args, **kwargs)
    response = raised.value.response
    return response["Error"]["Code"], response["Error"]["Message"], response["ResponseMetadata"]["HTTPStatusCode"]


def test_identities_round_trip(new_account, unique):
    ses = new_account().client()
    domain = unique()
    token = ses.verify_domain_identity(Domain=domain.upper())["VerificationToken"]
    assert len(token) == 44
    # Verifying again returns the same token instead of a new identity.
    assert ses.verify_domain_identity(Domain=domain)["VerificationToken"] == token
    assert ses.verify_domain_dkim(Domain=domain)["DkimTokens"][0].startswith("sesame")
    ses.verify_email_identity(EmailAddress=f"Sender@{domain}")

    assert ses.list_identities()["Identities"] == sorted([domain, f"sender@{domain}"])
    assert ses.list_identities(IdentityType="EmailAddress")["Identities"] == [f"sender@{domain}"]
    first = ses.list_identities(MaxItems=1)
    second = ses.list_identities(MaxItems=1, NextToken=first["NextToken"])
    assert first["Identities"] + second["Identities"] == sorted([domain, f"sender@{domain}"])
    assert "NextToken" not in second

    attributes = ses.get_identity_verification_attributes(
        Identities=[domain, f"sender@{domain}", "unknown.example"]
    )["VerificationAttributes"]
    assert attributes == {
        domain: {"VerificationStatus": "Pending", "VerificationToken": token},
        f"sender@{domain}": {"VerificationStatus": "Pending"},
    }
    dkim = ses.get_identity_dkim_attributes(Identities=[domain])["DkimAttributes"][domain]
    assert dkim["DkimEnabled"] is True and dkim["DkimVerificationStatus"] == "Pending"

    notifications = ses.get_identity_notification_attributes(Identities=[domain])
    assert notifications["NotificationAttributes"][domain]["ForwardingEnabled"] is True
    # Off only once the identity's own destinations take bounces and complaints (SES: SNS topics).
    code, message, status = error_of(ses.set_identity_feedback_forwarding_enabled, Identity=domain, ForwardingEnabled=False)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "notification destinations for both bounces and complaints" in message
    ses.set_identity_feedback_forwarding_enabled(Identity=domain, ForwardingEnabled=True)
    notifications = ses.get_identity_notification_attributes(Identities=[domain])
    assert notifications["NotificationAttributes"][domain]["ForwardingEnabled"] is True

    ses.delete_identity(Identity=f"sender@{domain}")
    ses.delete_identity(Identity=f"sender@{domain}")  # idempotent, as in SES
    assert ses.list_identities()["Identities"] == [domain]

    code, message, status = error_of(ses.verify_domain_identity, Domain="not a domain")
    assert (code, status) == ("InvalidParameterValue", 400)
    assert "not a valid domain name" in message


def test_policies_round_trip_with_ses_errors(new_account, unique):
    owner = new_account()
    ses = owner.client()
    domain = unique()
    ses.verify_domain_identity(Domain=domain)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Delegate",
                "Effect": "Allow",
                "Principal": {"AWS": "123456789012"},
                "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                "Resource": owner.arn(domain),
            }
        ],
    }
    ses.put_identity_policy(Identity=domain, PolicyName="delegate", Policy=json.dumps(policy, indent=2))
    # Identities may be named by ARN; documents come back without insignificant whitespace.
    assert ses.list_identity_policies(Identity=owner.arn(domain))["PolicyNames"] == ["delegate"]
    stored = ses.get_identity_policies(Identity=domain, PolicyNames=["delegate", "missing"])["Policies"]
    assert stored == {"delegate": json.dumps(policy, separators=(",", ":"))}

    foreign = dict(policy, Statement=[dict(policy["Statement"][0], Resource="arn:aws:ses:us-east-1:999999999999:identity/x.example")])
    cases = [
        ("p", json.dumps(foreign), "InvalidPolicy", "Statement[0].Resource"),
        ("p", '{"Statement": []}', "InvalidPolicy", "Statement: must contain at least one statement"),
        ("p", "{not json", "InvalidPolicy", "Policy: is not valid JSON"),
        ("bad name", json.dumps(policy), "InvalidParameterValue", "PolicyName is invalid. Policy names must only include alpha-numeric characters, dashes, and underscores."),
        ("n" * 65, json.dumps(policy), "ValidationError", "1 validation error detected: Value at 'policyName' failed to satisfy constraint: Member must have length less than or equal to 64"),
    ]
    for name, document, code, message in cases:
        actual = error_of(ses.put_identity_policy, Identity=domain, PolicyName=name, Policy=document)
        assert actual[0] == code and actual[1].startswith(message) and actual[2] == 400, actual

    for i in range(19):
        ses.put_identity_policy(Identity=domain, PolicyName=f"p{i}", Policy=json.dumps(policy))
    code, message, _ = error_of(ses.put_identity_policy, Identity=domain, PolicyName="p20", Policy=json.dumps(policy))
    assert code == "InvalidParameterValue"
    assert message.startswith(f"Number of policies for {domain} exceeds max allowed number of policies per resource")
    # Putting an existing name replaces it, even at the limit.
    ses.put_identity_policy(Identity=domain, PolicyName="p3", Policy=json.dumps(policy))

    ses.delete_identity_policy(Identity=domain, PolicyName="delegate")
    ses.delete_identity_policy(Identity=domain, PolicyName="delegate")  # idempotent
    assert "delegate" not in ses.list_identity_policies(Identity=domain)["PolicyNames"]


def test_send_quota(new_account):
    owner = new_account()
    quota = owner.client().get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"], quota["SentLast24Hours"]) == (200.0, 1.0, 0.0)
    admin("set-quota", "--account", owner.account_id, "--max-24-hour-send", "50000", "--max-send-rate", "14")
    quota = owner.client().get_send_quota()
    assert (quota["Max24HourSend"], quota["MaxSendRate"]) == (50000.0, 14.0)


def test_signature_and_credential_errors(new_account):
    owner = new_account()
    assert error_of(owner.client(secret="not-the-secret").get_send_quota)[::2] == ("SignatureDoesNotMatch", 403)
    stranger = dataclasses.replace(owner, access_key_id="AKIAAAAAAAAAAAAAAAAA", secret_access_key="x")
    assert error_of(stranger.client().get_send_quota) == (
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
        403,
    )
    code, message, _ = error_of(owner.client(region="eu-west-1").get_send_quota)
    assert (code, message) == ("InvalidParameterValue", "Sesame does not serve region eu-west-1.")

    # A body changed after signing no longer matches its signature.
    ses = owner.client()

    def tamper(request, **_):
        request.body = request.body.replace("Domain=a.example", "Domain=b.example")

    ses.meta.events.register_last("before-send.ses.VerifyDomainIdentity", tamper)
    assert error_of(ses.verify_domain_identity, Domain="a.example")[0] == "SignatureDoesNotMatch"


def test_roles_limit_what_a_key_may_do(new_account, unique):
    owner = new_account()
    viewer_email = f"viewer-{owner.account_id}@sdk.example"
    admin("create-user", "--account", owner.account_id, "--name", "viewer", "--email", viewer_email, "--role", "viewer")
    viewer = access_key(owner.account_id, viewer_email)
    assert viewer.client().list_identities()["Identities"] == []
    code, message, status = error_of(viewer.client().verify_domain_identity, Domain=unique())
    assert (code, status) == ("AccessDenied", 403)
    assert message == f"User: arn:aws:iam::{owner.account_id}:user/viewer is not authorized to perform: ses:VerifyDomainIdentity"


def test_accounts_cannot_reach_each_others_identities(new_account, unique):
    alice, bob = new_account("alice"), new_account("bob")
    domain = unique()
    alice.client().verify_domain_identity(Domain=domain)
    bob_ses = bob.client()
    assert bob_ses.list_identities()["Identities"] == []
    assert bob_ses.get_identity_verification_attributes(Identities=[domain])["VerificationAttributes"] == {}
    code, _, _ = error_of(bob_ses.list_identity_policies, Identity=alice.arn(domain))
    assert code == "InvalidParameterValue"
    # Deleting "the same name" in Bob's account touches nothing of Alice's.
    bob_ses.delete_identity(Identity=domain)
    assert alice.client().list_identities()["Identities"] == [domain]


def test_the_aws_cli_works_with_an_endpoint_url(new_account, unique):
    owner = new_account()
    domain = unique()
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": owner.access_key_id,
        "AWS_SECRET_ACCESS_KEY": owner.secret_access_key,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }

    def aws(*args: str) -> dict:
        command = ["aws", "ses", *args, "--endpoint-url", os.environ["BASE_URL"], "--output", "json"]
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout) if result.stdout.strip() else {}

    token = aws("verify-domain-identity", "--domain", domain)["VerificationToken"]
    assert aws("list-identities")["Identities"] == [domain]
    attributes = aws("get-identity-verification-attributes", "--identities", domain)
    assert attributes["VerificationAttributes"][domain]["VerificationToken"] == token
    assert aws("get-send-quota")["Max24HourSend"] == 200.0


def test_the_legacy_verified_address_operations(new_account, unique):
    """ListVerifiedEmailAddresses and DeleteVerifiedEmailAddress, which older clients still
    call: only verified addresses are listed, only addresses are deleted."""
    account = new_account()
    ses = account.client()
    domain = unique()
    address, pending = f"legacy@{domain}", f"pending@{domain}"
    ses.verify_email_address(EmailAddress=address)
    ses.verify_email_identity(EmailAddress=pending)
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == []

    # The address's holder confirms the link Sesame mailed (the page's POST).
    token = re.search(r"/verify-email/(\S+)", account.sesame.admin("mail", "--to", address)).group(1)
    base = account.sesame.base_url
    confirm = urllib.request.Request(
        f"{base}/api/identities/confirm-email",
        data=urllib.parse.urlencode({"token": token}).encode(),
        headers={"Origin": base, "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(confirm) as answer:
        assert json.load(answer)["status"] == "Success"
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == [address]

    ses.verify_domain_identity(Domain=domain)
    code, message, status = error_of(ses.delete_verified_email_address, EmailAddress=domain)
    assert (code, status) == ("InvalidParameterValue", 400)
    assert message == f"{domain} is not an email address."
    ses.delete_verified_email_address(EmailAddress=address)
    ses.delete_verified_email_address(EmailAddress=address)  # idempotent, as DeleteIdentity
    assert ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == []
    assert ses.list_identities()["Identities"] == sorted([domain, pending])
