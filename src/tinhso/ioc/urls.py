from django.urls import path

from tinhso.ioc import views

urlpatterns = [
    path("", views.overview, name="ioc_overview"),
    path("live/", views.live, name="ioc_live"),
    path("sector/<slug:sector>/", views.sector, name="ioc_sector"),
    path("commune/<str:code>/", views.commune, name="ioc_commune"),
    path("value/<int:value_id>/", views.value, name="ioc_value"),
    path("alerts/", views.alerts, name="ioc_alerts"),
    path("alerts/<int:alert_id>/", views.alert, name="ioc_alert"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge, name="ioc_alert_acknowledge"),
    path("alerts/<int:alert_id>/resolve/", views.resolve, name="ioc_alert_resolve"),
    path("values/", views.entries, name="ioc_entries"),
    path("values/<int:entry_id>/decide/", views.decide, name="ioc_entry_decide"),
    path("reports/", views.reports, name="ioc_reports"),
    path("reports/generate/", views.generate_report, name="ioc_report_generate"),
    path("reports/<int:report_id>/<str:fmt>/", views.report_file, name="ioc_report_file"),
]
