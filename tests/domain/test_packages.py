"""Prepaid packages: the price split over the sessions, in whole cents, the last
session taking the rounding remainder (no database)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fitclaim.domain.packages import next_share, package_shares


def test_ten_sessions_for_800_are_80_each() -> None:
    assert package_shares(80000, 10) == [8000] * 10


def test_the_last_session_takes_the_rounding_remainder() -> None:
    assert package_shares(10000, 3) == [3333, 3333, 3334]


def test_one_session_takes_the_whole_price() -> None:
    assert package_shares(12345, 1) == [12345]


def test_a_package_needs_a_session() -> None:
    with pytest.raises(ValueError):
        package_shares(100, 0)


def test_applying_one_share_after_another_gives_the_shares_in_order() -> None:
    applied, shares = 0, []
    for n in range(3):
        share = next_share(price_cents=10000, count=3, applied_cents=applied, applied_count=n)
        shares.append(share)
        applied += share
    assert shares == [3333, 3333, 3334]
    assert next_share(price_cents=10000, count=3, applied_cents=applied, applied_count=3) == 0


def test_a_released_share_is_taken_again_and_the_total_never_exceeds_the_price() -> None:
    # Sessions 1 and 3 took 33.33 and 33.34; session 2's share was released.
    assert next_share(price_cents=10000, count=3, applied_cents=6667, applied_count=2) == 3333


@given(
    price=st.integers(min_value=1, max_value=10**9), count=st.integers(min_value=1, max_value=200)
)
def test_shares_add_up_to_the_price_and_differ_only_in_the_last(price: int, count: int) -> None:
    shares = package_shares(price, count)
    assert len(shares) == count
    assert sum(shares) == price
    assert all(share == price // count for share in shares[:-1])
    assert shares[-1] >= shares[0]


@given(
    price=st.integers(min_value=1, max_value=10**7), count=st.integers(min_value=1, max_value=50)
)
def test_next_share_walks_through_package_shares(price: int, count: int) -> None:
    applied = 0
    for n, expected in enumerate(package_shares(price, count)):
        share = next_share(price_cents=price, count=count, applied_cents=applied, applied_count=n)
        assert share == expected
        applied += share
    assert applied == price
