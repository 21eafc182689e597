"""docs/api.md and the real routes agree: every API operation is documented, and every
route the page shows exists (an example path like `/api/units/communes/27712` counts for
`/api/units/communes/{code}`)."""

from __future__ import annotations

import re
from pathlib import Path

from django.urls import Resolver404, resolve

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
ROUTE = re.compile(
    r"`((?:GET|POST|PUT|PATCH|DELETE)(?:/(?:GET|POST|PUT|PATCH|DELETE))*) (/[^`\s]*)"
)


def documented() -> set[tuple[str, str]]:
    """(method, path) for each route the page shows, query strings dropped and
    `{a,b}` alternatives expanded."""
    routes = set()
    for methods, path in ROUTE.findall(DOC.read_text(encoding="utf-8")):
        path = path.split("?")[0]
        alternatives = re.search(r"\{([^{}]*,[^{}]*)\}", path)
        paths = (
            [path.replace(alternatives.group(0), a) for a in alternatives.group(1).split(",")]
            if alternatives
            else [path]
        )
        routes |= {(m, p) for m in methods.split("/") for p in paths}
    return routes


def operations() -> set[tuple[str, str]]:
    from tinhso.site.api import api

    schema = api.get_openapi_schema()
    return {
        (method.upper(), path)
        for path, item in schema["paths"].items()
        for method in item
        if method.upper() in METHODS
    }


def _matches(template: str, path: str) -> bool:
    pattern = re.escape(template)
    pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", pattern)
    return re.fullmatch(pattern, path) is not None or template == path


def test_every_api_operation_is_documented():
    docs = documented()
    missing = sorted(
        f"{method} {template}"
        for method, template in operations()
        if not any(m == method and _matches(template, p) for m, p in docs)
    )
    assert missing == [], "missing from docs/api.md"


def test_every_documented_route_exists():
    ops = operations()
    unknown = []
    for method, path in sorted(documented()):
        if any(m == method and _matches(t, path) for m, t in ops):
            continue
        # not an operation of the JSON API: a page, Open311 or CKAN's Action API
        try:
            match = resolve(re.sub(r"\{[^}]+\}", "x", path))
        except Resolver404:
            unknown.append(f"{method} {path}")
            continue
        if match.namespace == "api":  # the JSON API's path, but not with this method
            unknown.append(f"{method} {path}")
    assert unknown == [], "documented in docs/api.md but not served"


def test_the_check_reads_the_page():
    # The page holds dozens of routes; a parser that found none would pass vacuously.
    assert len(documented()) > 20 and len(operations()) > 20
