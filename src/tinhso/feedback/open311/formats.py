"""Open311's two formats: XML and JSON, as the specification shows them, and its error
list; the public rate limit on every endpoint."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring  # noqa: S405 - we only write XML

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.throttle import rate_limited

CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
# XML element names of list items.
ITEM = {
    "services": "service",
    "service_requests": "request",
    "endpoints": "endpoint",
    "formats": "format",
    "attributes": "attribute",
    "values": "value",
    "errors": "error",
    # FixMyStreet's servicerequestupdates extension names its root so.
    "service_requests_updates": "request_update",
}


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


# Characters XML 1.0 cannot hold (control characters, lone surrogates), which a caller's
# input echoed in an error could carry: replaced, so every answer stays well-formed.
_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return timestamp(value)
    return str(value)


def timestamp(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return timezone.localtime(value).isoformat(timespec="seconds")


def _xml_into(parent: Element, name: str, value: Any) -> None:
    node = SubElement(parent, name)
    if isinstance(value, dict):
        for key, child in value.items():
            _xml_into(node, key, child)
    elif isinstance(value, list):
        for child in value:
            _xml_into(node, ITEM.get(name, "item"), child)
    else:
        node.text = _XML_INVALID.sub("\ufffd", _text(value))


def render(fmt: str, root: str, value: Any, status: int = 200) -> HttpResponse:
    """`value` is a list (of `root`'s items) or a dict (the children of `root`)."""
    if fmt == "json":
        body = json.dumps(value, ensure_ascii=False, default=_text)
    else:
        top = Element(root)
        if isinstance(value, list):
            for item in value:
                _xml_into(top, ITEM[root], item)
        else:
            for key, child in value.items():
                _xml_into(top, key, child)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + tostring(top, encoding="unicode")
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _throttled(request: HttpRequest, seconds: int) -> HttpResponse:
    fmt = "json" if request.path.endswith(".json") else "xml"
    return error(
        fmt,
        429,
        _("Too many requests from your address; try again in %(seconds)s seconds.")
        % {"seconds": seconds},
    )


def endpoint(view):
    """Errors as the specification's list; the public rate limit; GET only unless the
    view says otherwise."""

    @rate_limited(_throttled, scope="open311")
    def wrapper(request: HttpRequest, fmt: str, *args, **kwargs):
        try:
            return view(request, fmt, *args, **kwargs)
        except Open311Error as exc:
            return error(fmt, exc.status, exc.description)

    wrapper.__name__ = view.__name__
    return wrapper
