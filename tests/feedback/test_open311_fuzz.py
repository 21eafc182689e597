"""Open311 fuzzed like the API: generated parameters and form fields on every endpoint, in
both formats, with and without an API key. No server error; every answer is the
specification's document or its error list, well-formed, with a documented status."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET  # noqa: S405 - parsing our own responses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12")) * 3
BASE = "/open311/v2"
FIELDS = [
    "service_request_id",
    "service_code",
    "start_date",
    "end_date",
    "status",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "attribute[track]",
    "first_name",
    "last_name",
    "email",
    "phone",
    "reporter_key",
    "account_id",
]
ROUTES = [
    ("GET", "discovery"),
    ("GET", "services"),
    ("GET", "services/{code}"),
    ("GET", "requests"),
    ("POST", "requests"),
    ("GET", "requests/{code}"),
    ("GET", "tokens/{code}"),
    ("GET", "servicerequestupdates"),
    ("POST", "servicerequestupdates"),
]
DOCUMENTED = {200, 201, 400, 403, 404, 405, 429}

text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["giao-thong", "PA-2026-000001", "27712", "open", "closed", "REOPEN"]),
    st.sampled_from(["2026-11-01T00:00:00+07:00", "10.5", "106.4", "-999", "1e309", ""]),
)
params = st.dictionaries(st.sampled_from(FIELDS), text, max_size=6)
codes = st.one_of(
    st.sampled_from(["giao-thong", "PA-2026-000001"]), st.from_regex(r"[\w-]{1,20}", fullmatch=True)
)


@pytest.mark.parametrize(("method", "route"), ROUTES)
@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("with_key", [False, True])
def test_open311_answers_every_input_with_a_document(
    client, token_for, method, route, fmt, with_key
):
    key = token_for("demo.operator", "open311 fuzz") if with_key else None

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=params, code=codes)
    def run(data, code):
        if key:
            data = {**data, "api_key": key}
        url = f"{BASE}/{route.format(code=code)}.{fmt}"
        response = client.post(url, data) if method == "POST" else client.get(url, data)
        assert response.status_code in DOCUMENTED, (url, data, response.status_code)
        if response.status_code in (405, 429):
            return
        body = response.content.decode()
        if fmt == "json":
            parsed = json.loads(body)
            assert isinstance(parsed, list | dict)
            if response.status_code >= 400:
                assert parsed[0]["code"] == response.status_code and parsed[0]["description"]
        else:
            root = ET.fromstring(body)  # noqa: S314
            if response.status_code >= 400:
                assert root.tag == "errors" and root.find("error/description").text

    run()
