"""boto3 clients, built lazily from Settings and cached per container."""
from __future__ import annotations

import threading
from typing import Any, Dict

import boto3
from botocore.config import Config

from chalicelib.config import Settings
from chalicelib.dynamo import LOCAL_CREDENTIALS

_CLIENT_CONFIG = Config(connect_timeout=3, read_timeout=10,
                        retries={"max_attempts": 3, "mode": "standard"})


class AwsClients:
    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._clients: Dict[str, Any] = {}
        self._lock = threading.Lock()

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                kwargs: Dict[str, Any] = {"region_name": self._settings.region,
                                          "config": _CLIENT_CONFIG}
                if self._settings.is_local:
                    endpoint = (self._settings.dynamodb_endpoint_url if service == "dynamodb"
                                else self._settings.aws_endpoint_url)
                    kwargs.update(endpoint_url=endpoint, **LOCAL_CREDENTIALS)
                self._clients[service] = boto3.session.Session().client(service, **kwargs)
            return self._clients[service]

    @property
    def dynamodb(self) -> Any:
        return self.client("dynamodb")

    @property
    def sqs(self) -> Any:
        return self.client("sqs")

    @property
    def sns(self) -> Any:
        return self.client("sns")

    @property
    def ses(self) -> Any:
        return self.client("ses")

    @property
    def kms(self) -> Any:
        return self.client("kms")
