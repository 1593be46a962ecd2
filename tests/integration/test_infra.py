"""The one template describes what the code expects, for AWS and the local run alike."""
from chalice.app import DynamoDBEventConfig, ScheduledEventConfig, SQSEventConfig

from chalicelib.dynamo import TableItem
from infra.local.provision import GENERATED_BY_CHALICE, _snake, load_template


def resources(kind=None):
    items = load_template()["Resources"].items()
    return {name: spec for name, spec in items if kind is None or spec.get("Type") == kind}


def test_table_indexes_match_the_models():
    [table] = resources("AWS::DynamoDB::Table").values()
    declared = {index["IndexName"] for index in table["Properties"]["GlobalSecondaryIndexes"]}
    assert declared == {f"gsi{n}" for n in range(1, 8)}
    assert table["Properties"]["TimeToLiveSpecification"]["AttributeName"] == "ttl"
    assert TableItem.ttl.attr_name == "ttl"
    assert table["Properties"]["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"


def test_every_work_queue_has_a_dead_letter_queue():
    queues = resources("AWS::SQS::Queue")
    work = {name: spec for name, spec in queues.items() if not name.endswith("DeadLetterQueue")}
    assert work
    for name, spec in work.items():
        redrive = spec["Properties"]["RedrivePolicy"]
        assert redrive["deadLetterTargetArn"].value[0] in queues, name
        assert int(redrive["maxReceiveCount"]) >= 3


def test_every_async_consumer_has_somewhere_to_fail_to():
    from app import app
    queue_names = {spec["Properties"]["QueueName"]: spec
                   for spec in resources("AWS::SQS::Queue").values()}
    overrides = resources()
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig):
            assert "RedrivePolicy" in queue_names[source.queue]["Properties"], source.name
        if isinstance(source, DynamoDBEventConfig):
            logical = next(name for name in overrides if _snake(name) == source.name)
            event = next(iter(overrides[logical]["Properties"]["Events"].values()))
            assert event["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
        if isinstance(source, ScheduledEventConfig):
            logical = next(name for name in overrides if _snake(name) == source.name)
            assert overrides[logical]["Properties"]["DeadLetterQueue"]["TargetArn"]


def test_every_queue_consumer_reports_failures_per_record():
    from app import app
    overrides = resources()
    for source in app.event_sources:
        if isinstance(source, SQSEventConfig):
            logical = next((name for name in overrides if _snake(name) == source.name), None)
            assert logical, f"{source.name} has no override in the template"
            event = next(iter(overrides[logical]["Properties"]["Events"].values()))
            assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_local_run_got_every_function_variable(aws):
    """Every variable but those naming what Chalice generates (the launcher sets those)."""
    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    generated = {name for name, value in variables.items()
                 if any(resource in repr(value) for resource in GENERATED_BY_CHALICE)}
    assert generated == {"REALTIME_URL", "REALTIME_MANAGEMENT_URL"}
    assert set(aws.provisioned.environment) == set(variables) - generated
    assert aws.settings.dead_letter_queue_urls and all(
        url.endswith("-dlq") for url in aws.settings.dead_letter_queue_urls)
