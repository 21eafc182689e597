"""The portal's machine routes, mounted at the site's root (site/urls.py) before the
platform's own API, without trailing slashes: CKAN's Action API and the DCAT
descriptions."""

from django.urls import path, re_path

from tinhso.portal import dcat_views, views

SYNTAX = r"(?P<syntax>jsonld|ttl|rdf)"

urlpatterns = [
    path("api/3", views.version, name="ckan_version"),
    path("api/3/action/<str:name>", views.action, name="ckan_action"),
    path("api/action/<str:name>", views.action, name="ckan_action_legacy"),
    re_path(rf"^catalog\.{SYNTAX}$", dcat_views.catalog, name="dcat_catalog"),
    re_path(
        rf"^dataset/(?P<slug>[-a-zA-Z0-9_]+)\.{SYNTAX}$", dcat_views.dataset, name="dcat_dataset"
    ),
]
