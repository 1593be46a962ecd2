"""Shared fixtures.

`aws` starts the embedded AWS once per test session (DynamoDB Local in memory,
moto in server mode), creates the template's resources on it, and points
Settings at it. Suites that never ask for it (unit, service) start nothing.
Tests isolate themselves with fresh ids, never by recreating tables.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import pytest

from chalicelib.config import Settings

REGION = "eu-west-3"


@dataclass
class LocalAws:
    settings: Settings
    provisioned: object
    dynamodb_endpoint: str
    aws_endpoint: str
    realtime: object


@pytest.fixture(scope="session")
def aws():
    from app import app as chalice_app
    from infra.local.emulators import local_aws_environment, start_dynamodb, start_moto
    from infra.local.provision import provision
    from infra.local.realtime import LocalRealtimeGateway

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    dynamodb = start_dynamodb()
    moto = start_moto()
    # The stand-in for the WebSocket API Chalice generates in AWS: the bell posts here.
    realtime = LocalRealtimeGateway(chalice_app).start()
    try:
        environment = local_aws_environment(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(environment)
        provisioned = provision(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(provisioned.environment)
        os.environ.update(realtime.environment)
        # Webhook retries a second apart, so a whole retry schedule runs in a test.
        os.environ.update({"ALLOW_LOOPBACK_URLS": "true", "SCRYPT_N": "1024",
                           "WEBHOOK_RETRY_DELAYS": "1,1,1,1,1,1"})
        settings = Settings.from_env()
        yield LocalAws(settings, provisioned, dynamodb.endpoint, moto.endpoint, realtime)
    finally:
        realtime.stop()
        dynamodb.stop()
        moto.stop()


@pytest.fixture(scope="session")
def dynamo_services(aws):
    """Services wired to the emulated AWS (real adapters)."""
    from chalicelib import bootstrap
    built = bootstrap.build(aws.settings)
    bootstrap.use(built)
    return built


@pytest.fixture
def memory_services():
    """Services wired to in-memory fakes (no AWS at all)."""
    from chalicelib import bootstrap
    return bootstrap.build(Settings(scrypt_n=1024), store_kind="memory")


class ApiClient:
    """A small HTTP client for the running API (one keep-alive session)."""

    def __init__(self, base_url: str) -> None:
        import requests
        self.base_url = base_url
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs):
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.request("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self.request("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self.request("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)


@pytest.fixture(scope="session")
def api(dynamo_services):
    """The app served over real HTTP on a free loopback port, on the emulated AWS."""
    from app import app as chalice_app
    from infra.local.emulators import free_port
    from infra.local.server import serve_in_thread

    server = serve_in_thread(chalice_app, free_port())
    try:
        yield ApiClient(server.base_url)
    finally:
        server.stop()


@pytest.fixture(scope="session")
def pump(aws, dynamo_services):
    """The event pump for the app's own consumers, for the whole session."""
    from app import app as chalice_app
    from infra.local.pump import EventPump

    # From now on: the suites before it wrote thousands of items nobody needs replayed.
    running = EventPump(chalice_app, aws.provisioned, REGION, aws.aws_endpoint,
                        aws.dynamodb_endpoint, schedule_scale=0.01, stream_from_now=True).start()
    try:
        yield running
    finally:
        running.stop()
