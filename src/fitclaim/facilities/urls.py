from django.urls import path

from fitclaim.facilities import views

app_name = "facilities"

urlpatterns = [
    path("", views.facility_list_page, name="list"),
    path("new/", views.facility_create_page, name="create"),
    path("<int:facility_id>/", views.facility_detail_page, name="detail"),
    path("<int:facility_id>/edit/", views.facility_edit_page, name="edit"),
]
