"""The panels other pages include (the client's record, the dashboard): they
render for whoever may see the page, and their queries do not grow with the
number of letters."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fitclaim.preauths.models import Preauthorization

from .conftest import TODAY, World, draft_letter, scan_sign
from .test_access import make_preauth


def request_as(world: World, persona: str):
    request = RequestFactory().get("/")
    request.user = world[persona].user
    request.membership = world[persona].membership
    return request


def test_the_client_record_panels_list_letters_and_preauthorizations(world_ready: World):
    lmn = draft_letter(world_ready)
    preauth = make_preauth(world_ready, lmn)
    request = request_as(world_ready, "trainer_assigned")
    letters = render_to_string(
        "lmns/_client_letters.html", {"client": world_ready.dana}, request=request
    )
    assert lmn.reference in letters and "New letter" in letters
    preauths = render_to_string(
        "preauths/_client_preauths.html", {"client": world_ready.dana}, request=request
    )
    assert preauth.display_reference in preauths


def test_the_client_portal_sees_its_letters_without_actions(world_ready: World):
    lmn = draft_letter(world_ready)
    html = render_to_string(
        "lmns/_client_letters.html",
        {"client": world_ready.dana},
        request=request_as(world_ready, "client_self"),
    )
    assert lmn.reference in html
    assert "New letter" not in html


def test_the_dashboard_panel_lists_what_needs_attention(world_ready: World):
    start = TODAY() - dt.timedelta(days=300)
    lmn = draft_letter(world_ready, valid_from=start, valid_to=TODAY() + dt.timedelta(days=20))
    scan_sign(world_ready, lmn, signed_on=start)
    html = render_to_string(
        "lmns/_needs_attention.html", {}, request=request_as(world_ready, "billing")
    )
    assert "Needs attention" in html
    assert f"{lmn.reference} expires in 20 days" in html
    portal = render_to_string(
        "lmns/_needs_attention.html", {}, request=request_as(world_ready, "client_self")
    )
    assert "Needs attention" not in portal  # the dashboard panel is for staff


def queries(world: World, url: str) -> int:
    http = world["admin"].http()
    with CaptureQueriesContext(connection) as captured:
        assert http.get(url).status_code == 200
    return len(captured)


def test_letter_and_preauthorization_lists_take_a_fixed_number_of_queries(world_ready: World):
    letters = reverse("lmns:list", args=[world_ready.dana.pk])
    preauths = reverse("preauths:list", args=[world_ready.dana.pk])
    attention = reverse("lmns:attention")
    api = f"/api/v1/clients/{world_ready.dana.pk}/letters"
    draft_letter(world_ready)
    make_preauth(world_ready)
    baseline = [queries(world_ready, url) for url in (letters, preauths, attention, api)]
    for _ in range(4):
        draft_letter(world_ready)
        make_preauth(world_ready)
    assert Preauthorization.objects.count() == 5
    assert [queries(world_ready, url) for url in (letters, preauths, attention, api)] == baseline
