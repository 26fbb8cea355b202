"""Claim pages. Included at the site root, so each path is spelled in full."""

from django.urls import path

from fitclaim.claims import views

app_name = "claims"

urlpatterns = [
    path("clients/<int:client_id>/claims/", views.client_claims_page, name="client_claims"),
    path("clients/<int:client_id>/claims/new/", views.claim_builder_page, name="build"),
    path("clients/<int:client_id>/claims/hsa-ledger/", views.hsa_ledger_page, name="hsa_ledger"),
    path(
        "clients/<int:client_id>/claims/statement/<int:year>/",
        views.statement_download,
        name="statement",
    ),
    path("claims/", views.claim_list_page, name="list"),
    path("claims/export.csv", views.claim_list_csv, name="list_csv"),
    path("claims/reports/", views.reports_page, name="reports"),
    path("claims/reports/reimbursed.csv", views.reimbursed_csv_download, name="reimbursed_csv"),
    path("claims/import-835/", views.era_import_page, name="era_import"),
    path("claims/837p/", views.claims_837_batch, name="x12_batch"),
    path("claims/<int:claim_id>/", views.claim_detail_page, name="detail"),
    path("claims/<int:claim_id>/submit/", views.claim_submit_view, name="submit"),
    path("claims/<int:claim_id>/payer-id/", views.claim_payer_id_view, name="payer_id"),
    path("claims/<int:claim_id>/answer/", views.claim_answer_page, name="answer"),
    path("claims/<int:claim_id>/packet.pdf", views.claim_packet_download, name="packet"),
    path("claims/<int:claim_id>/cms1500.pdf", views.claim_cms1500_download, name="cms1500"),
    path("claims/<int:claim_id>/837p.x12", views.claim_837_download, name="x12"),
    path("claims/<int:claim_id>/appeals/", views.appeal_create_view, name="appeal_create"),
    path("claims/<int:claim_id>/appeals/<int:appeal_id>/", views.appeal_page, name="appeal"),
    path(
        "claims/<int:claim_id>/appeals/<int:appeal_id>/send/",
        views.appeal_send_view,
        name="appeal_send",
    ),
    path(
        "claims/<int:claim_id>/appeals/<int:appeal_id>.pdf",
        views.appeal_download,
        name="appeal_pdf",
    ),
    path("claims/<int:claim_id>/ready/", views.claim_ready_view, name="ready"),
    path("claims/<int:claim_id>/draft/", views.claim_draft_view, name="draft"),
    path("claims/<int:claim_id>/withdraw/", views.claim_withdraw_view, name="withdraw"),
    path("claims/<int:claim_id>/close/", views.claim_close_view, name="close"),
]
