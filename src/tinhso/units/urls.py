from django.urls import path

from tinhso.units import views

urlpatterns = [
    path("", views.unit_index, name="units"),
    path("convert/", views.convert_page, name="units_convert"),
    path("boundaries/", views.boundary_upload, name="units_boundaries"),
]
