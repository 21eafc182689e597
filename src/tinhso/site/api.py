"""The JSON API: one NinjaAPI, each app's router registered explicitly."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.renderers import JSONRenderer

from tinhso import __version__
from tinhso.agencies.api import account_router, tokens_router
from tinhso.agencies.api import router as agencies_router
from tinhso.agencies.auth import signed_in
from tinhso.core.access import AccessDenied, NotFound
from tinhso.core.api import router as core_router
from tinhso.core.throttle import PublicRateThrottle
from tinhso.feedback.api import router as feedback_router
from tinhso.ioc.api import router as ioc_router
from tinhso.sensors.api import router as sensors_router
from tinhso.units.api import router as units_router
from tinhso.units.lookup import Ambiguous, ConversionError
from tinhso.warehouse.api import router as warehouse_router


class UnicodeJSONRenderer(JSONRenderer):
    """Vietnamese stays readable in responses ("Tây Ninh", not "T\\u00e2y Ninh")."""

    json_dumps_params = {"ensure_ascii": False}


# Every operation may answer these, through the handlers below and the global throttle; the
# schema says so, so a client (and the fuzzer) finds each status it can meet.
ERROR_RESPONSES = {
    "400": "The request cannot be carried out as sent (the detail says why).",
    "401": "Sign in or send a valid API token.",
    "403": "Your account may not do this.",
    "404": "Nothing of that name among what you may see.",
    "422": "A parameter or field is not valid (listed under errors).",
    "429": "Too many requests from your address (see Retry-After).",
}
ERROR_SCHEMA = {
    "title": "ErrorOut",
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                    "message": {"type": "string"},
                },
            },
        },
    },
    "required": ["detail"],
}


class TinhSoAPI(NinjaAPI):
    """The platform's API: every operation documents the error answers it can give."""

    def get_openapi_schema(self, *args, **kwargs):
        schema = super().get_openapi_schema(*args, **kwargs)
        schema["components"].setdefault("schemas", {})["ErrorOut"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for item in schema["paths"].values():
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = TinhSoAPI(
    renderer=UnicodeJSONRenderer(),
    title="Tỉnh Số API",
    version=__version__,
    description=(
        "API của nền tảng Tỉnh Số. Gửi token bằng tiêu đề `Authorization: Bearer …`. "
        "API of the Tỉnh Số platform; send tokens as `Authorization: Bearer …`."
    ),
    docs_url="/docs",
    urls_namespace="api",
    throttle=[PublicRateThrottle()],
)

api.add_router("/units", units_router, tags=["units"])
api.add_router("/agencies", agencies_router, tags=["agencies"])
api.add_router("/feedback", feedback_router, tags=["feedback"])
api.add_router("/data", warehouse_router, tags=["data warehouse"])
api.add_router("/sensors", sensors_router, tags=["sensors"])
api.add_router("/ioc", ioc_router, auth=signed_in, tags=["operations centre"])
api.add_router("/tokens", tokens_router, tags=["tokens"])
api.add_router("", account_router, tags=["account"])
api.add_router("", core_router, auth=signed_in, tags=["audit"])


@api.exception_handler(ConversionError)
def conversion_error(request: HttpRequest, exc: ConversionError) -> HttpResponse:
    body = {"detail": exc.message, "field": exc.level, "value": exc.raw}
    if isinstance(exc, Ambiguous):
        body["candidates"] = exc.candidates
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(AccessDenied)
def access_denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": exc.message}, status=401 if exc.needs_sign_in else 403
    )


@api.exception_handler(NotFound)
def not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc.message)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("Please sign in or send a valid API token (Authorization: Bearer …).")},
        status=401,
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    seconds = max(1, int(exc.wait or 60))
    response = api.create_response(
        request,
        {
            "detail": _("Too many requests from your address; try again in %(seconds)s seconds.")
            % {"seconds": seconds}
        },
        status=429,
    )
    response["Retry-After"] = str(seconds)
    return response


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]) or None, "message": e.get("msg")}
        for e in exc.errors
    ]
    return api.create_response(
        request,
        {"detail": _("The request is not valid: check the fields listed."), "errors": errors},
        status=422,
    )
