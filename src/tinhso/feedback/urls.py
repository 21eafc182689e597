from django.urls import path

from tinhso.feedback import views

urlpatterns = [
    path("", views.public_list, name="feedback_list"),
    path("map.geojson", views.public_map, name="feedback_map"),
    path("new/", views.report_new, name="feedback_new"),
    path("propose/", views.propose, name="feedback_propose"),
    path("track/", views.track, name="feedback_track"),
    path("photo/<int:photo_id>/", views.photo, name="feedback_photo"),
    path(
        "r/<str:code>/<str:key>/photo/<int:photo_id>/",
        views.own_photo,
        name="feedback_own_photo",
    ),
    path("staff/photo/<int:photo_id>/", views.staff_photo, name="feedback_staff_photo"),
    path("document/<int:document_id>/", views.document, name="feedback_document"),
    path(
        "r/<str:code>/<str:key>/document/<int:document_id>/",
        views.own_document,
        name="feedback_own_document",
    ),
    path("staff/document/<int:document_id>/", views.staff_document, name="feedback_staff_document"),
    path("r/<str:code>/<str:key>/", views.report_own, name="feedback_own"),
    path("r/<str:code>/<str:key>/rate/", views.report_rate, name="feedback_rate"),
    path("r/<str:code>/<str:key>/reopen/", views.report_reopen, name="feedback_reopen"),
    path("queue/", views.queue, name="feedback_queue"),
    path("messages/", views.message_log, name="feedback_messages"),
    path("scorecards/", views.scorecards, name="feedback_scorecards"),
    path("hotline/", views.hotline, name="feedback_hotline"),
    path("hotline/assist/", views.hotline_assist, name="feedback_hotline_assist"),
    path("staff/<str:code>/", views.staff_report, name="feedback_staff_report"),
    path("staff/<str:code>/<str:action>/", views.staff_action, name="feedback_staff_action"),
]
