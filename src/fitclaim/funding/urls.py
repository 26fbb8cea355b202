"""Funding source pages, under their client: /clients/<client_id>/funding/..."""

from django.urls import path

from fitclaim.funding import views

app_name = "funding"

urlpatterns = [
    path("new/", views.funding_source_create_page, name="create"),
    path("<int:source_id>/edit/", views.funding_source_edit_page, name="edit"),
    path("<int:source_id>/delete/", views.funding_source_delete_page, name="delete"),
    path("preferences/", views.funding_preferences_page, name="preferences"),
]
