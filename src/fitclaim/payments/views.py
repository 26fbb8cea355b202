"""Payment and receipt pages. Each view: who is acting, access, the form, one service call."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fitclaim.accounts.actor import actor_from_request
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.selectors import access_client
from fitclaim.payments.forms import PackageForm, PaymentForm, PeriodForm, ReceiptUploadForm
from fitclaim.payments.selectors import (
    access_payment,
    access_uploaded_receipt,
    client_packages,
    client_payments,
    client_uploaded_receipts,
    package_summary,
    receipt_pdf,
    superbill_pdf,
)
from fitclaim.payments.services import (
    may_upload_receipts,
    package_purchase,
    payment_record,
    receipt_issue_for_payment,
    receipt_issue_for_range,
    receipt_upload,
    uploaded_receipt_read,
)
from fitclaim.training.models import TrainingSession
from fitclaim.training.selectors import attended_unpaid_sessions
from fitclaim.web.responses import document_response


def _pdf(content: bytes, filename: str) -> HttpResponse:
    return document_response(content, filename, inline=True)


@login_required
def client_payments_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    packages = [(package, package_summary(package)) for package in client_packages(client=client)]
    today = timezone.localdate()
    period = PeriodForm(initial={"date_from": today.replace(month=1, day=1), "date_to": today})
    return render(
        request,
        "payments/client_payments.html",
        {
            "client": client,
            "payments": client_payments(client=client),
            "packages": packages,
            "uploads": client_uploaded_receipts(client=client),
            "period": period,
            "may_edit": may_edit_visible_clients(actor),
            "may_upload": may_upload_receipts(actor, client),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def payment_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = PaymentForm(
        request.POST or None,
        initial={"received_on": timezone.localdate()},
        sessions=attended_unpaid_sessions(client=client),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payment_record(
                by=actor,
                client=client,
                received_on=data["received_on"],
                amount=data["amount"],
                method=data["method"],
                reference=data["reference"],
                notes=data["notes"],
                applications=form.applications(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded the payment of {payment.amount}.")
            return redirect("payments:detail", payment_id=payment.pk)
    return render(request, "payments/payment_form.html", {"form": form, "client": client})


@login_required
@require_http_methods(["GET", "POST"])
def package_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = PackageForm(request.POST or None, initial={"purchased_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            package = package_purchase(
                by=actor,
                client=client,
                purchased_on=data["purchased_on"],
                sessions_count=data["sessions_count"],
                price=data["price"],
                method=data["method"],
                reference=data["reference"],
                name=data["name"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Recorded the package: {package.sessions_count} sessions for {package.price}. "
                "Each attended session takes its share.",
            )
            return redirect("payments:client_payments", client_id=client.pk)
    return render(request, "payments/package_form.html", {"form": form, "client": client})


@login_required
def payment_detail_page(request: HttpRequest, payment_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    payment = access_payment(actor, payment_id)
    package = getattr(payment, "package", None)
    return render(
        request,
        "payments/payment_detail.html",
        {
            "payment": payment,
            "client": payment.client,
            "package": package,
            "summary": package_summary(package) if package else None,
            "allocations": payment.allocations.select_related("session__trainer").order_by(
                "session__date", "pk"
            ),
        },
    )


@login_required
def payment_receipt_pdf(request: HttpRequest, payment_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    payment = access_payment(actor, payment_id)
    receipt = receipt_issue_for_payment(by=actor, payment=payment)
    return _pdf(receipt_pdf(by=actor, receipt=receipt), f"receipt-{receipt.number}.pdf")


def _period(request: HttpRequest) -> PeriodForm:
    form = PeriodForm(
        {"date_from": request.GET.get("from", ""), "date_to": request.GET.get("to", "")}
    )
    return form


@login_required
def client_receipt_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    form = _period(request)
    if not form.is_valid():
        return _period_problem(request, client, form)
    receipt = receipt_issue_for_range(
        by=actor,
        client=client,
        date_from=form.cleaned_data["date_from"],
        date_to=form.cleaned_data["date_to"],
    )
    return _pdf(receipt_pdf(by=actor, receipt=receipt), f"receipt-{receipt.number}.pdf")


@login_required
def client_superbill_pdf(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    form = _period(request)
    if not form.is_valid():
        return _period_problem(request, client, form)
    data = form.cleaned_data
    content = superbill_pdf(
        by=actor, client=client, date_from=data["date_from"], date_to=data["date_to"]
    )
    return _pdf(
        content, f"superbill-{client.pk}-{data['date_from']:%Y%m%d}-{data['date_to']:%Y%m%d}.pdf"
    )


def _period_problem(request: HttpRequest, client: object, form: PeriodForm) -> HttpResponse:
    return render(
        request,
        "payments/period_problem.html",
        {"client": client, "period": form},
        status=400,
    )


@login_required
@require_http_methods(["GET", "POST"])
def receipt_upload_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    if not may_upload_receipts(actor, client):
        raise Http404("not found")
    sessions = TrainingSession.objects.filter(client_id=client.pk).order_by("-date", "-pk")
    initial = {}
    if request.GET.get("session", "").isdigit():
        initial["sessions"] = [int(request.GET["session"])]
    form = ReceiptUploadForm(
        request.POST or None, request.FILES or None, sessions=sessions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            receipt = receipt_upload(
                by=actor,
                client=client,
                name=upload.name,
                content=upload.read(),
                sessions=form.cleaned_data["sessions"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            count = receipt.sessions.count()
            messages.success(
                request, f"Uploaded {receipt.file.original_name} for {count} session(s)."
            )
            return redirect("payments:client_payments", client_id=client.pk)
    return render(request, "payments/receipt_upload_form.html", {"form": form, "client": client})


@login_required
def uploaded_receipt_download(request: HttpRequest, upload_id: int) -> HttpResponse:
    """The uploaded file, only through this checked and audited view."""
    from fitclaim.files.services import download_name

    actor = actor_from_request(request)
    receipt = access_uploaded_receipt(actor, upload_id)
    content = uploaded_receipt_read(by=actor, receipt=receipt)
    response = document_response(content, download_name(receipt.file), receipt.file.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
