from django.urls import path

from fitclaim.trainers import views

app_name = "trainers"

urlpatterns = [
    path("", views.trainer_list_page, name="list"),
    path("new/", views.trainer_create_page, name="create"),
    path("<int:trainer_id>/", views.trainer_detail_page, name="detail"),
    path("<int:trainer_id>/edit/", views.trainer_edit_page, name="edit"),
    path(
        "<int:trainer_id>/credentials/new/", views.credential_create_page, name="credential_create"
    ),
    path(
        "<int:trainer_id>/credentials/<int:credential_id>/edit/",
        views.credential_edit_page,
        name="credential_edit",
    ),
    path(
        "<int:trainer_id>/credentials/<int:credential_id>/delete/",
        views.credential_delete_page,
        name="credential_delete",
    ),
]
