"""The one view wrapper: contract error shapes, bare 500s, body limits."""
import json
import logging

import pytest
from chalice import Chalice
from chalice.app import Blueprint
from chalice.test import Client

from chalicelib import bootstrap
from chalicelib.api import http
from chalicelib.config import Settings
from chalicelib.errors import InsufficientStock, RateLimited, ValidationFailed


@pytest.fixture
def client():
    bootstrap.use(bootstrap.build(Settings(max_body_bytes=100), store_kind="memory"))
    bp = Blueprint(__name__)

    @http.route(bp, "/boom", ["GET"], public=True)
    def boom(req):
        raise RuntimeError("secret detail /etc/passwd")

    @http.route(bp, "/invalid", ["POST"], public=True)
    def invalid(req):
        req.json()
        raise ValidationFailed(fields={"customer.phone": "is not a phone number"})

    @http.route(bp, "/stock", ["POST"], public=True)
    def stock(req):
        raise InsufficientStock(variants=["var_1"])

    @http.route(bp, "/slow-down", ["GET"], public=True)
    def slow_down(req):
        raise RateLimited(42)

    @http.route(bp, "/echo", ["POST"], public=True, status=201)
    def echo(req):
        return {"got": req.json()}

    app = Chalice(app_name="edge")
    http.install(app)
    app.register_blueprint(bp)
    with Client(app) as test_client:
        yield test_client


def post(client, path, body, content_type="application/json"):
    return client.http.post(path, body=body, headers={"content-type": content_type})


def test_unexpected_error_is_a_bare_500_and_is_logged(client, caplog):
    caplog.set_level(logging.ERROR, logger="dzorders.http")
    logging.getLogger("dzorders").propagate = True
    try:
        response = client.http.get("/boom")
    finally:
        logging.getLogger("dzorders").propagate = False
    assert response.status_code == 500
    body = json.loads(response.body)
    assert body == {"error": {"code": "internal_error", "message": "An internal error occurred.",
                              "fields": {}}}
    assert b"passwd" not in response.body and b"Traceback" not in response.body
    assert any("unhandled error" in record.getMessage() for record in caplog.records)


def test_domain_errors_use_the_table(client):
    response = post(client, "/invalid", "{}")
    assert response.status_code == 422
    assert json.loads(response.body)["error"]["fields"] == {"customer.phone": "is not a phone number"}
    response = post(client, "/stock", "{}")
    assert response.status_code == 409
    assert json.loads(response.body)["error"]["variants"] == ["var_1"]
    response = client.http.get("/slow-down")
    assert response.status_code == 429 and response.headers["Retry-After"] == "42"


@pytest.mark.parametrize("raw", [b"{", b"[]", b'"text"', b"\xff\xfe"])
def test_malformed_bodies_are_400(client, raw):
    response = post(client, "/invalid", raw)
    assert response.status_code == 400
    assert json.loads(response.body)["error"]["code"] == "malformed_request"


def test_body_over_the_limit_is_413(client):
    response = post(client, "/echo", json.dumps({"x": "y" * 200}))
    assert response.status_code == 413


def test_wrong_content_type_and_method_keep_the_shape(client):
    response = post(client, "/echo", "{}", content_type="text/plain")
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"
    response = client.http.put("/echo", body="{}", headers={"content-type": "application/json"})
    assert response.status_code == 405
    assert json.loads(response.body)["error"]["code"] == "method_not_allowed"


def test_success_keeps_unicode(client):
    response = post(client, "/echo", json.dumps({"name": "متجر"}))
    assert response.status_code == 201
    assert "متجر".encode() in response.body


def test_absurdly_deep_nesting_is_malformed_not_a_crash():
    from chalicelib.errors import MalformedRequest
    with pytest.raises(MalformedRequest):
        http.read_json(b"[" * 200_000)
