"""Open311 GeoReport v2 under /open311/v2/, XML and JSON as the specification shows, with
the widely used `servicerequestupdates` extension and its extended statuses.

Service codes are the field codes; `service_request_id` is the tracking code
(PA-2026-000123); `expected_datetime` is the report's deadline. Reports that staff have
not yet checked, and refused ones, are not listed; descriptions are masked of phone
numbers, e-mail addresses and ID numbers, and no reporter data is ever returned.
"""

from django.urls import re_path

from tinhso.feedback.open311.views import (
    discovery,
    request_detail,
    requests_view,
    service_definition,
    services,
    token_lookup,
    updates,
)

FMT = r"(?P<fmt>xml|json)"
urlpatterns = [
    re_path(rf"^discovery\.{FMT}$", discovery, name="open311_discovery"),
    re_path(rf"^services\.{FMT}$", services, name="open311_services"),
    re_path(rf"^services/(?P<code>[\w-]+)\.{FMT}$", service_definition, name="open311_service"),
    re_path(rf"^requests\.{FMT}$", requests_view, name="open311_requests"),
    re_path(rf"^requests/(?P<code>[\w-]+)\.{FMT}$", request_detail, name="open311_request"),
    re_path(rf"^tokens/(?P<token>[\w-]+)\.{FMT}$", token_lookup, name="open311_token"),
    re_path(rf"^servicerequestupdates\.{FMT}$", updates, name="open311_updates"),
]
