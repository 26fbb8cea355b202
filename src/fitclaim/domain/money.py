"""Money in the domain: integer cents inside, "85.00" strings at the edges.

Every amount the engine computes is a whole number of cents, and every rounding
goes through `round_half_up`, so there is one rounding rule in the product.
"""

from __future__ import annotations

import re
from decimal import Decimal

MONEY_PATTERN = r"^(0|[1-9][0-9]*)\.[0-9]{2}$"
RATE_PATTERN = r"^(0(\.[0-9]+)?|1(\.0+)?)$"
MONEY_RE = re.compile(MONEY_PATTERN)
RATE_RE = re.compile(RATE_PATTERN)

CENT = Decimal("0.01")


def cents_from_str(text: str) -> int:
    """ "85.00" -> 8500. The text must already match MONEY_PATTERN."""
    return int(text[:-3]) * 100 + int(text[-2:])


_CENTS_TEXT: dict[int, str] = {}


def cents_to_str(cents: int) -> str:
    """8500 -> "85.00"; never negative in the engine."""
    text = _CENTS_TEXT.get(cents)
    if text is None:
        whole, part = divmod(cents, 100)
        text = f"{whole}.{part:02d}"
        # Amounts repeat across sessions (the same charge, copay, share), so the
        # texts are kept; the cap bounds memory on unusual inputs.
        if len(_CENTS_TEXT) < 100_000:
            _CENTS_TEXT[cents] = text
    return text


def cents_from_decimal(amount: Decimal) -> int:
    return int((amount.quantize(CENT) * 100).to_integral_value())


def decimal_from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def money_text(amount: Decimal) -> str:
    """A Decimal amount of cents as the engine writes money: "85.00"."""
    return f"{amount.quantize(CENT):f}"


def quantize(amount: Decimal) -> Decimal:
    """Round a Decimal amount to cents, half up: the one rounding rule."""
    from decimal import ROUND_HALF_UP

    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def rate_from_str(text: str) -> tuple[int, int]:
    """ "0.20" -> (20, 100): an exact fraction, so no float ever touches money."""
    if "." not in text:
        return int(text), 1
    whole, fraction = text.split(".", 1)
    denominator = 10 ** len(fraction)
    return int(whole) * denominator + int(fraction), denominator


def round_half_up(numerator: int, denominator: int) -> int:
    """round2 of a non-negative amount of cents given as a fraction: 0.5 cent rounds up."""
    return (2 * numerator + denominator) // (2 * denominator)


def apply_rate(cents: int, rate: tuple[int, int]) -> int:
    """round2(cents * rate)."""
    return round_half_up(cents * rate[0], rate[1])
