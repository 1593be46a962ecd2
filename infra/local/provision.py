"""Create the template's resources on the emulators.

Reads `infra/template.yaml`, the same file `make package` merges into the AWS
deployment, and creates its tables, queues, topics, subscriptions and SES
identities on DynamoDB Local and moto. Returns the environment the functions
would get in AWS (`Globals.Function.Environment.Variables`), resolved to the
local physical names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import boto3
import yaml

from infra.local.emulators import ROOT

TEMPLATE = ROOT / "infra" / "template.yaml"
ACCOUNT_ID = "123456789012"   # moto's default account
STACK_NAME = "dzorders"
# Resources `chalice package` generates from the app (not in our template). The
# local launcher serves their stand-ins and sets the variables naming them.
GENERATED_BY_CHALICE = {"WebsocketAPI"}


class Intrinsic:
    def __init__(self, name: str, value: Any) -> None:
        self.name, self.value = name, value

    def __repr__(self) -> str:
        return f"!{self.name} {self.value!r}"


class _TemplateLoader(yaml.SafeLoader):
    pass


def _construct(tag: str) -> Callable:
    def construct(loader: yaml.SafeLoader, node: yaml.Node) -> Intrinsic:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
            if tag == "GetAtt":
                value = value.split(".", 1)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        return Intrinsic(tag, value)
    return construct


for _tag in ("Ref", "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals",
             "Not", "And", "Or", "FindInMap", "ImportValue", "Base64", "Condition"):
    _TemplateLoader.add_constructor(f"!{_tag}", _construct(_tag))


def load_template(path: Path = TEMPLATE) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_TemplateLoader)  # noqa: S506 - SafeLoader subclass


@dataclass
class Provisioned:
    environment: Dict[str, str]
    refs: Dict[str, str] = field(default_factory=dict)
    attrs: Dict[str, Dict[str, str]] = field(default_factory=dict)
    queues: Dict[str, str] = field(default_factory=dict)        # logical id -> URL
    dead_letter_queues: Dict[str, str] = field(default_factory=dict)  # queue URL -> DLQ URL
    table_streams: Dict[str, str] = field(default_factory=dict)  # logical id -> stream ARN
    failure_queues: Dict[str, str] = field(default_factory=dict)  # consumer name -> queue URL


class Provisioner:
    def __init__(self, template: Dict[str, Any], dynamodb: Any, sqs: Any, sns: Any,
                 ses: Any, region: str, kms: Any = None) -> None:
        self.template = template
        self.dynamodb, self.sqs, self.sns, self.ses, self.kms = dynamodb, sqs, sns, ses, kms
        self.region = region
        self.out = Provisioned(environment={})
        for name, spec in (template.get("Parameters") or {}).items():
            if "Default" in spec:
                self.out.refs[name] = str(spec["Default"])

    # --- intrinsic functions -------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, Intrinsic):
            return self._intrinsic(value)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def _pseudo(self, name: str) -> Optional[str]:
        return {"AWS::Region": self.region, "AWS::AccountId": ACCOUNT_ID,
                "AWS::StackName": STACK_NAME, "AWS::Partition": "aws",
                "AWS::URLSuffix": "amazonaws.com"}.get(name)

    def _intrinsic(self, node: Intrinsic) -> Any:
        if node.name == "Ref":
            pseudo = self._pseudo(node.value)
            if pseudo is not None:
                return pseudo
            return self.out.refs[node.value]
        if node.name == "GetAtt":
            logical, attribute = node.value
            return self.out.attrs[logical][attribute]
        if node.name == "Sub":
            text, variables = (node.value, {}) if isinstance(node.value, str) else node.value
            import re

            def substitute(match: "re.Match[str]") -> str:
                key = match.group(1)
                if key in variables:
                    return str(self.resolve(variables[key]))
                if "." in key:
                    logical, attribute = key.split(".", 1)
                    return self.out.attrs[logical][attribute]
                pseudo = self._pseudo(key)
                return pseudo if pseudo is not None else self.out.refs[key]
            return re.sub(r"\$\{([^}!]+)\}", substitute, text)
        if node.name == "Join":
            separator, items = node.value
            return separator.join(str(self.resolve(item)) for item in items)
        raise ValueError(f"the local launcher does not evaluate !{node.name}")

    # --- resources -------------------------------------------------------------
    def resources(self, kind: str) -> List[tuple]:
        # Entries without a Type are overrides merged into Chalice's own resources.
        return [(name, spec.get("Properties") or {})
                for name, spec in (self.template.get("Resources") or {}).items()
                if spec.get("Type") == kind]

    def create_tables(self) -> None:
        existing = set(self.dynamodb.list_tables()["TableNames"])
        for logical, props in self.resources("AWS::DynamoDB::Table"):
            props = self.resolve(props)
            name = props["TableName"]
            if name not in existing:
                self._create_table(name, props)
            else:
                self._add_missing_indexes(name, props)
            waiter = self.dynamodb.get_waiter("table_exists")
            waiter.wait(TableName=name, WaiterConfig={"Delay": 0.2, "MaxAttempts": 100})
            ttl = props.get("TimeToLiveSpecification")
            if ttl and ttl.get("Enabled"):
                current = self.dynamodb.describe_time_to_live(TableName=name)
                if current["TimeToLiveDescription"].get("TimeToLiveStatus") != "ENABLED":
                    self.dynamodb.update_time_to_live(
                        TableName=name,
                        TimeToLiveSpecification={"Enabled": True,
                                                 "AttributeName": ttl["AttributeName"]})
            table = self.dynamodb.describe_table(TableName=name)["Table"]
            self.out.refs[logical] = name
            self.out.attrs[logical] = {"Arn": table["TableArn"],
                                       "StreamArn": table.get("LatestStreamArn", "")}
            if table.get("LatestStreamArn"):
                self.out.table_streams[logical] = table["LatestStreamArn"]

    def _create_table(self, name: str, props: Dict[str, Any]) -> None:
        kwargs: Dict[str, Any] = {
            "TableName": name,
            "AttributeDefinitions": props["AttributeDefinitions"],
            "KeySchema": props["KeySchema"],
            "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
        }
        if props.get("GlobalSecondaryIndexes"):
            kwargs["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
        stream = props.get("StreamSpecification")
        if stream:
            kwargs["StreamSpecification"] = {"StreamEnabled": True,
                                             "StreamViewType": stream["StreamViewType"]}
        self.dynamodb.create_table(**kwargs)

    def _add_missing_indexes(self, name: str, props: Dict[str, Any]) -> None:
        """A data dir made by an older version gains the indexes added since."""
        table = self.dynamodb.describe_table(TableName=name)["Table"]
        have = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
        for index in props.get("GlobalSecondaryIndexes", []):
            if index["IndexName"] in have:
                continue
            self.dynamodb.update_table(
                TableName=name, AttributeDefinitions=props["AttributeDefinitions"],
                GlobalSecondaryIndexUpdates=[{"Create": index}])

    def create_queues(self) -> None:
        pending = self.resources("AWS::SQS::Queue")
        # Dead-letter queues first: a queue's redrive policy names its DLQ's ARN.
        while pending:
            progressed = False
            for logical, props in list(pending):
                try:
                    resolved = self.resolve(props)
                except KeyError:
                    continue
                self._create_queue(logical, resolved)
                pending.remove((logical, props))
                progressed = True
            if not progressed:
                raise ValueError(f"queues with unresolvable references: {[p[0] for p in pending]}")

    def _create_queue(self, logical: str, props: Dict[str, Any]) -> None:
        attributes: Dict[str, str] = {}
        for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds",
                    "ReceiveMessageWaitTimeSeconds", "MaximumMessageSize"):
            if key in props:
                attributes[key] = str(props[key])
        redrive = props.get("RedrivePolicy")
        if redrive:
            import json
            attributes["RedrivePolicy"] = json.dumps(
                {"deadLetterTargetArn": redrive["deadLetterTargetArn"],
                 "maxReceiveCount": str(redrive["maxReceiveCount"])})
        url = self.sqs.create_queue(QueueName=props["QueueName"], Attributes=attributes)["QueueUrl"]
        arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
            "Attributes"]["QueueArn"]
        self.out.refs[logical] = url
        self.out.attrs[logical] = {"Arn": arn, "QueueName": props["QueueName"], "QueueUrl": url}
        self.out.queues[logical] = url
        if redrive:
            dlq_arn = redrive["deadLetterTargetArn"]
            dlq_url = next(attrs["QueueUrl"] for attrs in self.out.attrs.values()
                           if attrs.get("Arn") == dlq_arn)
            self.out.dead_letter_queues[url] = dlq_url

    def create_topics(self) -> None:
        for logical, props in self.resources("AWS::SNS::Topic"):
            props = self.resolve(props)
            arn = self.sns.create_topic(Name=props["TopicName"])["TopicArn"]
            self.out.refs[logical] = arn
            self.out.attrs[logical] = {"TopicArn": arn, "TopicName": props["TopicName"]}

    def create_subscriptions(self) -> None:
        import json
        for logical, props in self.resources("AWS::SNS::Subscription"):
            props = self.resolve(props)
            attributes: Dict[str, str] = {}
            if props.get("RawMessageDelivery"):
                attributes["RawMessageDelivery"] = "true"
            if props.get("FilterPolicy"):
                attributes["FilterPolicy"] = json.dumps(props["FilterPolicy"])
            arn = self.sns.subscribe(TopicArn=props["TopicArn"], Protocol=props["Protocol"],
                                     Endpoint=props["Endpoint"], Attributes=attributes,
                                     ReturnSubscriptionArn=True)["SubscriptionArn"]
            self.out.refs[logical] = arn

    def create_email_identities(self) -> None:
        for logical, props in self.resources("AWS::SES::EmailIdentity"):
            identity = self.resolve(props)["EmailIdentity"]
            if "@" in identity:
                self.ses.verify_email_identity(EmailAddress=identity)
            else:
                self.ses.verify_domain_identity(Domain=identity)
            self.out.refs[logical] = identity

    def create_keys(self) -> None:
        """KMS keys live as long as the emulator: data sealed by an earlier run cannot be
        opened again (the app then asks for the secret again)."""
        for logical, props in self.resources("AWS::KMS::Key"):
            key = self.kms.create_key(Description=str(props.get("Description") or logical))
            key_id = key["KeyMetadata"]["KeyId"]
            self.out.refs[logical] = key_id
            self.out.attrs[logical] = {"Arn": key["KeyMetadata"]["Arn"], "KeyId": key_id}
        for logical, props in self.resources("AWS::KMS::Alias"):
            alias = self.resolve(props["AliasName"])
            self.kms.create_alias(AliasName=alias, TargetKeyId=self.resolve(props["TargetKeyId"]))
            self.out.refs[logical] = alias

    def failure_destinations(self) -> None:
        """Stream consumers' OnFailure queues, from the template's function overrides."""
        for logical, spec in (self.template.get("Resources") or {}).items():
            events = ((spec.get("Properties") or {}).get("Events") or {})
            for event in events.values():
                destination = (((event.get("Properties") or {}).get("DestinationConfig") or {})
                               .get("OnFailure") or {}).get("Destination")
                if destination is None:
                    continue
                arn = self.resolve(destination)
                url = next(attrs["QueueUrl"] for attrs in self.out.attrs.values()
                           if attrs.get("Arn") == arn)
                self.out.failure_queues[_snake(logical)] = url

    def function_environment(self) -> Dict[str, str]:
        variables = (((self.template.get("Globals") or {}).get("Function") or {})
                     .get("Environment") or {}).get("Variables") or {}
        environment = {}
        for key, value in variables.items():
            try:
                environment[key] = str(self.resolve(value))
            except KeyError as missing:
                if missing.args[0] not in GENERATED_BY_CHALICE:
                    raise
        return environment

    def run(self) -> Provisioned:
        self.create_tables()
        self.create_queues()
        self.create_topics()
        self.create_subscriptions()
        self.create_email_identities()
        self.create_keys()
        self.failure_destinations()
        self.out.environment = self.function_environment()
        return self.out


def _snake(logical_id: str) -> str:
    """Chalice names a function's resource in CamelCase: TableChanges <- table_changes."""
    import re
    return re.sub(r"(?<!^)(?=[A-Z])", "_", logical_id).lower()


def provision(dynamodb_endpoint: str, aws_endpoint: str, region: str,
              template_path: Path = TEMPLATE) -> Provisioned:
    credentials = {"aws_access_key_id": "local", "aws_secret_access_key": "local",
                   "region_name": region}
    session = boto3.session.Session()
    return Provisioner(
        load_template(template_path),
        dynamodb=session.client("dynamodb", endpoint_url=dynamodb_endpoint, **credentials),
        sqs=session.client("sqs", endpoint_url=aws_endpoint, **credentials),
        sns=session.client("sns", endpoint_url=aws_endpoint, **credentials),
        ses=session.client("ses", endpoint_url=aws_endpoint, **credentials),
        kms=session.client("kms", endpoint_url=aws_endpoint, **credentials),
        region=region,
    ).run()
