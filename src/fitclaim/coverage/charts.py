"""Server-rendered bar charts: the geometry of an inline SVG, computed here so
the template only draws rectangles and text. No JavaScript, no library.

A chart is a group of bars per period (a month), one bar per series. The
template gives it a <title> and <desc>, every bar its own <title> (the value on
hover), and a data table next to it for anyone who cannot see the picture.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

HEIGHT = 240
TOP = 12
BOTTOM = 40  # room for the period labels
LEFT = 64  # room for the axis labels
RIGHT = 12
BAR = 20
GAP = 3
GROUP_GAP = 24


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    css_class: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: Series
    value: Decimal
    period: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: Decimal


@dataclass(frozen=True)
class Group:
    label: str
    x: float  # centre, for the label
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    plot_left: float
    plot_right: float
    baseline: float
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]
    series: tuple[Series, ...]

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def tick_label_x(self) -> float:
        return self.plot_left - 6

    @property
    def period_label_y(self) -> float:
        return self.baseline + 16


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 times a power of ten that is >= value (> 0)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for _ in range(2):
        scale = Decimal(10) ** exponent
        for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
            if step * scale >= value:
                return (step * scale).normalize()
        exponent += 1
    return value  # not reached


def bar_chart(
    periods: list[tuple[str, dict[str, Decimal]]], series: tuple[Series, ...], *, ticks: int = 4
) -> BarChart:
    """Grouped bars: `periods` is [(label, {series key: value})], in order."""
    group_width = len(series) * BAR + (len(series) - 1) * GAP
    width = LEFT + len(periods) * (group_width + GROUP_GAP) + RIGHT
    baseline = HEIGHT - BOTTOM
    plot_height = baseline - TOP
    top_value = max(
        (values.get(s.key, Decimal(0)) for _, values in periods for s in series), default=Decimal(0)
    )
    scale_max = nice_ceiling(top_value)
    groups = []
    for index, (label, values) in enumerate(periods):
        left = LEFT + GROUP_GAP / 2 + index * (group_width + GROUP_GAP)
        bars = []
        for position, s in enumerate(series):
            value = values.get(s.key, Decimal(0))
            height = float(value / scale_max) * plot_height if scale_max else 0.0
            bars.append(
                Bar(
                    x=round(left + position * (BAR + GAP), 2),
                    y=round(baseline - height, 2),
                    width=BAR,
                    height=round(height, 2),
                    series=s,
                    value=value,
                    period=label,
                )
            )
        groups.append(Group(label=label, x=round(left + group_width / 2, 2), bars=tuple(bars)))
    tick_marks = tuple(
        Tick(
            y=round(baseline - plot_height * step / ticks, 2),
            value=(scale_max * step / ticks).quantize(Decimal("0.01")),
        )
        for step in range(ticks + 1)
    )
    return BarChart(
        width=width,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=width - RIGHT,
        baseline=baseline,
        groups=tuple(groups),
        ticks=tick_marks,
        series=series,
    )
