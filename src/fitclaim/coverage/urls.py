"""Coverage pages. Included at the site root, so each path is spelled in full."""

from django.urls import path

from fitclaim.coverage import views

app_name = "coverage"

urlpatterns = [
    path("clients/<int:client_id>/coverage/", views.coverage_page, name="client"),
    path("coverage/waiting/", views.money_waiting_page, name="waiting"),
]
