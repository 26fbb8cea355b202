"""The Coverage page and the coverage endpoint make the same number of queries
for 10 sessions as for 200 (with and without a cached result)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fitclaim.accounts.services import api_token_create

from .conftest import World, days_ago, letter, many_sessions, today


def _queries(get: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.content[:500]
    return len(captured)


def test_the_same_queries_for_10_and_200_sessions(world: World) -> None:
    letter(world, valid_from=days_ago(900), valid_to=today(), trainers=[world.sam])
    browser = world["trainer_assigned"].http()
    _, token = api_token_create(actor=world["billing"].actor(), name="count")
    api = world["anonymous"].http()
    page_url = f"/clients/{world.dana.pk}/coverage/"
    api_url = f"/api/v1/clients/{world.dana.pk}/coverage"
    headers = {"Authorization": f"Bearer {token}"}
    # Warm up what is loaded once per process (content types, the token's last use).
    api.get(api_url, headers=headers)
    browser.get(page_url)

    counts: dict[str, list[int]] = {"page": [], "api cold": [], "api cached": []}
    for added, offset in ((10, 0), (190, 400)):
        many_sessions(world, added, offset=offset)
        cache.clear()
        counts["page"].append(_queries(lambda: browser.get(page_url)))
        cache.clear()
        counts["api cold"].append(_queries(lambda: api.get(api_url, headers=headers)))
        counts["api cached"].append(_queries(lambda: api.get(api_url, headers=headers)))
        rows = browser.get(page_url).content.decode().count('<tr id="session-')
        assert rows == (10 if offset == 0 else 200)
    assert all(first == second for first, second in counts.values()), counts
    assert counts["api cached"][0] < counts["api cold"][0]
