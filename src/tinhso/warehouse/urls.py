from django.urls import path

from tinhso.warehouse import views

urlpatterns = [
    path("", views.catalogue, name="warehouse_catalogue"),
    path("mine/", views.mine, name="warehouse_mine"),
    path("new/", views.create, name="warehouse_create"),
    path("<slug:slug>/", views.detail, name="warehouse_dataset"),
    path("<slug:slug>/edit/", views.edit, name="warehouse_edit"),
    path("<slug:slug>/schema/", views.schema_edit, name="warehouse_schema"),
    path("<slug:slug>/upload/", views.upload, name="warehouse_upload"),
    path("<slug:slug>/uploads/<int:job_id>/", views.job, name="warehouse_job"),
    path("<slug:slug>/versions/<int:number>/", views.version, name="warehouse_version"),
]
