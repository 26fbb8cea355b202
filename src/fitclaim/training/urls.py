"""Session pages. Included at the site root, so each path is spelled in full."""

from django.urls import path

from fitclaim.training import views

app_name = "training"

urlpatterns = [
    path("clients/<int:client_id>/sessions/", views.client_sessions_page, name="client_sessions"),
    path("clients/<int:client_id>/sessions/new/", views.session_create_page, name="create"),
    path(
        "clients/<int:client_id>/sessions/schedule/",
        views.schedule_create_page,
        name="schedule",
    ),
    path("sessions/day/", views.day_page, name="day"),
    path("sessions/import/", views.import_page, name="import"),
    path("sessions/<int:session_id>/", views.session_detail_page, name="detail"),
    path("sessions/<int:session_id>/edit/", views.session_edit_page, name="edit"),
    path("sessions/<int:session_id>/mark/", views.session_mark_view, name="mark"),
]
