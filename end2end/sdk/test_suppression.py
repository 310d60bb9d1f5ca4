"""The account-level suppression list through boto3's `sesv2` client: put, get, list with
paging and a reason filter, delete; and a simulator bounce that puts its address there."""

import datetime
import time

from conftest import set_quota, verified_domain
from test_ses_v1 import error_of


def test_the_suppression_list_round_trip(new_account):
    ses = new_account().client("sesv2")
    ses.put_suppressed_destination(EmailAddress="Ann@Example.com", Reason="BOUNCE")
    ses.put_suppressed_destination(EmailAddress="bob@example.org", Reason="COMPLAINT")
    ses.put_suppressed_destination(EmailAddress="carol@example.net", Reason="BOUNCE")

    found = ses.get_suppressed_destination(EmailAddress="ann@example.com")["SuppressedDestination"]
    assert (found["EmailAddress"], found["Reason"]) == ("ann@example.com", "BOUNCE")
    assert isinstance(found["LastUpdateTime"], datetime.datetime)

    first = ses.list_suppressed_destinations(PageSize=2)
    assert len(first["SuppressedDestinationSummaries"]) == 2
    rest = ses.list_suppressed_destinations(PageSize=2, NextToken=first["NextToken"])
    assert "NextToken" not in rest
    listed = {s["EmailAddress"] for s in first["SuppressedDestinationSummaries"] + rest["SuppressedDestinationSummaries"]}
    assert listed == {"ann@example.com", "bob@example.org", "carol@example.net"}
    complaints = ses.list_suppressed_destinations(Reasons=["COMPLAINT"])["SuppressedDestinationSummaries"]
    assert [s["EmailAddress"] for s in complaints] == ["bob@example.org"]

    ses.delete_suppressed_destination(EmailAddress="ann@example.com")
    code, _, status = error_of(ses.get_suppressed_destination, EmailAddress="ann@example.com")
    assert (code, status) == ("NotFoundException", 404)
    code, _, status = error_of(ses.put_suppressed_destination, EmailAddress="dan@example.com", Reason="SPAM")
    assert (code, status) == ("BadRequestException", 400)


def test_a_simulator_bounce_suppresses_its_address(new_account, unique):
    sender = new_account()
    domain = unique()
    verified_domain(sender, domain)
    set_quota(sender, 100, 10)
    bounce = f"bounce+{domain.split('.')[0]}@simulator.amazonses.com"
    message_id = sender.client().send_email(
        Source=f"shop@{domain}",
        Destination={"ToAddresses": [bounce]},
        Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}},
    )["MessageId"]
    ses = sender.client("sesv2")
    for _ in range(100):
        listed = ses.list_suppressed_destinations()["SuppressedDestinationSummaries"]
        if listed:
            break
        time.sleep(0.2)
    found = ses.get_suppressed_destination(EmailAddress=bounce)["SuppressedDestination"]
    assert found["Reason"] == "BOUNCE"
    assert found["Attributes"]["MessageId"] == message_id
