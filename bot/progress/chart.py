"""A PNG chart of the practices over time, drawn with matplotlib (the optional `chart` extra).

matplotlib is imported when a chart is drawn, never at import time, so the bot runs without
it; `ChartUnavailable` then says how to install it. Drawing uses matplotlib's object API on
the Agg canvas (no pyplot and its global figures), one chart at a time (see _DRAWING).
"""

from __future__ import annotations

import io
import threading
from typing import Any

from slack_sdk import WebClient

from bot import catalogue
from bot.blocks import day, days, plural
from bot.progress.series import Series

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


def title(period_days: int, channel_name: str | None = None) -> str:
    where = f" in #{channel_name}" if channel_name else ""
    return f"Practices{where}, last {period_days} days"


def labels(series: Series) -> list[str]:
    """One x-axis label per bar, calendar days as people write them (`Fri` over `4 Dec`),
    weeks as spans of days (`23–29 Nov`), with how many days a week cut short holds."""
    out = []
    for bar in series.buckets:
        if series.bucket_days == 1:
            out.append(day(bar.first, series.today).replace(" ", "\n", 1))
            continue
        label = days(bar.first, bar.last, series.today).replace(" – ", " –\n")
        if bar.day_count < series.bucket_days:
            label += f"\n({plural(bar.day_count, 'day')})"
        out.append(label)
    return out


def render_png(series: Series, *, channel_name: str | None = None) -> bytes:
    """The practices over time as a PNG: stacked bars of what was done per calendar day or
    week, one colour per practice, with the period's total per practice in the legend."""
    Figure, FigureCanvasAgg, MaxNLocator = _matplotlib()
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
        axes.set_ylabel(f"things done per {'day' if daily else 'week'}")
        axes.set_xlabel(axis_label(series), fontsize=9)
        axes.set_xticks(xs, labels(series), fontsize=8 if len(xs) > 8 else 9)
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
                "Nothing done in this period yet",
                transform=axes.transAxes,
                ha="center",
                va="center",
                fontsize=12,
                color="#666666",
            )
        axes.legend(
            handles=handles[::-1],  # top of the stack first
            title="Practice (total in the period)",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            fontsize=9,
            title_fontsize=9,
        )
        out = io.BytesIO()
        figure.savefig(out, format="png")
    return out.getvalue()


def axis_label(series: Series) -> str:
    """What the bars are: calendar days, or weeks from Monday to Sunday, in the team's zone."""
    what = "Calendar days" if series.bucket_days == 1 else "Weeks, Monday to Sunday"
    return f"{what}, {span(series)}, in {series.zone}"


def span(series: Series) -> str:
    """The days the chart covers: `23–29 Nov`."""
    return days(series.buckets[0].first, series.buckets[-1].last, series.today)


def describe(series: Series) -> str:
    """The chart in words, for screen readers (the file's alt text)."""
    per = "calendar day" if series.bucket_days == 1 else "week (Monday to Sunday)"
    totals = ", ".join(
        f"{catalogue.practice(key).name} {sum(series.counts.get(key, ()))}"
        for key in catalogue.PRACTICE_KEYS
    )
    return (
        f"Stacked bar chart of what was done per {per} in the last {series.days} days, "
        f"{span(series)}, one colour per practice. Totals: {totals}."
    )


def post(
    client: WebClient,
    *,
    channel_id: str,
    series: Series,
    channel_name: str | None = None,
) -> None:
    """Draw the chart and upload it to `channel_id` (a channel, or a person's DM with the
    bot): files.getUploadURLExternal, the upload, files.completeUploadExternal.
    ChartUnavailable without matplotlib; Slack's errors raise SlackApiError
    (`not_in_channel` when the bot isn't in the channel)."""
    name = channel_name
    if not name or name in PLACEHOLDER_NAMES or name.startswith("mpdm-"):
        name = None
    png = render_png(series, channel_name=name)
    per = "day" if series.bucket_days == 1 else "week"
    client.files_upload_v2(
        channel=channel_id,
        file=png,
        filename=f"practices-{series.days}d.png",
        title=title(series.days, name),
        alt_txt=describe(series)[:1000],
        initial_comment=(f":bar_chart: The five practices per {per}, {span(series)}."),
    )
