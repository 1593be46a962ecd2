"""Health asks the real emulated services and names the part that does not answer."""
from dataclasses import replace

from chalicelib.aws import AwsClients
from chalicelib.health import HealthService


def test_all_dependencies_answer(aws):
    report = HealthService.for_aws(AwsClients(aws.settings), aws.settings).check()
    assert report == {"status": "ok", "checks": {"dynamodb": "ok", "sqs": "ok", "sns": "ok"},
                      "failing": []}


def test_a_missing_queue_is_named(aws):
    settings = replace(aws.settings,
                       emails_queue_url=aws.settings.emails_queue_url + "-missing")
    report = HealthService.for_aws(AwsClients(settings), settings).check()
    assert report["status"] == "unavailable" and report["failing"] == ["sqs"]


def test_an_unreachable_database_is_named(aws):
    settings = replace(aws.settings, dynamodb_endpoint_url="http://127.0.0.1:9")
    report = HealthService.for_aws(AwsClients(settings), settings).check()
    assert report["failing"] == ["dynamodb"]
