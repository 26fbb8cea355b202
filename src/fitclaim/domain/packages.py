"""Prepaid packages: one price for a number of sessions, spent as they happen.

FSAs and HSAs reimburse only services already incurred, so a package is not an
expense when it is bought: its price is held, and each attended session takes
its share (price / count, in whole cents). The last session of the package takes
the rounding remainder, so the shares always add up to the price exactly.
"""

from __future__ import annotations


def package_shares(price_cents: int, count: int) -> list[int]:
    """Every session's share: `price // count` each, the last one the remainder.

    10 sessions for 800.00 -> 80.00 x 10; 3 sessions for 100.00 -> 33.33, 33.33, 33.34.
    """
    if count < 1:
        raise ValueError("a package has at least one session")
    if price_cents < 0:
        raise ValueError("a package price is not negative")
    share = price_cents // count
    return [share] * (count - 1) + [price_cents - share * (count - 1)]


def next_share(*, price_cents: int, count: int, applied_cents: int, applied_count: int) -> int:
    """What the next attended session takes from a package that has already been
    applied to `applied_count` sessions for `applied_cents` in total.

    The share is `price // count` until one session is left, which takes all that
    remains. Computed from what is left rather than from a position, so a share
    released (a session marked attended by mistake) is simply taken again by the
    next session and the total never exceeds the price. 0 when the package is used up.
    """
    if count < 1:
        raise ValueError("a package has at least one session")
    left_count = count - applied_count
    left_cents = price_cents - applied_cents
    if left_count <= 0 or left_cents <= 0:
        return 0
    if left_count == 1:
        return left_cents
    return min(price_cents // count, left_cents)
