"""The portal's routes, mounted at the site's root (site/urls.py) before the platform's
own API: CKAN's Action API without trailing slashes (nothing redirects), and the public
pages at CKAN's addresses — a dataset's page has no trailing slash, as in CKAN, so that
`/dataset/<slug>.jsonld` and the like (DCAT, `dcat_views.py`) sit beside it."""

from django.urls import path, re_path

from tinhso.portal import community, dcat_views, pages, views

SYNTAX = r"(?P<syntax>jsonld|ttl|rdf)"

urlpatterns = [
    path("api/3", views.version, name="ckan_version"),
    path("api/3/action/<str:name>", views.action, name="ckan_action"),
    path("api/action/<str:name>", views.action, name="ckan_action_legacy"),
    re_path(rf"^catalog\.{SYNTAX}$", dcat_views.catalog, name="dcat_catalog"),
    re_path(
        rf"^dataset/(?P<slug>[-a-zA-Z0-9_]+)\.{SYNTAX}$", dcat_views.dataset, name="dcat_dataset"
    ),
    path("opendata/", pages.home, name="portal_home"),
    path("opendata/list/", pages.open_data_list, name="portal_list"),
    path("opendata/list/review/", pages.record_review, name="portal_list_review"),
    path("opendata/list.<str:fmt>", pages.open_data_list_file, name="portal_list_file"),
    path("dataset/", pages.search_page, name="portal_search"),
    path("dataset/<slug:slug>", pages.dataset_page, name="portal_dataset"),
    path("dataset/<slug:slug>/reuses/new", community.reuse_new, name="portal_reuse_new"),
    path("opendata/requests/", community.requests_list, name="portal_requests"),
    path("opendata/requests/new", community.request_new, name="portal_request_new"),
    path("opendata/requests/<int:pk>/", community.request_page, name="portal_request"),
    path("opendata/moderation/", community.moderation, name="portal_moderation"),
    path(
        "opendata/moderation/reuses/<int:pk>/",
        community.reuse_decide,
        name="portal_reuse_decide",
    ),
    path(
        "opendata/moderation/requests/<int:pk>/",
        community.request_answer,
        name="portal_request_answer",
    ),
    path("organization/", pages.organizations, name="portal_organizations"),
    path("organization/<slug:name>", pages.organization, name="portal_organization"),
    path("group/", pages.groups, name="portal_groups"),
    path("group/<slug:name>", pages.group, name="portal_group"),
]
