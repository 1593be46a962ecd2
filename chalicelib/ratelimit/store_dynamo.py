"""Rate-limit counters on DynamoDB: one item per caller, one update per request.

  RL#<token hash> / RL    w: the minute counted, c: its count, p: the minute before's

Within a minute a request is one UpdateItem (ADD c, conditioned on w being this
minute) that returns the new counts. The first request of a new minute finds the
condition false; DynamoDB hands back the old item with the refusal
(ReturnValuesOnConditionCheckFailure), and a second conditional update starts the
new minute, carrying the old count as `p` when it was the minute just before.
Two containers rolling the same caller at once: one wins, the other counts again
in the rolled item. Items expire by TTL a few minutes after their last request.
"""
from __future__ import annotations

from datetime import datetime

from botocore.exceptions import ClientError

from chalicelib import dynamo
from chalicelib.ratelimit.model import COUNTER_TTL_SECONDS, Counts, window_of

CONDITION_FAILED = "ConditionalCheckFailedException"
ATTEMPTS = 4


def _key(caller: str) -> dict:
    return {"pk": {"S": f"RL#{caller}"}, "sk": {"S": "RL"}}


def _number(item: dict, name: str) -> int:
    return int(item[name]["N"]) if name in item else 0


class DynamoRateLimitStore:
    def count(self, caller: str, now: datetime) -> Counts:
        client = dynamo.connection().client
        minute = window_of(now)
        expires = {"N": str(int(now.timestamp()) + COUNTER_TTL_SECONDS)}
        for _ in range(ATTEMPTS):
            try:
                new = client.update_item(
                    TableName=dynamo.table_name(), Key=_key(caller),
                    UpdateExpression="ADD c :one SET #ttl = :ttl",
                    ConditionExpression="w = :minute",
                    ExpressionAttributeNames={"#ttl": "ttl"},
                    ExpressionAttributeValues={":one": {"N": "1"}, ":minute": {"N": str(minute)},
                                               ":ttl": expires},
                    ReturnValues="ALL_NEW",
                    ReturnValuesOnConditionCheckFailure="ALL_OLD")["Attributes"]
                return Counts(window=minute, current=_number(new, "c"), previous=_number(new, "p"))
            except ClientError as error:
                if error.response["Error"]["Code"] != CONDITION_FAILED:
                    raise
                old = error.response.get("Item") or {}
            old_minute = _number(old, "w") if old else None
            if old_minute is not None and old_minute > minute:
                # Another container's clock is ahead: count in its minute.
                minute = old_minute
                continue
            previous = _number(old, "c") if old_minute == minute - 1 else 0
            started = self._start_minute(client, caller, minute, previous, old_minute, expires)
            if started is not None:
                return started
        raise RuntimeError("rate-limit counter kept changing under us")

    @staticmethod
    def _start_minute(client, caller: str, minute: int, previous: int, old_minute,
                      expires: dict):
        values = {":minute": {"N": str(minute)}, ":one": {"N": "1"},
                  ":previous": {"N": str(previous)}, ":ttl": expires,
                  ":type": {"S": "api_rate"}}
        condition = "attribute_not_exists(w)"
        if old_minute is not None:
            condition = "w = :old"
            values[":old"] = {"N": str(old_minute)}
        try:
            client.update_item(
                TableName=dynamo.table_name(), Key=_key(caller),
                UpdateExpression="SET w = :minute, c = :one, p = :previous, #ttl = :ttl, item_type = :type",
                ConditionExpression=condition, ExpressionAttributeNames={"#ttl": "ttl"},
                ExpressionAttributeValues=values)
        except ClientError as error:
            if error.response["Error"]["Code"] != CONDITION_FAILED:
                raise
            return None          # someone else started it: count again in theirs
        return Counts(window=minute, current=1, previous=previous)
