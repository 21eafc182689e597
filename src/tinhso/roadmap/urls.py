from django.urls import path, re_path

from tinhso.roadmap import views

urlpatterns = [
    path("", views.plan, name="roadmap_plan"),
    path("plan.xlsx", views.plan_xlsx, name="roadmap_plan_xlsx"),
    path("import/", views.import_plan, name="roadmap_import"),
    re_path(
        r"^report/(?P<month>\d{4}-\d{2})\.(?P<fmt>pdf|xlsx)$",
        views.monthly,
        name="roadmap_monthly_report",
    ),
    path("tasks/<int:task_id>/", views.task, name="roadmap_task"),
    path("tasks/<int:task_id>/update/", views.update, name="roadmap_task_update"),
    path("tasks/<int:task_id>/report/", views.submit, name="roadmap_report_submit"),
    path("reports/<int:report_id>/decide/", views.decide, name="roadmap_report_decide"),
]
