"""The bar chart's geometry: bars scale to a round maximum, groups follow each other."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fitclaim.coverage.charts import BAR, HEIGHT, Series, bar_chart, nice_ceiling

SERIES = (Series("a", "A", "a"), Series("b", "B", "b"))


@pytest.mark.parametrize(
    ("value", "ceiling"),
    [("0", "1"), ("0.4", "0.5"), ("1", "1"), ("170", "200"), ("210", "250"), ("999", "1000")],
)
def test_the_scale_ends_on_a_round_number(value: str, ceiling: str) -> None:
    assert nice_ceiling(Decimal(value)) == Decimal(ceiling)


def test_bars_are_as_tall_as_their_share_of_the_scale() -> None:
    chart = bar_chart(
        [("Jan", {"a": Decimal("100"), "b": Decimal("50")}), ("Feb", {"a": Decimal("200")})],
        SERIES,
    )
    jan, feb = chart.groups
    assert max(tick.y for tick in chart.ticks) == chart.baseline
    tallest = feb.bars[0]
    assert tallest.y + tallest.height == chart.baseline
    assert jan.bars[0].height == pytest.approx(tallest.height / 2)
    assert jan.bars[1].height == pytest.approx(tallest.height / 4)
    assert feb.bars[1].height == 0
    assert jan.bars[1].x == jan.bars[0].x + BAR + 3
    assert feb.x > jan.x
    assert chart.height == HEIGHT
    assert [t.value for t in chart.ticks] == [Decimal(v) for v in ("0", "50", "100", "150", "200")]


def test_a_chart_without_periods_is_empty() -> None:
    assert bar_chart([], SERIES).empty
