from django.urls import path

from tinhso.dti import views

urlpatterns = [
    path("", views.overview, name="dti_overview"),
    path("assessments/<int:year>/", views.assessment, name="dti_assessment"),
    path("assessments/<int:year>/enter/", views.enter, name="dti_value_enter"),
    path("assessments/<int:year>/feed/", views.feed, name="dti_assessment_feed"),
    path("values/<int:value_id>/review/", views.review, name="dti_value_review"),
    path("results/<int:year>/", views.results, name="dti_results"),
    path("results/<int:year>/dti.csv", views.results_csv, name="dti_results_csv"),
    path("results/<int:year>/dti.xlsx", views.results_xlsx, name="dti_results_xlsx"),
]
