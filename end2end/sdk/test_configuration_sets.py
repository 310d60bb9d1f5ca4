"""Configuration sets through boto3 (`ses` and `sesv2`): create, list, get and delete them,
and name one on a send — an unknown one is refused in SES's words."""

from conftest import set_quota, verified_domain
from test_ses_v1 import error_of

SIMULATOR = "success@simulator.amazonses.com"


def test_configuration_sets_round_trip_and_are_named_on_sends(new_account, unique):
    sender = new_account()
    domain = unique()
    verified_domain(sender, domain)
    set_quota(sender, 100, 10)
    ses, v2 = sender.client(), sender.client("sesv2")

    ses.create_configuration_set(ConfigurationSet={"Name": "orders"})
    v2.create_configuration_set(ConfigurationSetName="newsletters")
    assert [s["Name"] for s in ses.list_configuration_sets()["ConfigurationSets"]] == ["newsletters", "orders"]
    assert v2.list_configuration_sets()["ConfigurationSets"] == ["newsletters", "orders"]
    assert v2.get_configuration_set(ConfigurationSetName="orders")["ConfigurationSetName"] == "orders"
    code, message, status = error_of(ses.create_configuration_set, ConfigurationSet={"Name": "orders"})
    assert (code, status) == ("ConfigurationSetAlreadyExists", 400)
    code, _, status = error_of(v2.create_configuration_set, ConfigurationSetName="orders")
    assert (code, status) == ("AlreadyExistsException", 400)

    content = {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}
    sent = ses.send_email(
        Source=f"shop@{domain}",
        Destination={"ToAddresses": [SIMULATOR]},
        Message=content,
        ConfigurationSetName="orders",
        Tags=[{"Name": "campaign", "Value": "spring"}],
    )
    assert sent["MessageId"].endswith("-000000")
    sent = v2.send_email(
        FromEmailAddress=f"shop@{domain}",
        Destination={"ToAddresses": [SIMULATOR]},
        Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}},
        ConfigurationSetName="newsletters",
        EmailTags=[{"Name": "segment", "Value": "b"}],
    )
    assert sent["MessageId"].endswith("-000000")

    code, message, status = error_of(
        ses.send_email, Source=f"shop@{domain}", Destination={"ToAddresses": [SIMULATOR]},
        Message=content, ConfigurationSetName="missing",
    )
    assert (code, message, status) == ("ConfigurationSetDoesNotExist", "Configuration set <missing> does not exist.", 400)
    code, _, status = error_of(
        ses.send_email, Source=f"shop@{domain}", Destination={"ToAddresses": [SIMULATOR]},
        Message=content, Tags=[{"Name": "bad name", "Value": "x"}],
    )
    assert (code, status) == ("InvalidParameterValue", 400)

    ses.delete_configuration_set(ConfigurationSetName="orders")
    v2.delete_configuration_set(ConfigurationSetName="newsletters")
    assert v2.list_configuration_sets()["ConfigurationSets"] == []
    code, _, status = error_of(v2.get_configuration_set, ConfigurationSetName="orders")
    assert (code, status) == ("NotFoundException", 404)
    code, _, _ = error_of(ses.delete_configuration_set, ConfigurationSetName="orders")
    assert code == "ConfigurationSetDoesNotExist"
