"""Every operation of /api/openapi.json fuzzed by Schemathesis, anonymously and with an
administrator's token: no server error, no response outside its schema, no status code
the schema does not document, no content type it does not declare.

The number of examples per operation is bounded (FUZZ_EXAMPLES, 12 by default) so the
suite stays minutes long; raise it for a deeper run:
`FUZZ_EXAMPLES=200 .venv/bin/pytest tests/test_api_fuzz.py`.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]


def _schema():
    """The schema the API serves, fuzzed in-process through the WSGI application (the
    test database, each test in its rolled-back transaction)."""
    from django.core.wsgi import get_wsgi_application

    from tinhso.site.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema())
    loaded.app = _in_test_transaction(get_wsgi_application())
    return loaded


def _in_test_transaction(handler):
    """The WSGI application, served as Django's test client serves it: the end of a
    request does not close the database connection a rolled-back test runs in."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    def app(environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            result = handler(environ, start_response)
            try:
                return list(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)

    return app


schema = _schema()
fuzzed = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same cases on every run, so CI is repeatable
    suppress_health_check=list(HealthCheck),
    database=None,
)


@schema.parametrize()
@fuzzed
def test_anonymous(case, db):
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@fuzzed
def test_with_an_administrators_token(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)


@pytest.fixture
def admin_token(token_for):
    return token_for("demo.admin", "fuzzer")
