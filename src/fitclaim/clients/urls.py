from django.urls import include, path

from fitclaim.clients import views

app_name = "clients"

urlpatterns = [
    path("", views.client_list_page, name="list"),
    path("new/", views.client_create_page, name="create"),
    path("<int:client_id>/", views.client_detail_page, name="detail"),
    path("<int:client_id>/edit/", views.client_edit_page, name="edit"),
    path("<int:client_id>/portal-login/", views.client_portal_login_page, name="portal_login"),
    path("<int:client_id>/funding/", include("fitclaim.funding.urls")),
]
