"""Page-level handling of access refusals: a visitor who must sign in is sent to the
sign-in page; a signed-in person without the role gets the 403 page; a guarded object
the visitor may not see is the 404 page."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse

from tinhso.core.access import AccessDenied, NotFound


class AccessDeniedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, AccessDenied) and exception.needs_sign_in:
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None
