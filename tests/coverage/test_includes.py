"""The pieces other pages include: the client page's Coverage section, the
"Money waiting" navigation item and the client-portal home card."""

from __future__ import annotations

from django.template.loader import render_to_string

from .conftest import World


def test_the_client_page_section_links_to_the_coverage(world: World) -> None:
    html = render_to_string("coverage/_client_coverage_link.html", {"client": world.dana})
    assert f'href="/clients/{world.dana.pk}/coverage/"' in html
    assert '<h2 id="coverage">Coverage</h2>' in html


def test_the_navigation_item_is_for_staff(world: World) -> None:
    staff = render_to_string("coverage/_nav_item.html", {"membership": world["billing"].membership})
    assert 'href="/coverage/waiting/"' in staff and "Money waiting" in staff
    portal = render_to_string(
        "coverage/_nav_item.html", {"membership": world["client_self"].membership}
    )
    assert portal.strip() == ""


def test_the_portal_card_links_the_client_to_their_own_coverage(world: World) -> None:
    html = render_to_string(
        "coverage/_portal_card.html", {"membership": world["client_self"].membership}
    )
    assert f'href="/clients/{world.dana.pk}/coverage/"' in html
    staff = render_to_string(
        "coverage/_portal_card.html", {"membership": world["admin"].membership}
    )
    assert staff.strip() == ""


def test_the_access_matrix_rows_name_every_coverage_route() -> None:
    from django.urls import get_resolver

    from fitclaim.api.v1 import api

    from .access_rules import COVERAGE_API, COVERAGE_PAGES

    names = {
        f"coverage:{name}"
        for name in get_resolver().namespace_dict["coverage"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(COVERAGE_PAGES)
    operations = {
        (method, path)
        for path, ops in api.get_openapi_schema()["paths"].items()
        for method in ops
        if "coverage" in path
    }
    assert operations == set(COVERAGE_API)
