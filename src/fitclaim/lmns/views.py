"""Letter pages. Each view: who is acting, access, the form, one service call.

The provider's signing pages (`sign_*`) are the only pages without sign-in:
the link's token is their whole authority, and it reaches one letter.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fitclaim.accounts.actor import actor_from_request, client_ip
from fitclaim.clients.access import may_edit_visible_clients
from fitclaim.clients.forms import add_service_errors
from fitclaim.clients.selectors import access_client
from fitclaim.facilities.selectors import facilities_visible_to
from fitclaim.files.services import download_name, file_read
from fitclaim.lmns.forms import (
    DeclineForm,
    LmnForm,
    RenewForm,
    RevokeForm,
    ScanForm,
    SendForm,
    SignForm,
)
from fitclaim.lmns.models import LmnStatus
from fitclaim.lmns.selectors import (
    access_lmn,
    letters_needing_attention,
    lmn_attendance,
    lmn_completeness,
    lmn_document,
    lmn_get_for_view,
    lmn_pdf,
    lmn_unsigned_pdf,
    lmn_unsigned_sha256,
    lmns_of_client,
    open_signature_request,
)
from fitclaim.lmns.services import (
    LinkRefused,
    LinkState,
    lmn_cancel_signature_request,
    lmn_create,
    lmn_decline,
    lmn_renew,
    lmn_revoke,
    lmn_send_for_signature,
    lmn_sign,
    lmn_update,
    lmn_upload_signed_scan,
    signing_link_check,
    signing_link_open,
    signing_link_refused,
)
from fitclaim.providers.selectors import providers_visible_to
from fitclaim.trainers.selectors import trainers_visible_to
from fitclaim.web.responses import document_response


def _pdf_response(content: bytes, filename: str, *, inline: bool = True) -> HttpResponse:
    return document_response(content, filename, inline=inline)


def _lmn_form(request: HttpRequest, actor: object, **kwargs: object) -> LmnForm:
    return LmnForm(
        request.POST if request.method == "POST" else None,
        providers=providers_visible_to(actor),
        trainers=trainers_visible_to(actor),
        facilities=facilities_visible_to(actor),
        **kwargs,  # type: ignore[arg-type]
    )


@login_required
@require_GET
def letter_list_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id)
    return render(
        request,
        "lmns/letter_list.html",
        {
            "client": client,
            "letters": lmns_of_client(client),
            "today": timezone.localdate(),
            "may_edit": may_edit_visible_clients(actor),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_create_page(request: HttpRequest, client_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = _lmn_form(request, actor, initial=LmnForm.initial_for_new(client, timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        try:
            lmn = lmn_create(by=actor, client=client, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Drafted {lmn.reference}.")
            return redirect("lmns:detail", letter_id=lmn.pk)
    return render(request, "lmns/letter_form.html", {"form": form, "client": client, "lmn": None})


@login_required
@require_POST
def letter_check_partial(request: HttpRequest, client_id: int) -> HttpResponse:
    """What a letter being typed would miss, as the form changes (htmx): the same
    check as sending, on the unsaved fields. Nothing is written."""
    from fitclaim.lmns.models import Lmn

    actor = actor_from_request(request)
    client = access_client(actor, client_id, write=True)
    form = _lmn_form(request, actor)
    form.is_valid()  # whatever parses is checked; the rest reads as missing
    data = form.cleaned_data
    lmn = Lmn(
        organization_id=client.organization_id,
        client=client,
        provider=data.get("provider_id"),
        diagnoses=data.get("diagnoses") or [],
        **{
            name: data.get(name) if data.get(name) is not None else default
            for name, default in (
                ("necessity_statement", ""),
                ("exercise_kind", ""),
                ("sessions_per_week", None),
                ("minutes_per_session", None),
                ("intensity", ""),
                ("precautions", ""),
                ("goals", ""),
                ("valid_from", None),
                ("valid_to", None),
            )
        },
    )
    if lmn.valid_from and not lmn.valid_to:
        from fitclaim.domain.letters import default_valid_to

        lmn.valid_to = default_valid_to(lmn.valid_from)
    return render(
        request,
        "lmns/_completeness.html",
        {"completeness": lmn_completeness(lmn, today=timezone.localdate())},
    )


@login_required
@require_GET
def letter_detail_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = lmn_get_for_view(by=actor, lmn_id=letter_id)
    today = timezone.localdate()
    may_edit = may_edit_visible_clients(actor)
    return render(
        request,
        "lmns/letter_detail.html",
        {
            "lmn": lmn,
            "client": lmn.client,
            "doc": lmn_document(lmn),
            "completeness": lmn_completeness(lmn, today=today)
            if lmn.status in (LmnStatus.DRAFT, LmnStatus.AWAITING_SIGNATURE)
            else None,
            "open_request": open_signature_request(lmn),
            "requests": [
                (link, link.state(timezone.now())) for link in lmn.signature_requests.all()
            ]
            if may_edit
            else [],
            "attendance": lmn_attendance(lmn, today=today)
            if lmn.status != LmnStatus.DRAFT
            else None,
            "renewal": getattr(lmn, "renewal", None),
            "today": today,
            "status_label": lmn.display_status(today),
            "may_edit": may_edit,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_edit_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    if lmn.status != LmnStatus.DRAFT:
        messages.error(
            request,
            "Only a draft can be edited."
            + (" Renew a signed letter to change it." if lmn.status == LmnStatus.SIGNED else ""),
        )
        return redirect("lmns:detail", letter_id=lmn.pk)
    form = _lmn_form(request, actor, initial=LmnForm.initial_for(lmn))
    if request.method == "POST" and form.is_valid():
        try:
            lmn = lmn_update(by=actor, lmn=lmn, data=form.service_data())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {lmn.reference}.")
            return redirect("lmns:detail", letter_id=lmn.pk)
    return render(
        request,
        "lmns/letter_form.html",
        {
            "form": form,
            "client": lmn.client,
            "lmn": lmn,
            "completeness": lmn_completeness(lmn, today=timezone.localdate()),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_send_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    today = timezone.localdate()
    form = SendForm(
        request.POST if request.method == "POST" else None,
        initial={"provider_email": lmn.provider.email if lmn.provider else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            signature_request, _token = lmn_send_for_signature(
                by=actor, lmn=lmn, provider_email=form.cleaned_data["provider_email"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Sent {lmn.reference} to {signature_request.provider_email} for signature.",
            )
            return redirect("lmns:detail", letter_id=lmn.pk)
    return render(
        request,
        "lmns/letter_send.html",
        {
            "form": form,
            "lmn": lmn,
            "client": lmn.client,
            "completeness": lmn_completeness(lmn, today=today),
        },
    )


@login_required
@require_POST
def letter_cancel_signature(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    try:
        lmn_cancel_signature_request(by=actor, lmn=lmn)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Cancelled the signature request: {lmn.reference} is a draft.")
    return redirect("lmns:detail", letter_id=lmn.pk)


@login_required
@require_http_methods(["GET", "POST"])
def letter_scan_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    form = ScanForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={
            "signer_name": str(lmn.provider) if lmn.provider else "",
            "signed_on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            lmn = lmn_upload_signed_scan(
                by=actor,
                lmn=lmn,
                content=upload.read(),
                name=upload.name,
                signer_name=form.cleaned_data["signer_name"],
                signed_on=form.cleaned_data["signed_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded the signed scan: {lmn.reference} is signed.")
            return redirect("lmns:detail", letter_id=lmn.pk)
    return render(
        request, "lmns/letter_scan.html", {"form": form, "lmn": lmn, "client": lmn.client}
    )


@login_required
@require_GET
def letter_scan_file(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id)
    if lmn.signed_scan_id is None:
        raise Http404("no scan")
    stored = lmn.signed_scan
    content = file_read(by=actor, stored=stored)
    return document_response(content, download_name(stored), stored.content_type, inline=True)


@login_required
@require_GET
@xframe_options_sameorigin
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id)
    content, filename = lmn_pdf(by=actor, lmn=lmn)
    return _pdf_response(content, filename, inline=request.GET.get("download") != "1")


@login_required
@require_http_methods(["GET", "POST"])
def letter_revoke_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            lmn = lmn_revoke(by=actor, lmn=lmn, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Revoked {lmn.reference}.")
            return redirect("lmns:detail", letter_id=lmn.pk)
    return render(
        request, "lmns/letter_revoke.html", {"form": form, "lmn": lmn, "client": lmn.client}
    )


@login_required
@require_http_methods(["GET", "POST"])
def letter_renew_page(request: HttpRequest, letter_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    lmn = access_lmn(actor, letter_id, write=True)
    form = RenewForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            renewal = lmn_renew(
                by=actor,
                lmn=lmn,
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Drafted {renewal.reference}, version {renewal.version} of the letter."
            )
            return redirect("lmns:detail", letter_id=renewal.pk)
    return render(
        request,
        "lmns/letter_renew.html",
        {
            "form": form,
            "lmn": lmn,
            "client": lmn.client,
            "attendance": lmn_attendance(lmn, today=timezone.localdate()),
        },
    )


@login_required
@require_GET
def attention_page(request: HttpRequest) -> HttpResponse:
    """Letters and pre-authorizations that need someone, across visible clients."""
    from fitclaim.preauths.selectors import preauths_needing_attention

    actor = actor_from_request(request)
    today = timezone.localdate()
    items = letters_needing_attention(actor=actor, today=today)
    items += preauths_needing_attention(actor=actor, today=today)
    items.sort(key=lambda item: (item.due or today.max, item.client.name))
    return render(request, "lmns/attention.html", {"items": items, "today": today})


# --- the provider's signing pages ---------------------------------------------------


def _user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:1000]


def _private(response: HttpResponse) -> HttpResponse:
    # The token is in the address: keep it out of caches, other sites' referrers
    # and indexes. (Not "no-referrer": browsers then send `Origin: null` with the
    # form, which the CSRF check rightly refuses.)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


LINK_PROBLEMS = {
    LinkState.EXPIRED: (
        410,
        "This signing link has expired",
        "Links to sign a letter work for 14 days. Ask the practice that sent it for a new one.",
    ),
    LinkState.USED: (
        410,
        "This signing link has already been used",
        "The letter was signed or declined with this link, which works only once. "
        "Nothing has changed.",
    ),
    LinkState.REVOKED: (
        410,
        "This signing link was withdrawn",
        "The practice withdrew this link, or sent a newer one. Use the most recent email, or "
        "ask them.",
    ),
    LinkState.CLOSED: (
        410,
        "This letter no longer needs your signature",
        "The practice has taken the letter back or recorded its signature another way. "
        "Nothing has changed.",
    ),
    LinkState.INVALID: (
        404,
        "This signing link is not valid",
        "The address may have been cut or changed when it was copied. Open the link from the "
        "email again, or ask the practice for a new one.",
    ),
}


def _link_problem(request: HttpRequest, state: str) -> HttpResponse:
    status, title, message = LINK_PROBLEMS[state]
    return _private(
        render(
            request,
            "lmns/sign/link_problem.html",
            {"title": title, "message": message},
            status=status,
        )
    )


def _sign_page(
    request: HttpRequest,
    token: str,
    lmn: object,
    sign_form: SignForm,
    decline_form: DeclineForm,
    status: int = 200,
) -> HttpResponse:
    return _private(
        render(
            request,
            "lmns/sign/sign.html",
            {
                "lmn": lmn,
                "doc": lmn_document(lmn, signed=False),  # type: ignore[arg-type]
                "token": token,
                "sign_form": sign_form,
                "decline_form": decline_form,
            },
            status=status,
        )
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_page(request: HttpRequest, signing_token: str) -> HttpResponse:
    """The provider reviews the letter as it will print, then signs it here."""
    token = signing_token
    ip, agent = client_ip(request), _user_agent(request)
    if request.method == "GET":
        link = signing_link_open(token=token, ip=ip, user_agent=agent)
        if not link.is_open:
            return _link_problem(request, link.state)
        lmn = link.lmn
        sign_form = SignForm(initial={"document_sha256": lmn_unsigned_sha256(lmn)})
        return _sign_page(request, token, lmn, sign_form, DeclineForm())
    link = signing_link_check(token)
    if not link.is_open:
        signing_link_refused(link, ip=ip, user_agent=agent, attempted="sign")
        return _link_problem(request, link.state)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            lmn = lmn_sign(
                token=token,
                signer_name=form.cleaned_data["signer_name"],
                attested=form.cleaned_data["attested"],
                document_sha256=form.cleaned_data["document_sha256"],
                ip=ip,
                user_agent=agent,
            )
        except LinkRefused as refused:
            return _link_problem(request, refused.link.state)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _private(render(request, "lmns/sign/done.html", {"lmn": lmn, "signed": True}))
    lmn = link.lmn
    # The letter may have changed since the page was opened: show the current one.
    form.data = form.data.copy()
    form.data["document_sha256"] = lmn_unsigned_sha256(lmn)
    return _sign_page(request, token, lmn, form, DeclineForm(), status=422)


@never_cache
@require_POST
def sign_decline(request: HttpRequest, signing_token: str) -> HttpResponse:
    token = signing_token
    ip, agent = client_ip(request), _user_agent(request)
    link = signing_link_check(token)
    if not link.is_open:
        signing_link_refused(link, ip=ip, user_agent=agent, attempted="decline")
        return _link_problem(request, link.state)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            lmn = lmn_decline(
                token=token, comment=form.cleaned_data["comment"], ip=ip, user_agent=agent
            )
        except LinkRefused as refused:
            return _link_problem(request, refused.link.state)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _private(render(request, "lmns/sign/done.html", {"lmn": lmn, "signed": False}))
    lmn = link.lmn
    sign_form = SignForm(initial={"document_sha256": lmn_unsigned_sha256(lmn)})
    return _sign_page(request, token, lmn, sign_form, form, status=422)


@never_cache
@require_GET
@xframe_options_sameorigin
def sign_pdf(request: HttpRequest, signing_token: str) -> HttpResponse:
    """The letter exactly as it will print, for the provider to review."""
    token = signing_token
    link = signing_link_open(
        token=token, ip=client_ip(request), user_agent=_user_agent(request), what="pdf"
    )
    if not link.is_open:
        return _link_problem(request, link.state)
    lmn = link.lmn
    response = _pdf_response(lmn_unsigned_pdf(lmn), f"{lmn.reference}-v{lmn.version}.pdf")
    return _private(response)
