"""CKAN's Action API routes, mounted at the site's root (site/urls.py) before the
platform's own API, without trailing slashes."""

from django.urls import path

from tinhso.portal import views

urlpatterns = [
    path("api/3", views.version, name="ckan_version"),
    path("api/3/action/<str:name>", views.action, name="ckan_action"),
    path("api/action/<str:name>", views.action, name="ckan_action_legacy"),
]
