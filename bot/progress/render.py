"""Block Kit for `/nudge progress`: counts per practice, trends, participation, focus."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock

from bot import catalogue
from bot.blocks import Message, context, message, section
from bot.progress.service import Progress


def _trend(now: int, before: int) -> str:
    if now > before:
        return f":arrow_up: from {before}"
    if now < before:
        return f":arrow_down: from {before}"
    return f"= {before} before"


def progress(report: Progress) -> Message:
    lines = []
    for count in report.counts:
        practice = catalogue.practice(count.practice)
        trend = _trend(count.current, count.previous)
        lines.append(f"{practice.emoji} *{practice.name}*: {count.current} ({trend})")
    focus = catalogue.practice(report.focus)
    people = "1 person" if report.people == 1 else f"{report.people} people"
    summary = (
        f"*{report.total}* logged in all ({_trend(report.total, report.previous_total)}) "
        f"by *{people}*."
    )
    if report.members and report.participants is not None:
        members = "1 member" if report.members == 1 else f"{report.members:,} members"
        summary += (
            f"\n:busts_in_silhouette: *{report.participants:,} of {members}* of this channel "
            f"took part ({report.participation}%)."
        )
    blocks: list[Block] = [
        HeaderBlock(text=f"Practice progress, last {report.days} days"),
        section("\n".join(lines)),
        section(summary),
    ]
    if report.members_note:
        blocks.append(
            context(f":information_source: No participation figure: {report.members_note}")
        )
    blocks += [
        DividerBlock(),
        section(
            f":mag: *Needs attention: {focus.name}.* {focus.summary} "
            f"Try `/nudge now {focus.key}` to get people talking."
        ),
    ]
    if report.total == 0 and report.previous_total == 0:
        blocks[1] = section(
            ":seedling: Nothing logged here yet. Start with `/kudos`, `/win` or `/nudge now`."
        )
    return message(f"Practice progress, last {report.days} days", blocks)
