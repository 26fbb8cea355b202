"""The claim pages: a client's claims, the builder with its preview, a claim
with its actions and documents, the organization's list with filters, the
reports, the 835 upload; scoped to who may see what."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from fitclaim.claims.models import Claim
from fitclaim.claims.services import LineAnswerIn, claim_record_answer

from .conftest import Money, days_ago, today


def test_the_builder_previews_then_builds(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    url = f"/clients/{two_paid.dana.pk}/claims/new/?source={two_paid.fsa.pk}"
    page = http.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="claim-total">170.00<' in html
    assert f'id="claim-by">{(two_paid.fsa.period_end).year}' in html
    # The preview, as htmx asks for it when the choice changes: one session picked.
    first = two_paid.sessions[0]
    partial = http.get(
        url,
        {"source": two_paid.fsa.pk, "mode": "pick", "sessions": [first.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert 'id="claim-total">85.00<' in partial.content.decode()
    assert "<html" not in partial.content.decode()
    assert not Claim.objects.exists()
    response = http.post(
        f"/clients/{two_paid.dana.pk}/claims/new/",
        {"source": two_paid.fsa.pk, "mode": "pick", "sessions": [first.pk], "notes": ""},
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/claims/{claim.pk}/"
    assert claim.total == Decimal("85.00")


def test_the_builder_names_what_it_refuses(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    two_paid.build(two_paid.fsa)
    response = http.post(
        f"/clients/{two_paid.dana.pk}/claims/new/",
        {"source": two_paid.fsa.pk, "mode": "all"},
    )
    assert response.status_code == 200
    assert "nothing to claim from Employer FSA" in response.content.decode()
    assert Claim.objects.count() == 1


def test_a_claim_page_walks_the_lifecycle(two_paid: Money) -> None:
    http = two_paid.w["billing"].http()
    claim = two_paid.build(two_paid.fsa)
    page = http.get(f"/claims/{claim.pk}/").content.decode()
    assert "Packet check" in page and 'id="check-passes"' in page
    assert http.post(f"/claims/{claim.pk}/ready/").status_code == 302
    claim.refresh_from_db()
    assert claim.status == "ready"
    response = http.post(
        f"/claims/{claim.pk}/submit/",
        {"submitted_on": today().isoformat(), "channel": "fax", "reference": "FAX-77"},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.channel) == ("submitted", "fax")
    form = http.get(f"/claims/{claim.pk}/answer/").content.decode()
    lines = list(claim.lines.order_by("date"))
    assert f'name="paid_{lines[0].pk}"' in form
    response = http.post(
        f"/claims/{claim.pk}/answer/",
        {
            "received_on": today().isoformat(),
            "reference": "CHK 88",
            f"paid_{lines[0].pk}": "85.00",
            f"paid_{lines[1].pk}": "0.00",
            f"codes_{lines[1].pk}": "CO-50",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "partially_paid"
    page = http.get(f"/claims/{claim.pk}/").content.decode()
    assert "Engine reasons: LMN_MISSING, LMN_EXPIRED, LMN_NOT_SIGNED" in page
    assert "matches the engine&#x27;s LMN_MISSING" in page
    assert "Draft an appeal" in page
    response = http.post(f"/claims/{claim.pk}/appeals/", {"line": lines[1].pk})
    appeal = claim.appeals.get()
    assert response["Location"] == f"/claims/{claim.pk}/appeals/{appeal.pk}/"
    assert http.get(response["Location"]).status_code == 200
    pdf = http.get(f"/claims/{claim.pk}/appeals/{appeal.pk}.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert http.get(f"/claims/{claim.pk}/packet.pdf")["Cache-Control"] == "private, no-store"


def test_a_refused_step_shows_the_reason(two_paid: Money) -> None:
    http = two_paid.w["admin"].http()
    claim = two_paid.build(two_paid.fsa)
    two_paid.dana.birth_date = None
    two_paid.dana.save()
    response = http.post(f"/claims/{claim.pk}/ready/", follow=True)
    assert "date of birth is missing" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "draft"


@pytest.mark.parametrize(
    ("persona", "sees", "builds"),
    [
        ("admin", True, True),
        ("billing", True, True),
        ("trainer_assigned", True, True),
        ("client_self", True, False),
        ("trainer_not_assigned", False, False),
        ("another_client", False, False),
        ("other_org_admin", False, False),
    ],
)
def test_who_sees_and_changes_a_claim(
    two_paid: Money, persona: str, sees: bool, builds: bool
) -> None:
    claim = two_paid.build(two_paid.fsa)
    http = two_paid.w[persona].http()
    assert http.get(f"/claims/{claim.pk}/").status_code == (200 if sees else 404)
    assert http.get(f"/clients/{two_paid.dana.pk}/claims/").status_code == (200 if sees else 404)
    assert http.get(f"/claims/{claim.pk}/packet.pdf").status_code == (200 if sees else 404)
    builder = http.get(f"/clients/{two_paid.dana.pk}/claims/new/")
    assert builder.status_code == (200 if builds else 404)
    response = http.post(f"/claims/{claim.pk}/withdraw/")
    assert response.status_code == (302 if builds else 404)
    listed = http.get("/claims/").content.decode()
    assert (claim.number in listed) == sees


def test_anonymous_visitors_are_sent_to_sign_in(two_paid: Money) -> None:
    response = two_paid.w["anonymous"].http().get("/claims/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_list_filters_by_status_source_and_age(two_paid: Money) -> None:
    from fitclaim.funding.models import FundingKind

    wellness = two_paid.source(FundingKind.WELLNESS, "Wellness")
    old = two_paid.submitted(wellness)
    Claim.objects.filter(pk=old.pk).update(submitted_on=days_ago(45))
    draft = two_paid.build(two_paid.fsa)
    http = two_paid.w["admin"].http()

    def numbers(query: str) -> set[str]:
        html = http.get(f"/claims/?{query}").content.decode()
        return set(re.findall(r">(FC\d{6})<", html))

    assert numbers("") == {old.number, draft.number}
    assert numbers("status=draft") == {draft.number}
    assert numbers("status=open") == {old.number, draft.number}
    assert numbers("kind=wellness") == {old.number}
    assert numbers("age=30") == {old.number}
    assert numbers("age=60") == set()
    csv_text = http.get("/claims/export.csv?kind=wellness").content.decode()
    assert csv_text.splitlines()[0].startswith("claim,client,source,kind,status")
    assert old.number in csv_text and draft.number not in csv_text
    assert ",45," in csv_text


def test_the_reports_page_and_csv(two_paid: Money) -> None:
    claim = two_paid.submitted(two_paid.fsa)
    lines = list(claim.lines.all())
    claim_record_answer(
        by=two_paid.admin,
        claim=claim,
        received_on=today(),
        lines=[LineAnswerIn(line.pk, "85.00") for line in lines],
    )
    http = two_paid.w["admin"].http()
    page = http.get("/claims/reports/").content.decode()
    assert "Claims aging" in page and "170.00" in page
    csv_text = http.get("/claims/reports/reimbursed.csv").content.decode()
    assert f"{today().year},fsa,Employer FSA (Dana Reyes),WageWorks,1,170.00" in csv_text
    statement = http.get(f"/clients/{two_paid.dana.pk}/claims/statement/{today().year}/?format=csv")
    rows = statement.content.decode().splitlines()
    assert rows[0] == "date,code,trainer,charge,paid,Employer FSA,out_of_pocket"
    assert rows[-1] == "total,,,,170.00,170.00,0.00"
    pdf = http.get(f"/clients/{two_paid.dana.pk}/claims/statement/{today().year}/")
    assert pdf["Content-Type"] == "application/pdf"


def test_the_client_page_section_and_the_includes(two_paid: Money) -> None:
    two_paid.build(two_paid.fsa)
    section = render_to_string(
        "claims/_client_claims.html", {"client": two_paid.dana, "may_edit": True}
    )
    assert "1 claim, 1 open (0 waiting for an answer); 170.00 asked, 0.00 paid." in section
    assert f'href="/clients/{two_paid.dana.pk}/claims/new/"' in section
    nav = render_to_string("claims/_nav_link.html", {})
    assert 'href="/claims/"' in nav and "Claims" in nav
    button = render_to_string(
        "claims/_build_button.html", {"client": two_paid.dana, "source": two_paid.fsa}
    )
    assert f"/clients/{two_paid.dana.pk}/claims/new/?source={two_paid.fsa.pk}" in button


def test_the_hsa_ledger_page(money: Money) -> None:
    from fitclaim.funding.models import FundingKind

    money.fsa.delete()
    money.source(FundingKind.HSA, "Health savings account")
    money.session(on=days_ago(3))
    http = money.w["client_self"].http()
    page = http.get(f"/clients/{money.dana.pk}/claims/hsa-ledger/").content.decode()
    assert "Not yet reimbursed: 85.00" in page
    csv_response = http.get(f"/clients/{money.dana.pk}/claims/hsa-ledger/?format=csv")
    assert csv_response["Content-Type"].startswith("text/csv")
    assert (
        money.w["other_org_admin"]
        .http()
        .get(f"/clients/{money.dana.pk}/claims/hsa-ledger/")
        .status_code
        == 404
    )
