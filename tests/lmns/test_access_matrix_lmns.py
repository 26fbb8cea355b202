"""The access matrix (tests/test_access_matrix.py) run over the letters' and
pre-authorizations' pages and API operations, with the rows of access_rules.py."""

from __future__ import annotations

import pytest

from tests.test_access_matrix import (
    ARGUMENTS,
    PERSONAS,
    _check,
    api_operations,
    fill,
    matrix_world,  # noqa: F401
    rule,
    url_patterns,
)

from .access_rules import LMN_API, LMN_ARGUMENTS, LMN_PAGES
from .conftest import World

OUR_PAGES = ("lmns:", "preauths:")
OUR_API = ("/api/v1/letters", "/api/v1/preauthorizations")


@pytest.fixture(autouse=True)
def our_arguments(monkeypatch):
    for key, maker in LMN_ARGUMENTS.items():
        monkeypatch.setitem(ARGUMENTS, key, maker)


def ours(method: str, path: str) -> bool:
    return path.startswith(OUR_API) or path.endswith(("/letters", "/preauthorizations"))


def test_every_page_of_ours_has_a_row():
    names = {name for _, name in url_patterns() if name.startswith(OUR_PAGES)}
    assert names == set(LMN_PAGES)


def test_every_api_operation_of_ours_has_a_row():
    operations = {(m, p) for m, p in api_operations() if ours(m, p)}
    assert operations == set(LMN_API)


@pytest.mark.parametrize("route_name", sorted(LMN_PAGES))
def test_page_access_by_persona(matrix_world: World, route_name: str):  # noqa: F811
    routes = {name: route for route, name in url_patterns()}
    rule_ = rule(**LMN_PAGES[route_name])
    problems = [
        _check(
            matrix_world,
            persona,
            rule_.method,
            fill(routes[route_name], matrix_world, persona),
            rule_,
            api=False,
        )
        for persona in PERSONAS
    ]
    assert [p for p in problems if p] == []


@pytest.mark.parametrize(("method", "path"), sorted(LMN_API))
def test_api_access_by_persona(matrix_world: World, method: str, path: str):  # noqa: F811
    rule_ = rule(**LMN_API[(method, path)])
    problems = [
        _check(matrix_world, persona, method, fill(path, matrix_world, persona), rule_, api=True)
        for persona in PERSONAS
    ]
    assert [p for p in problems if p] == []
