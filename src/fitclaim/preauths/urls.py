"""Pre-authorization pages, at the site root: a client's requests under the
client's address, one request at /preauthorizations/<pk>/."""

from django.urls import path

from fitclaim.preauths import views

app_name = "preauths"

urlpatterns = [
    path("clients/<int:client_id>/preauthorizations/", views.preauth_list_page, name="list"),
    path(
        "clients/<int:client_id>/preauthorizations/new/",
        views.preauth_create_page,
        name="create",
    ),
    path("preauthorizations/<int:preauth_id>/", views.preauth_detail_page, name="detail"),
    path("preauthorizations/<int:preauth_id>/edit/", views.preauth_edit_page, name="edit"),
    path("preauthorizations/<int:preauth_id>/answer/", views.preauth_answer_page, name="answer"),
    path(
        "preauthorizations/<int:preauth_id>/request.pdf",
        views.preauth_request_pdf_view,
        name="request_pdf",
    ),
]
