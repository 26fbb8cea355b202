"""The audit trail: append-only, readable only by an organization's own admins."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from fitclaim.accounts.models import User
from fitclaim.audit.models import AppendOnlyError, AuditAction, AuditEvent
from fitclaim.audit.services import ReadSummary, audit_event, audit_record, audited_rows
from fitclaim.compiled_queries import CompiledQuery, placeholder
from tests.platform.conftest import Persona


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only (run with DATABASE_URL=postgres://...)")


def record(persona: Persona, **overrides: object) -> AuditEvent:
    fields: dict[str, object] = {
        "action": AuditAction.UPDATE,
        "entity": "client",
        "entity_id": 7,
        "client_id": 7,
        "summary": "Changed the birth date",
        "changes": {"birth_date": ["1980-01-01", "1980-01-02"]},
    }
    return audit_record(actor=persona.actor(), **(fields | overrides))  # type: ignore[arg-type]


# --- who may read it ------------------------------------------------------------


@pytest.mark.parametrize("role", ["trainer", "billing"])
def test_only_admins_open_the_audit_page(role: str, request: pytest.FixtureRequest) -> None:
    persona: Persona = request.getfixturevalue(role)
    client = persona.client()
    assert client.get(reverse("audit:list")).status_code == 404
    event = record(persona)
    assert client.get(reverse("audit:detail", args=[event.pk])).status_code == 404


def test_audit_page_asks_anonymous_visitors_to_sign_in(db: None) -> None:
    response = Client().get(reverse("audit:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_admin_sees_nothing_of_another_organization(
    admin: Persona, trainer: Persona, other_admin: Persona
) -> None:
    ours = record(trainer, summary="Riverbend change")
    client = other_admin.client()
    page = client.get(reverse("audit:list")).content.decode()
    assert "Riverbend change" not in page
    assert trainer.email not in page
    assert client.get(reverse("audit:detail", args=[ours.pk])).status_code == 404
    api = client.get("/api/v1/audit").json()
    assert ours.pk not in [item["id"] for item in api["items"]]
    assert all(item["actor_label"] != trainer.email for item in api["items"])


def test_admin_sees_their_organizations_events(admin: Persona, trainer: Persona) -> None:
    record(trainer, summary="Changed the birth date")
    html = admin.client().get(reverse("audit:list")).content.decode()
    assert "Changed the birth date" in html
    assert trainer.email in html


# --- filters and pages ----------------------------------------------------------


def test_filters_narrow_the_list(admin: Persona, trainer: Persona, billing: Persona) -> None:
    record(trainer, summary="trainer on client 7")
    record(billing, summary="billing on client 8", client_id=8, entity_id=8)
    record(billing, summary="billing viewed a claim", action=AuditAction.VIEW, entity="claim")
    client = admin.client()

    def summaries(**query: object) -> set[str]:
        page = client.get(reverse("audit:list"), query).context["page"]
        return {event.summary for event in page.object_list}

    assert summaries(actor=trainer.user.pk) == {"trainer on client 7"}
    assert summaries(client_id=8) == {"billing on client 8"}
    assert summaries(action="view") == {"billing viewed a claim"}
    assert summaries(entity="claim") == {"billing viewed a claim"}
    assert summaries(actor=billing.user.pk, entity="client") == {"billing on client 8"}


def test_date_range_is_inclusive_of_both_days(admin: Persona) -> None:
    event = record(admin, summary="today's change")
    today = timezone.localdate(event.at)
    client = admin.client()
    page = client.get(reverse("audit:list"), {"date_from": today, "date_to": today}).context["page"]
    assert event in page.object_list
    before = today - dt.timedelta(days=1)
    page = client.get(reverse("audit:list"), {"date_to": before}).context["page"]
    assert event not in page.object_list


def test_a_bad_filter_names_the_field(admin: Persona) -> None:
    response = admin.client().get(
        reverse("audit:list"), {"date_from": "2026-03-02", "date_to": "2026-03-01"}
    )
    assert 'id="id_date_to_error"' in response.content.decode()


def test_people_of_another_organization_are_not_offered_as_a_filter(
    admin: Persona, other_admin: Persona
) -> None:
    record(other_admin, summary="northside")
    record(admin, summary="riverbend")
    form = admin.client().get(reverse("audit:list")).context["form"]
    offered = [label for _, label in form.fields["actor"].choices]
    assert admin.email in offered
    assert other_admin.email not in offered


def test_the_list_shows_fifty_events_a_page_and_keeps_the_filters(admin: Persona) -> None:
    for number in range(55):
        record(admin, summary=f"change {number}")
    client = admin.client()
    first = client.get(reverse("audit:list"), {"entity": "client"})
    assert len(first.context["page"].object_list) == 50
    assert "entity=client&amp;page=2" in first.content.decode()
    second = client.get(reverse("audit:list"), {"entity": "client", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_the_api_lists_and_filters_the_same_events(admin: Persona, trainer: Persona) -> None:
    record(trainer, summary="one", client_id=3)
    record(trainer, summary="two", client_id=4)
    response = admin.client().get("/api/v1/audit", {"client_id": 4})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["summary"] == "two"
    assert body["items"][0]["changes"] == {"birth_date": ["1980-01-01", "1980-01-02"]}


def test_detail_shows_each_change_before_and_after(admin: Persona) -> None:
    event = record(admin)
    html = admin.client().get(reverse("audit:detail", args=[event.pk])).content.decode()
    assert "birth_date" in html
    assert "1980-01-01" in html
    assert "1980-01-02" in html


# --- append-only ------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted_through_the_model(admin: Persona) -> None:
    event = record(admin)
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Changed the birth date"


def test_the_admin_site_can_only_look(admin: Persona) -> None:
    model_admin = site._registry[AuditEvent]
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser("root@example.test", "root@example.test", "x")
    event = record(admin)
    assert model_admin.has_view_permission(request, event)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request, event)


@pytest.mark.postgres
def test_postgres_refuses_update_and_delete_of_audit_rows(admin: Persona) -> None:
    require_postgres()
    event = record(admin)
    for statement in (
        "UPDATE audit_auditevent SET summary = 'rewritten' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(summary="bulk rewrite")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Changed the birth date"


@pytest.mark.postgres
def test_postgres_still_lets_a_user_be_deleted(admin: Persona, trainer: Persona) -> None:
    require_postgres()
    # The FK is ON DELETE SET NULL; the label keeps who it was.
    event = record(trainer)
    trainer.user.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id is None
    assert event.actor_label == trainer.email


def test_admin_pages_for_accounts_and_audit_open(admin: Persona) -> None:
    from fitclaim.accounts.services import api_token_create

    token, _ = api_token_create(actor=admin.actor(), name="EHR sync")
    event = record(admin)
    root = User.objects.create_superuser("root@example.test", "root@example.test", "x")
    client = Client()
    client.force_login(root)
    for url in (
        "/admin/accounts/user/",
        f"/admin/accounts/user/{admin.user.pk}/change/",
        "/admin/accounts/organization/",
        "/admin/accounts/membership/",
        "/admin/accounts/apitoken/",
        f"/admin/accounts/apitoken/{token.pk}/change/",
        "/admin/audit/auditevent/",
        f"/admin/audit/auditevent/{event.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    token_page = client.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode()
    assert 'name="token_hash"' not in token_page  # shown, never editable
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


# --- reads appended by SQL of their own (audited_rows) ------------------------------


def names_query() -> CompiledQuery:
    from fitclaim.clients.models import Client as ClientRecord

    return CompiledQuery(
        ClientRecord.objects.filter(organization_id=placeholder(0))
        .order_by("pk")
        .annotate(name=ClientRecord.name_in_query())
        .values_list("pk", "name"),
        ("organization",),
    )


def test_an_audited_read_appends_one_event_per_row_with_its_summary(admin: Persona) -> None:
    from fitclaim.clients.models import Client as ClientRecord

    organization = admin.organization
    long_name = "L" * 100
    for first, last in (("Ada", "Byron"), ("Grace", long_name)):
        ClientRecord.objects.create(
            organization=organization,
            first_name=first,
            last_name=last,
            birth_date=dt.date(1980, 1, 1),
        )
    event = audit_event(actor=admin.actor(), action=AuditAction.VIEW, entity="list")
    after = " " + "." * 250  # with a long name, past the column's length: cut as the model does
    rows = audited_rows(
        names_query(), (organization.pk,), event, ReadSummary("saw ", "name", after)
    )
    assert [name for _, name in rows] == ["Ada Byron", f"Grace {long_name}"]
    events = list(AuditEvent.objects.filter(entity="list").order_by("pk"))
    assert [e.summary for e in events] == [
        f"saw Ada Byron{after}",
        f"saw Grace {long_name}{after}"[:300],
    ]
    assert len(events[1].summary) == 300
    assert all(e.actor_id == admin.user.pk and e.action == "view" for e in events)
    assert all(e.organization_id == organization.pk and e.at is not None for e in events)


def test_an_audited_read_that_finds_nothing_appends_nothing(admin: Persona) -> None:
    event = audit_event(actor=admin.actor(), action=AuditAction.VIEW, entity="list")
    assert audited_rows(names_query(), (10**9,), event, ReadSummary("", "name", "")) == []
    assert not AuditEvent.objects.filter(entity="list").exists()


def test_a_change_is_never_appended_by_sql_of_its_own(admin: Persona) -> None:
    # Cached coverage learns of changes from the event's post_save.
    event = audit_event(actor=admin.actor(), action=AuditAction.UPDATE, entity="list")
    with pytest.raises(ValueError, match="is a change"):
        audited_rows(names_query(), (admin.organization.pk,), event, ReadSummary("", "name", ""))
    assert not AuditEvent.objects.filter(entity="list").exists()
