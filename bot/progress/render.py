"""Block Kit for `/nudge progress`: per practice what was done and what it is made of, the
period before, who took part, and what needs attention. Shown privately first, with a
Share to channel button; shared, it says who shared it."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, day, days, message, plural, section
from bot.measures import lines as measure_lines
from bot.measures import why
from bot.progress.parts import PUBLISHED, Part, describe, words
from bot.progress.service import PracticeCount, Progress
from bot.sharing import Shared, share_button

PARTICIPATION = (
    "Taking part: giving or getting kudos, sharing something, making or keeping a commitment, "
    "publishing the vision, guidelines or values. Worries are anonymous: they count above, "
    "not here."
)


def title(report: Progress) -> str:
    return f"Practice progress, last {report.days} days"


def _amount(count: int, parts: tuple[Part, ...]) -> str:
    """`5 kudos` when one kind of thing makes the number, `4 (1 hope, 3 worries)` when
    several do, `nothing` for none."""
    if not count:
        return "nothing"
    if not parts:
        return f"{count:,}"
    if len(parts) == 1 and parts[0].kind not in PUBLISHED.values():
        return words(parts[0])
    return f"{count:,} ({describe(parts)})"


def _before(report: Progress) -> str:
    return "the week before" if report.days == 7 else f"the {report.days} days before"


def _versus(report: Progress, count: PracticeCount) -> str:
    """The period before, in plain words; `new` when there is too little history to say
    there was nothing before."""
    history = report.history
    if history == "none" or (history == "partial" and not count.previous):
        return " · new" if count.current else ""
    if not count.previous:
        return f" · none {_before(report)}"
    return f" · {_amount(count.previous, count.previous_parts)} {_before(report)}"


def _line(report: Progress, count: PracticeCount) -> str:
    practice = catalogue.practice(count.practice)
    amount = _amount(count.current, count.parts)
    return f"{practice.emoji} *{practice.name}*: {amount}{_versus(report, count)}"


def _local_day(report: Progress) -> date | None:
    window = report.window
    if report.history_from is None or window is None or window.zone is None:
        return None
    return report.history_from.astimezone(ZoneInfo(window.zone)).date()


def _dates(report: Progress) -> str | None:
    """Which days are counted and what they are compared with, or why they can't be."""
    window = report.window
    if window is None or window.first is None or window.last is None:
        return None
    today = window.last
    span = days(window.first, window.last, today)
    assert window.previous_first is not None
    before = days(window.previous_first, window.first - timedelta(days=1), today)
    started = _local_day(report)
    if report.history == "full":
        return f"{span}, compared with {before}."
    if report.history == "partial" and started is not None:
        return (
            f"{span}, compared with {before}, though I only started here on {day(started, today)}."
        )
    if started is not None:
        return (
            f"{span}. I started here on {day(started, today)}, less than {report.days} days "
            "ago, so there is nothing earlier to compare with yet."
        )
    return f"{span}."


def _participation(report: Progress) -> list[Block]:
    if report.members and report.participants is not None:
        members = plural(report.members, "member")
        line = (
            f":busts_in_silhouette: *{report.participants:,} of {members}* of this channel "
            f"took part ({report.participation}%)."
        )
    else:
        line = f":busts_in_silhouette: *{plural(report.people, 'person', 'people')}* took part."
    blocks: list[Block] = [section(line), context(PARTICIPATION)]
    if report.members_note:
        blocks.append(
            context(f":information_source: No participation figure: {report.members_note}")
        )
    return blocks


def _focus(report: Progress) -> list[Block]:
    focus = catalogue.practice(report.focus)
    blocks: list[Block] = [
        section(
            f":mag: *Needs attention: {focus.name}*\n{focus.summary}\n"
            f"Try `/nudge now {focus.key}` to get people talking."
        )
    ]
    window = report.window
    if report.attention is not None:
        zone = (window.zone if window else None) or "UTC"
        today = window.last if window else None
        blocks.append(context(why.basis(report.attention, report.days, zone, today)))
    return blocks


def _measures(report: Progress) -> list[Block]:
    if report.measures is None:
        return []
    head = f":straight_ruler: *Team measures*, last {report.days} days"
    return [DividerBlock(), *measure_lines.blocks(measure_lines.all_lines(report.measures), head)]


def progress(
    report: Progress,
    *,
    share: Shared | None = None,
    shared_by: str | None = None,
    note: str | None = None,
) -> Message:
    """The report. Privately, with `share` (the Share to channel button) and an optional
    `note` for the asker (about the chart); for the channel, with `shared_by`."""
    blocks: list[Block] = [HeaderBlock(text=title(report))]
    dates = _dates(report)
    if dates:
        blocks.append(context(dates))
    if report.total == 0 and report.previous_total == 0:
        if report.history_from is not None and report.history in ("full", "partial"):
            blocks.append(
                section(
                    f":seedling: Nothing done here in the last {report.days * 2} days. Start "
                    "again with `/kudos`, `/win` or `/nudge now`."
                )
            )
        else:
            blocks.append(
                section(
                    ":seedling: Nothing done here yet. Start with `/kudos`, `/win` or `/nudge now`."
                )
            )
    else:
        blocks.append(section("\n".join(_line(report, c) for c in report.counts)))
    blocks += _participation(report)
    blocks += _measures(report)
    blocks += [DividerBlock(), *_focus(report)]
    if note:
        blocks.append(context(note))
    if shared_by:
        blocks.append(context(f"Shared by <@{shared_by}>"))
    if share is not None:
        blocks.append(share_button(share))
    return message(title(report), blocks)
