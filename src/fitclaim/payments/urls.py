"""Payment and receipt pages. Included at the site root, so each path is spelled in full."""

from django.urls import path

from fitclaim.payments import views

app_name = "payments"

urlpatterns = [
    path("clients/<int:client_id>/payments/", views.client_payments_page, name="client_payments"),
    path("clients/<int:client_id>/payments/new/", views.payment_create_page, name="create"),
    path("clients/<int:client_id>/packages/new/", views.package_create_page, name="package_create"),
    path("clients/<int:client_id>/receipt.pdf", views.client_receipt_pdf, name="client_receipt"),
    path("clients/<int:client_id>/superbill.pdf", views.client_superbill_pdf, name="superbill"),
    path(
        "clients/<int:client_id>/receipts/upload/",
        views.receipt_upload_page,
        name="receipt_upload",
    ),
    path("payments/<int:payment_id>/", views.payment_detail_page, name="detail"),
    path("payments/<int:payment_id>/receipt.pdf", views.payment_receipt_pdf, name="receipt"),
    path(
        "receipts/uploaded/<int:upload_id>/",
        views.uploaded_receipt_download,
        name="uploaded_receipt",
    ),
]
