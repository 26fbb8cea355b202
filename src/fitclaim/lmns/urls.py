"""Letter pages, at the site root: a client's letters under the client's
address, one letter at /letters/<pk>/, and the provider's signing link at
/sign/<token>/ (the only pages here without sign-in)."""

from django.urls import path

from fitclaim.lmns import views

app_name = "lmns"

urlpatterns = [
    path("clients/<int:client_id>/letters/", views.letter_list_page, name="list"),
    path("clients/<int:client_id>/letters/new/", views.letter_create_page, name="create"),
    path("clients/<int:client_id>/letters/check/", views.letter_check_partial, name="check"),
    path("letters/attention/", views.attention_page, name="attention"),
    path("letters/<int:letter_id>/", views.letter_detail_page, name="detail"),
    path("letters/<int:letter_id>/edit/", views.letter_edit_page, name="edit"),
    path("letters/<int:letter_id>/send/", views.letter_send_page, name="send"),
    path(
        "letters/<int:letter_id>/cancel-signature/",
        views.letter_cancel_signature,
        name="cancel_signature",
    ),
    path("letters/<int:letter_id>/scan/", views.letter_scan_page, name="scan"),
    path("letters/<int:letter_id>/scan/file/", views.letter_scan_file, name="scan_file"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="pdf"),
    path("letters/<int:letter_id>/revoke/", views.letter_revoke_page, name="revoke"),
    path("letters/<int:letter_id>/renew/", views.letter_renew_page, name="renew"),
    path("sign/<str:signing_token>/", views.sign_page, name="sign"),
    path("sign/<str:signing_token>/decline/", views.sign_decline, name="sign_decline"),
    path("sign/<str:signing_token>/pdf/", views.sign_pdf, name="sign_pdf"),
]
