"""Block Kit for the weekly reflection: the direct message itself with its **What will you
do next week?** button, the step confirmed in the DM, and the answers to `/nudge reflect`.
The form the button opens is in modals.py."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from bot import catalogue
from bot.blocks import (
    SECTION_LIMIT,
    Message,
    context,
    day,
    local_time,
    message,
    plural,
    section,
)
from bot.commitments.dates import describe
from bot.commitments.service import CommitmentView
from bot.habits.service import Nudge
from bot.habits.when import DAY_NAMES, days_text, local_day, time_text
from bot.prompts.threads import Waiting
from bot.reflection.service import SHOWN, Promise, Reflection
from bot.text import clip, quote

NEXT_ACTION = "reflection_next"

LEADERS_ONLY = (
    "Only admins and the team's leaders can turn on the weekly reflection. "
    "You can set up a tiny habit of your own with `/nudge me`."
)
_TRY = "`/nudge reflect on fri 16:00`"
_QUOTED = 120  # characters of what someone wrote, in a list line


def _said(text: str, limit: int = _QUOTED) -> str:
    """What someone wrote, on one line, clipped and in quotes."""
    return f"“{clip(' '.join(text.split()), limit)}”"


def _where(channel_id: str) -> str:
    return f" in <#{channel_id}>" if channel_id[:1] in ("C", "G") else ""


def _more(total: int) -> list[str]:
    """The line that counts what wasn't shown, if anything wasn't."""
    return [f"…and {total - SHOWN} more"] if total > SHOWN else []


def _promises(head: str, found: tuple[Promise, ...], today: date) -> list[str]:
    if not found:
        return []
    lines = [f"{head}: {len(found)}"]
    for item in found[:SHOWN]:
        due = describe(item.due_on, today)
        lines.append(f"• {_said(item.text)}{_where(item.channel_id)}, due {due}")
    return lines + _more(len(found))


def _commitments(r: Reflection) -> str:
    if not (r.kept or r.dropped or r.overdue):
        return (
            ":memo: *Your commitments*\nNo commitments to look back on this week. Saying one small "
            "promise out loud, and keeping it, is the quickest way to model the way."
        )
    lines = [":memo: *Your commitments*"]
    lines += _promises(":white_check_mark: Kept", r.kept, r.today)
    lines += _promises(":leaves: Dropped, and said so openly", r.dropped, r.today)
    lines += _promises(
        ":hourglass_flowing_sand: Still open after their due date", r.overdue, r.today
    )
    if r.overdue:
        lines.append(
            "They stay on this list until you say how they went in their threads: kept, not "
            "yet or dropped. A quick, honest word is plenty."
        )
    elif r.kept:
        lines.append("Doing what you said you'd do is how trust is built. Thank you.")
    return "\n".join(lines)


def _recognition(r: Reflection) -> str:
    head = ":raised_hands: *Recognition, last 30 days*\n"
    ask = "Who did something worth a thank-you this week? `/kudos @someone for what they did`"
    if r.members and r.recognised_members is not None:
        if r.recognised_members == 0:
            return head + f"You haven't recognised anyone in your channels yet. {ask}"
        if r.recognised_members >= r.members:
            return head + f"You recognised everyone in your channels: all {r.members:,}. :sparkles:"
        people = plural(r.members, "person", "people")
        return head + (
            f"You recognised *{r.recognised_members:,} of the {people}* in your channels. "
            "Is there someone whose good work you haven't named yet?"
        )
    if r.recognised == 0:
        return head + f"You haven't given kudos in the last 30 days. {ask}"
    return head + f"You recognised {plural(r.recognised, 'person', 'people')}. Keep it going."


def _waiting_line(r: Reflection, item: Waiting, verb: str) -> str:
    if item.user_id == r.user_id:
        who = "You"
    else:
        who = f"<@{item.user_id}>" if item.user_id else "Someone"
    when = day(local_day(item.created_at, r.zone), r.today)
    return f"• {who} {verb}{_where(item.channel_id)} on {when}: {_said(item.text)}"


def _channels(r: Reflection) -> list[str]:
    """Ideas and hopes shared last week, and pilots proposed a month ago: each is shown in
    one reflection only (see bot/reflection/service.py)."""
    if not r.channel_ids:
        return []
    found = []
    if r.unanswered:
        verbs = {"idea": "shared an idea", "hope": "shared a hope"}
        lines = [":speech_balloon: *Shared last week, with no reply within a week*"]
        lines += [_waiting_line(r, w, verbs.get(w.kind, "shared")) for w in r.unanswered[:SHOWN]]
        lines += _more(len(r.unanswered))
        lines.append("A reply in the thread is all it takes, even now.")
        found.append("\n".join(lines))
    elif r.shared == 1:
        found.append(
            ":sparkles: The idea or hope shared in your channels last week got an answer "
            "within a week."
        )
    elif r.shared > 1:
        found.append(
            f":sparkles: All {r.shared:,} ideas and hopes shared in your channels last week got "
            "an answer within a week."
        )
    if r.pilots:
        lines = [":test_tube: *Experiments a month on, with nothing learned yet*"]
        lines += [_waiting_line(r, p, "proposed a small experiment") for p in r.pilots[:SHOWN]]
        lines += _more(len(r.pilots))
        lines.append("Ask what it taught them: a reply in the thread is logged as a learning.")
        found.append("\n".join(lines))
    return found


def _least(r: Reflection) -> str:
    practice = catalogue.practice(r.least)
    done = (
        "nothing logged yet" if r.least_count == 0 else plural(r.least_count, "thing") + " logged"
    )
    return (
        f"{practice.emoji} *{practice.name}* is the practice you've logged least in the last "
        f"90 days ({done}). One small step there next week?"
    )


def reflection(r: Reflection) -> Message:
    """The weekly direct message: a look back, and a button to choose next week's step."""
    texts = [
        ":thought_balloon: *Your week, looking back*\nTake a few minutes before the next one "
        "starts. Only you see this.",
        _commitments(r),
        _recognition(r),
        *_channels(r),
        _least(r),
    ]
    blocks: list[Block] = [section(text) for text in texts]
    blocks.append(
        ActionsBlock(
            block_id="reflection_next",
            elements=[
                ButtonElement(
                    text="What will you do next week?",
                    action_id=NEXT_ACTION,
                    value="next_week",
                    style="primary",
                )
            ],
        )
    )
    blocks.append(
        context(
            "Your answer becomes a commitment; I'll ask how it went on the day. "
            "`/nudge reflect off` stops these."
        )
    )
    return message("Your weekly reflection: a look back, and one step for next week.", blocks)


def committed(view: CommitmentView, today: date) -> Message:
    """The step, confirmed in the direct message; the follow-up comes in its thread."""
    head = f":handshake: *Your step for next week, due {describe(view.due_on, today)}*"
    body = f"{head}\n{quote(clip(view.text, SECTION_LIMIT - len(head) - 50))}"
    blocks: list[Block] = [section(body)]
    if view.next_ask_at:
        blocks.append(
            context(f"I'll ask how it went, here in the thread, {local_time(view.next_ask_at)}.")
        )
    return message(f"Your step for next week: {clip(view.text, 200)}", blocks)


def _when(nudge: Nudge) -> str:
    mine = ", following your Slack profile" if nudge.zone_from_slack else ""
    return f"every {days_text(nudge.days)} at {time_text(nudge.at_minute)} ({nudge.zone}{mine})"


def _again(nudge: Nudge | None) -> str:
    if nudge is None or not nudge.days:
        return _TRY
    day = DAY_NAMES[nudge.days[0]].lower()
    return f"`/nudge reflect on {day} {time_text(nudge.at_minute)}`"


def status(nudge: Nudge | None) -> Message:
    """`/nudge reflect`: whether it is on, and when it comes."""
    if nudge is not None and nudge.status in ("active", "paused"):
        text = f":thought_balloon: Your weekly reflection comes {_when(nudge)}."
        if nudge.next_at is not None:
            text += f" Next: {local_time(nudge.next_at)}."
        return message(text, [section(text), context("`/nudge reflect off` stops it.")])
    if nudge is not None and nudge.status == "stopped":
        text = (
            "Your weekly reflection stopped: I couldn't reach you by direct message. "
            f"Turn it on again with {_again(nudge)}."
        )
        return message(text, [section(text)])
    text = (
        "Your weekly reflection is off. It's a private look back at your week, for leaders, "
        f"with one step to choose for the next. Turn it on with {_again(nudge)}."
    )
    return message(text, [section(text)])


def turned_on(nudge: Nudge) -> Message:
    """The reflection is on (or moved)."""
    text = (
        f":thought_balloon: *Your weekly reflection is on.* It comes {_when(nudge)}: your "
        "commitments, who you recognised, what's waiting in your channels, and one step to "
        "choose for next week. Only you see it."
    )
    if nudge.next_at is not None:
        text += f"\nFirst: {local_time(nudge.next_at)}."
    return message(
        "Your weekly reflection is on.",
        [section(text), context("`/nudge reflect off` stops it any time.")],
    )


def turned_off(nudge: Nudge | None) -> Message:
    """`/nudge reflect off`; `nudge` is None when it wasn't on."""
    if nudge is None:
        text = "Your weekly reflection wasn't on, so nothing changed."
    else:
        again = _again(nudge)
        text = f":ok_hand: Your weekly reflection is off. Turn it on again any time with {again}."
    return message(text, [section(text)])
