from django.urls import path

from fitclaim.providers import views

app_name = "providers"

urlpatterns = [
    path("", views.provider_list_page, name="list"),
    path("new/", views.provider_create_page, name="create"),
    path("<int:provider_id>/", views.provider_detail_page, name="detail"),
    path("<int:provider_id>/edit/", views.provider_edit_page, name="edit"),
]
