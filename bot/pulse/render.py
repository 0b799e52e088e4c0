"""Block Kit for the practice pulse: the invitation and the reminder (DMs with Answer and
Not for me), what replaces them, the round's opening and its result in the channel, and
what `/nudge pulse` says. A result under the minimum group says so and nothing else."""

from __future__ import annotations

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot import catalogue
from bot.blocks import Message, context, local_time, message, plural, section
from bot.pulse.parsing import describe
from bot.pulse.results import PracticeScore, RoundResult
from bot.pulse.rounds import RoundView
from bot.pulse.service import PulseSchedule, PulseStatus
from bot.scheduling.render import WHY_PAUSED
from bot.text import escape, quote

ANSWER_ACTION = "pulse_answer"
NOT_FOR_ME_ACTION = "pulse_not_for_me"

HOW_ANONYMOUS = (
    "Anonymous by design: your ratings and your line are saved with no name and no time "
    "(a leader may choose to keep their own, for themselves alone). "
    "That you answered is kept only as a scrambled mark, so nobody answers twice: it can't "
    "be traced to you from the database or a backup; while the round is open, the people "
    "who run the bot, with its secret keys, could; when it closes the mark is deleted and "
    "nobody can. The channel sees results only if at least {n} people answer."
)


def _buttons(rnd: RoundView) -> ActionsBlock:
    value = str(rnd.id)
    return ActionsBlock(
        block_id="pulse_actions",
        elements=[
            ButtonElement(text="Answer", action_id=ANSWER_ACTION, value=value, style="primary"),
            ButtonElement(text="Not for me", action_id=NOT_FOR_ME_ACTION, value=value),
        ],
    )


def invitation(rnd: RoundView) -> Message:
    """The DM that asks a member to answer a round."""
    head = (
        f":bar_chart: *How does <#{rnd.channel_id}> lead, in practice?* Ten short "
        "statements about what the team does, each rated 1 to 10 for how often it happens "
        "here, and one optional line on what we could do better. About two minutes."
    )
    return message(
        f"Practice pulse for <#{rnd.channel_id}>: how often does good leadership happen "
        f"there? Open for {(rnd.closes_at - rnd.opened_at).days} days.",
        [
            section(head),
            context(HOW_ANONYMOUS.format(n=rnd.min_group)),
            _buttons(rnd),
            context(
                f"Open until {local_time(rnd.closes_at)}. *Not for me* means no more pulse "
                "rounds for you in that channel (`/nudge pulse join` there brings you back)."
            ),
        ],
    )


def reminder(rnd: RoundView) -> Message:
    """The one reminder, to those who have not answered."""
    text = (
        f":hourglass: A reminder: the practice pulse for <#{rnd.channel_id}> closes "
        f"{local_time(rnd.closes_at)}. If you have two minutes, your answer helps the team "
        "see itself clearly."
    )
    return message(
        "A reminder: the practice pulse closes soon.",
        [section(text), context(HOW_ANONYMOUS.format(n=rnd.min_group)), _buttons(rnd)],
    )


KEPT = ". Your own ratings are kept with your name, for you alone: App Home shows them."


def thanks(kept: bool = False) -> Message:  # kept: a leader ticked "keep my own ratings"
    text = f":white_check_mark: Thanks, your answer is in{KEPT if kept else ' (anonymously).'}"
    return message(text, [section(text)])


def not_for_me(channel_id: str) -> Message:
    text = (
        f"Understood: no more pulse rounds for you in <#{channel_id}>. Changed your mind? "
        "Type `/nudge pulse join` in that channel."
    )
    return message(text, [section(text)])


def already() -> Message:
    text = (
        "You already answered this round, so nothing changed. (Your answer isn't tied to "
        "you, so it can't be changed either.)"
    )
    return message(text, [section(text)])


def closed() -> Message:
    text = "This pulse round has closed; its result is in the channel."
    return message(text, [section(text)])


def not_posted(channel_id: str, number: int) -> Message:
    text = (  # to a round's opener: its result could not be posted (or may not have been)
        f":warning: The result of practice pulse round {number} in <#{channel_id}> could not "
        f"be posted there (or I can't tell that it was). `/nudge pulse results` in <#{channel_id}> "
        "shows it to whoever asks; you could share it from there."
    )
    return message(text, [section(text)])


def not_invited() -> Message:
    text = "This pulse round wasn't sent to you, so there's nothing for you to answer here."
    return message(text, [section(text)])


def opened(rnd: RoundView, by: str | None) -> Message:
    """The channel post when a round opens."""
    who = f"<@{by}> opened" if by else "Time for"
    people = plural(rnd.invited, "person", "people")
    closes = local_time(rnd.closes_at)
    text = (
        f":bar_chart: {who} practice pulse round {rnd.number}: {people} here get a DM "
        "with ten statements about how this team leads, rated 1 to 10 for how often each "
        f"happens. Answers are anonymous; it closes {closes}, and the result comes here if "
        f"at least {rnd.min_group} people answer."
    )
    return message(text, [section(text)])


def _change(score: PracticeScore) -> str:
    change = score.change
    if change is None:
        return ""
    if change == 0:
        return " (no change)"
    arrow = ":arrow_up_small:" if change > 0 else ":arrow_down_small:"
    return f" ({arrow} {change:+.1f})"


def score_line(score: PracticeScore) -> str:
    practice = catalogue.practice(score.practice)
    over = " → ".join(f"{a:.1f}" for a in score.trend or (score.average,))  # oldest first
    return f"{practice.emoji} *{practice.name}*: {over}{_change(score)}"


def result(res: RoundResult) -> Message:
    """The channel post at a round's close; under the minimum group, only that."""
    if not res.shown:
        text = (
            f":lock: Practice pulse round {res.number} has closed with "
            f"{plural(res.answered, 'answer')} kept with no name: not enough answers to keep "
            f"them anonymous (it takes {res.min_group}), so no results are shown."
        )
        return message(text, [section(text)])
    head = (
        f":bar_chart: *Practice pulse, round {res.number}*: how often we see each practice "
        f"here, 1 to 10, from {res.answered} of {res.invited} people"
    )
    lines = [score_line(score) for score in res.scores]
    blocks: list[Block] = [section(head), section("\n".join(lines))]
    has_previous = any(score.previous is not None for score in res.scores)
    notes = ["Changes are since the previous round with results."] if has_previous else []
    if res.focus:
        focus = catalogue.practice(res.focus)
        blocks.append(
            section(
                f"Needs attention most: {focus.emoji} *{focus.name}*. "
                f"`/nudge now {focus.key}` starts a conversation about it."
            )
        )
    elif res.scores:
        blocks.append(section("No practice stands out: every one averages the same."))
    pieces = _line_pieces(res.comments)
    if pieces:
        blocks.append(section("*One thing we could do better* (in no particular order):"))
        blocks += [section(piece) for piece in pieces[:FIRST_PIECES]]
    if len(pieces) > FIRST_PIECES:
        notes.append("More lines follow in the thread.")
    notes.append(
        "Anonymous: no answer is shown with a name, and results are shown only when enough "
        "answers were kept with no name (a leader may keep their own, for themselves alone)."
    )
    blocks.append(context(" ".join(notes)))
    text = f"Practice pulse round {res.number}: " + ", ".join(
        f"{catalogue.practice(s.practice).name} {s.average:.1f}" for s in res.scores
    )
    return message(text, blocks[:50])


PIECE = 2800  # characters of lines per section (Slack allows 3,000)
FIRST_PIECES = 8  # sections of lines in the result itself; the rest go in its thread


def _line_pieces(comments: tuple[str, ...]) -> list[str]:
    """The lines, quoted, in sections of at most PIECE characters, none cut."""
    pieces: list[str] = []
    for comment in comments:
        line = quote(escape(comment))[:PIECE]
        if pieces and len(pieces[-1]) + 1 + len(line) <= PIECE:
            pieces[-1] += "\n" + line
        else:
            pieces.append(line)
    return pieces


def more_lines(res: RoundResult) -> list[Message]:
    """The lines that did not fit in the result, as thread replies of up to 40 sections."""
    rest = _line_pieces(res.comments)[FIRST_PIECES:] if res.shown else []
    return [
        message(
            f"More lines from pulse round {res.number}",
            [section(piece) for piece in rest[start : start + 40]],
        )
        for start in range(0, len(rest), 40)
    ]


def no_result() -> Message:
    text = "No pulse round has closed in this channel yet. `/nudge pulse` shows when one is due."
    return message(text, [section(text)])


def turned_on(sched: PulseSchedule, by: str) -> Message:
    nxt = f" The next round opens {local_time(sched.next_run)}." if sched.next_run else ""
    text = (
        f":bar_chart: <@{by}> set up a practice pulse here: a round opens on "
        f"{describe(sched.when)}, asks everyone for an anonymous rating of how the team "
        f"leads, and posts the result here a week later.{nxt}"
    )
    return message(text, [section(text)])


def turned_off(by: str) -> Message:
    text = (
        f"<@{by}> turned the practice pulse off for this channel. A round that is open "
        "still runs to its end."
    )
    return message(text, [section(text)])


def joined(back: bool) -> Message:
    text = (
        "Welcome back: the next pulse rounds here will ask you too."
        if back
        else "You're in already: pulse rounds here ask you."
    )
    return message(text, [section(text)])


def _enough_yet(rnd: RoundView) -> str:
    # Enough answers yet or not, never how many (a live count tells who answered when).
    if rnd.answered >= rnd.min_group:
        return f"it has enough answers to show a result (at least {rnd.min_group})."
    return f"it doesn't have enough answers yet to show a result (it needs {rnd.min_group})."


def status(st: PulseStatus, channel_id: str) -> Message:
    """`/nudge pulse`: the rhythm, the open round, the latest result, and the person's own
    choice with the way back in."""
    lines = []
    if st.schedule is None and st.open:
        lines.append(
            f"<#{channel_id}> has no regular practice pulse, but a round opened by hand is "
            "open. Leaders make it regular with `/nudge pulse on monthly` (or `quarterly`)."
        )
    elif st.schedule is None:
        lines.append(
            f"<#{channel_id}> has no practice pulse. Leaders start one with "
            "`/nudge pulse on monthly` (or `quarterly`)."
        )
    elif st.schedule.paused:
        why = WHY_PAUSED.get(st.schedule.paused_reason or "", "it was paused")
        lines.append(
            f"The practice pulse here is paused because {why}. `/nudge pulse on monthly` "
            "(or `quarterly`) starts it again."
        )
    else:
        nxt = f" Next: {local_time(st.schedule.next_run)}." if st.schedule.next_run else ""
        lines.append(f"A practice pulse round opens here on {describe(st.schedule.when)}.{nxt}")
    if st.open:
        lines.append(
            f"Round {st.open.number} is open: {_enough_yet(st.open)} It closes "
            f"{local_time(st.open.closes_at)}."
        )
    if st.latest:
        shown = "`/nudge pulse results` shows it" if st.latest.shown else "too few answers to show"
        lines.append(f"Last closed: round {st.latest.number} ({shown}).")
    if st.opted_out:
        lines.append(
            "You said the pulse is not for you here, so rounds skip you. "
            "`/nudge pulse join` brings you back."
        )
    else:
        lines.append("Rounds here ask you too; *Not for me* in the DM stops that.")
    return message(lines[0], [section("\n".join(lines))])
