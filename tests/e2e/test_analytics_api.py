"""GET /v1/analytics/delivery over HTTP: bad input, roles, isolation."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.e2e.test_team_api import error_of, join


@pytest.mark.parametrize("query,field", [
    ("from=2025-13-01", "from"), ("to=01/03/2025", "to"), ("from=2025-02-30&to=2025-03-01", "from"),
    ("group_by=commune", "group_by"), ("from=2025-03-02&to=2025-03-01", "from"),
    ("from=2024-01-01&to=2025-01-01", "to"),   # 367 days
])
def test_bad_input_is_422_naming_the_field(api, merchant, query, field):
    error = error_of(api.get(f"/v1/analytics/delivery?{query}", headers=merchant.headers),
                     422, "validation_error")
    assert list(error["fields"]) == [field]


def test_an_empty_store_gets_the_last_30_days_by_wilaya(api, merchant):
    response = api.get("/v1/analytics/delivery", headers=merchant.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    today = datetime.now(timezone.utc).date()
    assert body["to"] in (today.isoformat(), (today - timedelta(days=1)).isoformat())
    assert body["from"] == (datetime.fromisoformat(body["to"]).date() - timedelta(days=29)).isoformat()
    assert body["group_by"] == "wilaya" and body["items"] == []
    assert body["totals"]["orders"] == 0 and body["totals"]["confirmation_rate_bp"] is None


def test_without_credentials_it_is_401(api):
    error_of(api.get("/v1/analytics/delivery"), 401, "unauthorized")
    error_of(api.get("/v1/analytics/delivery", headers={"Authorization": "Bearer nope"}),
             401, "unauthorized")


def test_managers_and_readonly_read_it_operators_do_not(api, merchant):
    for role, status in (("manager", 200), ("readonly", 200), ("operator", 403)):
        _, headers = join(api, merchant, role)
        response = api.get("/v1/analytics/delivery?group_by=courier", headers=headers)
        assert response.status_code == status, (role, response.text)
        if status == 403:
            error_of(response, 403, "forbidden")
