"""The OpenAPI document is valid and in step with the routes, both ways."""
import pytest
from openapi_spec_validator import validate

from chalicelib.openapi import document

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def app_routes():
    from app import app
    return {(path, method.lower()) for path, entries in app.routes.items() for method in entries}


def documented():
    return {(path, method) for path, operations in document()["paths"].items()
            for method in operations if method in HTTP_METHODS}


def test_document_is_valid_openapi_3_1():
    spec = document()
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_route_is_documented():
    missing = sorted(app_routes() - documented())
    assert missing == [], f"undocumented routes: {missing}"


def test_every_documented_operation_exists():
    stale = sorted(documented() - app_routes())
    assert stale == [], f"documented but not served: {stale}"


@pytest.mark.parametrize("path,method", sorted(documented()))
def test_every_operation_describes_its_responses(path, method):
    operation = document()["paths"][path][method]
    assert operation.get("summary") and operation.get("responses")
