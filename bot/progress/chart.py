"""A PNG chart of the practices over time, drawn with matplotlib (the optional `chart` extra).

matplotlib is imported when a chart is drawn, never at import time, so the bot runs without
it; `ChartUnavailable` then says how to install it. Drawing uses matplotlib's object API on
the Agg canvas (no pyplot and its global figures), one chart at a time (see _DRAWING).
"""

from __future__ import annotations

import io
import math
import threading
from datetime import timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot import catalogue
from bot.progress.service import Series

INSTALL_HINT = "Charts need the optional chart extra: pip install 'nudgebot[chart]'"

# What Slack sends as channel_name where a channel has no name to show.
PLACEHOLDER_NAMES = frozenset({"directmessage", "privategroup"})

# One colour per practice, from the Okabe-Ito palette (told apart by colour-blind people).
STYLE = {
    "model": "#0072B2",
    "vision": "#E69F00",
    "challenge": "#009E73",
    "enable": "#CC79A7",
    "heart": "#D55E00",
}

# matplotlib's font cache and first import are not thread-safe; one chart at a time also
# bounds the memory a burst of requests can take.
_DRAWING = threading.Lock()


class ChartUnavailable(RuntimeError):
    """matplotlib is not installed."""

    def __init__(self) -> None:
        super().__init__(INSTALL_HINT)


def _matplotlib() -> tuple[Any, Any, Any]:
    """(Figure, FigureCanvasAgg, MaxNLocator), or ChartUnavailable without matplotlib."""
    try:
        import matplotlib  # noqa: F401  (first: a missing package fails here)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import MaxNLocator
    except ImportError:
        raise ChartUnavailable() from None
    return Figure, FigureCanvasAgg, MaxNLocator


def available() -> bool:
    try:
        _matplotlib()
    except ChartUnavailable:
        return False
    return True


def title(days: int, channel_name: str | None = None) -> str:
    where = f" in #{channel_name}" if channel_name else ""
    return f"Practices{where}, last {days} days"


def labels(series: Series, zone: tzinfo) -> list[str]:
    """One x-axis label per bucket, in `zone`: the day for daily bars; for weekly bars the
    last day of the week, and how many days the oldest covers when it is shorter."""
    out = []
    for bucket in series.buckets:
        last = (bucket.end - timedelta(microseconds=1)).astimezone(zone)
        label = (
            f"{last:%a}\n{last.day} {last:%b}"
            if series.bucket_days == 1
            else (f"{last.day} {last:%b}")
        )
        span = (bucket.end - bucket.start) / timedelta(days=1)
        if series.bucket_days > 1 and span < series.bucket_days - 0.01:
            label += f"\n({math.ceil(span)} day{'s' if math.ceil(span) > 1 else ''})"
        out.append(label)
    return out


def render_png(
    series: Series, *, channel_name: str | None = None, zone: str | tzinfo = "UTC"
) -> bytes:
    """The practices over time as a PNG: stacked bars of the items logged per day or per
    week, one colour per practice, with the period's total per practice in the legend."""
    Figure, FigureCanvasAgg, MaxNLocator = _matplotlib()
    where = ZoneInfo(zone) if isinstance(zone, str) else zone
    daily = series.bucket_days == 1
    with _DRAWING:
        figure = Figure(figsize=(9, 5), dpi=110, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        xs = list(range(len(series.buckets)))
        bottom = [0] * len(xs)
        handles = []
        for key in catalogue.PRACTICE_KEYS:
            colour = STYLE[key]
            values = list(series.counts.get(key, (0,) * len(xs)))
            bars = axes.bar(
                xs,
                values,
                bottom=bottom,
                width=0.7,
                color=colour,
                edgecolor="white",
                linewidth=0.8,
                label=f"{catalogue.practice(key).name} ({sum(values)})",
            )
            handles.append(bars)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        for x, total in zip(xs, bottom, strict=True):
            if total:
                axes.annotate(
                    str(total),
                    (x, total),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    fontsize=8,
                    color="#444444",
                )
        axes.set_title(title(series.days, channel_name), fontsize=14, fontweight="bold", pad=12)
        axes.set_ylabel(f"items logged per {'day' if daily else 'week'}")
        zone_name = getattr(where, "key", None) or str(where)
        axes.set_xlabel(f"{'day' if daily else 'week ending'} ({zone_name})", fontsize=9)
        axes.set_xticks(xs, labels(series, where), fontsize=8 if len(xs) > 8 else 9)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
        axes.set_ylim(bottom=0, top=max(max(bottom, default=0), 1) * 1.12 + 0.2)
        axes.set_xlim(-0.6, len(xs) - 0.4)
        axes.grid(axis="y", alpha=0.3)
        axes.set_axisbelow(True)
        axes.spines[["top", "right"]].set_visible(False)
        if series.total == 0:
            axes.text(
                0.5,
                0.5,
                "Nothing logged in this period yet",
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=12,
                color="#666666",
            )
        axes.legend(
            handles=handles[::-1],  # top of the stack first
            title="Practice (items in the period)",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title_fontsize=9,
        )
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def describe(series: Series) -> str:
    """The chart in words, for screen readers (the file's alt text)."""
    per = "day" if series.bucket_days == 1 else "week"
    totals = ", ".join(
        f"{catalogue.practice(key).name} {sum(series.counts.get(key, ()))}"
        for key in catalogue.PRACTICE_KEYS
    )
    return (
        f"Stacked bar chart of the items logged per {per} in the last {series.days} days, "
        f"one colour per practice. Totals: {totals}."
    )


def post(
    client: WebClient,
    *,
    channel_id: str,
    series: Series,
    channel_name: str | None = None,
    zone: str = "UTC",
) -> None:
    """Draw the chart and upload it to the channel (files.getUploadURLExternal, the upload,
    files.completeUploadExternal). ChartUnavailable without matplotlib; Slack's errors raise
    SlackApiError (`not_in_channel` when the bot isn't in the channel)."""
    name = channel_name
    if not name or name in PLACEHOLDER_NAMES or name.startswith("mpdm-"):
        name = None
    png = render_png(series, channel_name=name, zone=zone)
    per = "day" if series.bucket_days == 1 else "week"
    client.files_upload_v2(
        channel=channel_id,
        file=png,
        filename=f"practices-{series.days}d.png",
        title=title(series.days, name),
        alt_txt=describe(series)[:1000],
        initial_comment=(
            f":bar_chart: The five practices over the last {series.days} days, per {per}."
        ),
    )
