"""The site's own pages: home, health check, web manifest, service worker."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import never_cache

from tinhso import __version__
from tinhso.core.actors import actor_from_request
from tinhso.units import province as home_province


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse(
            {
                "status": "error",
                "database": f"error: {exc.__class__.__name__}",
                "version": __version__,
            },
            status=503,
        )
    return JsonResponse({"status": "ok", "database": connection.vendor, "version": __version__})


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"province": home_province.home()})


# Where each role's day starts, in order of precedence (administrators hold every role;
# they land on the home page, whose menu leads everywhere).
WORK = [
    ("administrator", "home", ""),
    ("operator", "feedback_queue", "?state=received"),
    ("supervisor", "feedback_queue", ""),
    ("handler", "feedback_queue", ""),
    ("data_steward", "warehouse_mine", ""),
    ("leader", "ioc_overview", ""),
]


def work(request: HttpRequest) -> HttpResponse:
    """After signing in: straight to the page where this person's work is."""
    actor = actor_from_request(request)
    if not actor.is_authenticated:
        return redirect_to_login(request.get_full_path())
    held = actor.user.role_codes
    for role, url_name, query in WORK:
        if role in held or (role == "administrator" and actor.user.is_superuser):
            return redirect(reverse(url_name) + query)
    return redirect("home")


def manifest(request: HttpRequest) -> JsonResponse:
    """The citizen app's web manifest: added to a phone's home screen it opens the report
    form like an app."""
    name = home_province.name()
    return JsonResponse(
        {
            "name": f"{name} — Phản ánh",
            "short_name": "Phản ánh",
            "description": "Gửi và theo dõi phản ánh, kiến nghị với chính quyền tỉnh.",
            "lang": "vi",
            "start_url": "/feedback/new/?source=app",
            "scope": "/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#9b1c1c",
            "icons": [
                {
                    "src": static("tinhso/icons/icon-192.png"),
                    "sizes": "192x192",
                    "type": "image/png",
                },
                {
                    "src": static("tinhso/icons/icon-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                },
                {
                    "src": static("tinhso/icons/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


def service_worker(request: HttpRequest) -> HttpResponse:
    """Served from the site root so it controls every page; keeps the report form and its
    assets for use without network."""
    # Rendered without the request's context processors: the worker script is the same for
    # every visitor and must not depend on the database being reachable.
    body = render_to_string("site/sw.js", {"tinhso_version": __version__})
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
