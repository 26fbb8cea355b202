"""The one query behind every API call (accounts.selectors.api_caller): the
same token, owner and membership the ORM would find, read with the ORM's own
converters, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from fitclaim.accounts.models import ApiToken, Membership, Organization, Role
from fitclaim.accounts.selectors import api_caller, membership_for_user
from fitclaim.accounts.services import api_token_create, api_token_use, user_create
from tests.records.conftest import World, fast_password_hashing, world  # noqa: F401


def token_for(world: World, persona: str) -> str:  # noqa: F811
    _, raw = api_token_create(actor=world[persona].actor(), name="test")
    return raw


@pytest.mark.parametrize(
    "persona", ["admin", "billing", "trainer_assigned", "client_self", "other_org_admin"]
)
def test_the_caller_is_the_tokens_owner_under_the_membership_the_orm_finds(
    world: World,  # noqa: F811
    persona: str,
) -> None:
    raw = token_for(world, persona)
    caller = api_caller(raw)
    assert caller is not None
    user = world[persona].user
    expected = membership_for_user(user)
    assert caller.user == user
    assert caller.user.email == user.email and caller.user.is_active is True
    assert caller.membership == expected
    assert caller.membership.role == expected.role
    assert caller.membership.client_id == expected.client_id
    assert caller.membership.organization == expected.organization
    assert caller.membership.organization.name == expected.organization.name
    assert caller.token.pk == ApiToken.objects.get(user=user).pk


def test_a_user_in_two_organizations_acts_under_the_oldest_membership(
    world: World,  # noqa: F811
) -> None:
    admin = world["admin"]
    later = Organization.objects.create(name="Later Org")
    Membership.objects.create(user=admin.user, organization=later, role=Role.BILLING)
    caller = api_caller(token_for(world, "admin"))
    assert caller is not None and caller.membership is not None
    assert caller.membership.organization == world.riverbend
    assert caller.membership.role == Role.ADMIN


def test_a_user_in_no_organization_is_known_but_has_no_membership(
    world: World,  # noqa: F811
) -> None:
    loner = user_create(email="loner@example.test", password="long enough password")
    raw = ApiToken.new_raw_token()
    from fitclaim.accounts.models import hash_token

    ApiToken.objects.create(user=loner, name="t", token_hash=hash_token(raw), hint=raw[:8])
    caller = api_caller(raw)
    assert caller is not None
    assert caller.user == loner and caller.membership is None


def test_revoked_unknown_malformed_tokens_and_deactivated_users_are_refused(
    world: World,  # noqa: F811
) -> None:
    raw = token_for(world, "billing")
    assert api_caller(raw) is not None
    assert api_caller(raw + "x") is None
    assert api_caller("") is None
    assert api_caller("not-a-token") is None
    user = world["billing"].user
    user.is_active = False
    user.save()
    assert api_caller(raw) is None
    user.is_active = True
    user.save()
    ApiToken.objects.filter(user=user).update(revoked_at=timezone.now())
    assert api_caller(raw) is None


def test_last_use_is_an_aware_datetime_and_noted_at_most_once_a_minute(
    world: World,  # noqa: F811
) -> None:
    raw = token_for(world, "billing")
    first = api_token_use(raw=raw)
    assert first is not None
    used = ApiToken.objects.get(pk=first.token.pk).last_used_at
    assert used is not None and timezone.is_aware(used)
    again = api_caller(raw)
    assert again is not None and again.token.last_used_at == used
    long_ago = used - dt.timedelta(minutes=5)
    ApiToken.objects.filter(pk=first.token.pk).update(last_used_at=long_ago)
    assert api_token_use(raw=raw) is not None
    assert ApiToken.objects.get(pk=first.token.pk).last_used_at > long_ago


def test_the_api_answers_404_for_a_token_whose_owner_has_no_organization(
    world: World,  # noqa: F811
) -> None:
    from django.test import Client as HttpClient

    from fitclaim.accounts.models import hash_token

    loner = user_create(email="loner@example.test", password="long enough password")
    raw = ApiToken.new_raw_token()
    ApiToken.objects.create(user=loner, name="t", token_hash=hash_token(raw), hint=raw[:8])
    response = HttpClient().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 404


def test_the_per_call_queries_are_prepared_on_postgresql(world: World) -> None:  # noqa: F811
    """Every API call runs the caller query, and a coverage read the audited
    access check: after a few runs on a connection both are prepared
    statements, planned once (settings: DATABASE_PREPARE_THRESHOLD)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from fitclaim.coverage.selectors import coverage_json_for_view

    raw = token_for(world, "billing")
    actor = world["billing"].actor(via="api")
    for _ in range(settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"] + 1):
        assert api_caller(raw) is not None
        coverage_json_for_view(by=actor, client_id=world.dana.pk, as_of=timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement, generic_plans + custom_plans FROM pg_prepared_statements")
        prepared = cursor.fetchall()
    assert any('FROM "accounts_apitoken" t' in sql and runs >= 1 for sql, runs in prepared)
    assert any(sql.startswith("WITH visible AS") and runs >= 1 for sql, runs in prepared)
