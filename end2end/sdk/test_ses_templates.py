"""Templates through boto3: create, get, update, list, delete, and SendTemplatedEmail with
SES's errors."""

import json

from conftest import set_quota, verified_domain
from test_ses_v1 import error_of

SIMULATOR = "success@simulator.amazonses.com"


def test_templates_round_trip_and_templated_sends(new_account, unique):
    owner = new_account()
    domain = unique()
    verified_domain(owner, domain)
    set_quota(owner, 200, 100)
    ses = owner.client()
    template = {
        "TemplateName": "welcome",
        "SubjectPart": "Welcome, {{name}}",
        "TextPart": "Hello {{name}}, your plan is {{plan}}.",
        "HtmlPart": "<p>Hello {{name}}</p>",
    }
    ses.create_template(Template=template)
    assert ses.get_template(TemplateName="welcome")["Template"] == template
    code, message, _ = error_of(ses.create_template, Template=template)
    assert (code, message) == ("AlreadyExists", "Template welcome already exists.")
    ses.update_template(Template=dict(template, SubjectPart="Hi {{name}}"))
    assert ses.get_template(TemplateName="welcome")["Template"]["SubjectPart"] == "Hi {{name}}"
    assert [t["Name"] for t in ses.list_templates()["TemplatesMetadata"]] == ["welcome"]
    code, _, _ = error_of(ses.create_template, Template=dict(template, TemplateName="broken", SubjectPart="{{#if x}}"))
    assert code == "InvalidTemplate"

    sent = ses.send_templated_email(
        Source=f"shop@{domain}",
        Destination={"ToAddresses": [SIMULATOR]},
        Template="welcome",
        TemplateData=json.dumps({"name": "Ann", "plan": "pro"}),
    )
    assert sent["MessageId"].endswith("-000000")
    code, message, _ = error_of(
        ses.send_templated_email,
        Source=f"shop@{domain}",
        Destination={"ToAddresses": [SIMULATOR]},
        Template="missing",
        TemplateData="{}",
    )
    assert (code, message) == ("TemplateDoesNotExist", "Template missing does not exist.")

    ses.delete_template(TemplateName="welcome")
    ses.delete_template(TemplateName="welcome")
    assert ses.list_templates()["TemplatesMetadata"] == []
    assert error_of(ses.get_template, TemplateName="welcome")[0] == "TemplateDoesNotExist"
