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


@pytest.fixture(scope="session")
def aws():
    from infra.local.emulators import local_aws_environment, start_dynamodb, start_moto
    from infra.local.provision import provision

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    dynamodb = start_dynamodb()
    moto = start_moto()
    try:
        environment = local_aws_environment(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(environment)
        provisioned = provision(dynamodb.endpoint, moto.endpoint, REGION)
        os.environ.update(provisioned.environment)
        os.environ.update({"ALLOW_LOOPBACK_URLS": "true", "SCRYPT_N": "1024"})
        settings = Settings.from_env()
        yield LocalAws(settings, provisioned, dynamodb.endpoint, moto.endpoint)
    finally:
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
