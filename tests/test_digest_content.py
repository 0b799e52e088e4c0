"""What the weekly digest says, read as a busy member reads it: one line per kudos with its
giver and everyone it named, the days covered in the team's zone, milestones in a few lines
(first recognitions in one, only the week's, never the team's lead), ideas and experiments,
a few lines per section with "…and N more", no tallies of people.

These weeks are built in the database, as the team made them; the digest's snapshots
(tests/snapshot_cases/digest.py) show the same layout from fixed inputs.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.blocks import Message
from bot.digest import render as render_digest
from bot.digest import replies
from bot.digest import service as digest
from bot.digest.milestones import FIRST_RECOGNITION
from bot.statements import service as statements
from models.queries import ensure_workspace
from models.tables import Milestone, Recognition, RecognitionRecipient
from tests.driver import slack_id
from tests.test_digest import check_limits, commitment, kudos, log

Sessions = sessionmaker[Session]

ZONE = "Europe/Berlin"
END = datetime(2026, 11, 30, 9, 22, tzinfo=UTC)  # Monday 10:22 in Berlin: covers 23–29 Nov
LEAD, ANA, BEN, CHLOE, DEV, EVA = "ULEAD", "UANA", "UBEN", "UCHLOE", "UDEV", "UEVA"


def at(day: int, hour: int = 12) -> datetime:
    """A moment in November 2026, Berlin time."""
    return datetime(2026, 11, day, hour, tzinfo=UTC) - timedelta(hours=1)


def build(sessions: Sessions, team: str, channel: str, end: datetime = END) -> digest.Digest:
    with sessions() as s:
        return digest.build(s, team_id=team, channel_id=channel, end=end, zone=ZONE)


def readable(message: Message) -> str:
    """A message as text a reviewer reads: the notification text, then block by block."""
    lines = [f"[notification] {message.text}"]
    for block in message.blocks:
        kind = block["type"]
        if kind == "header":
            lines.append(f"# {block['text']['text']}")
        elif kind == "section":
            lines.append(block["text"]["text"])
        elif kind == "context":
            lines.append("(" + " | ".join(e["text"] for e in block["elements"]) + ")")
        elif kind == "divider":
            lines.append("---")
        elif kind == "actions":
            lines.append(" ".join(f"[{e['text']['text']}]" for e in block["elements"]))
    return "\n".join(lines) + "\n"


def lines_with(text: str, words: str) -> list[str]:
    return [line for line in text.splitlines() if words in line]


def two_weeks(sessions: Sessions, team: str, channel: str) -> None:
    """The team's first two weeks: the lead published the vision, Ana was first recognised
    in the week before, then a busy week."""
    with sessions.begin() as s:
        ensure_workspace(s, team)
        statements.publish(
            s,
            team_id=team,
            kind="vision",
            text="Every customer feels heard, and every one of us knows how we help.",
            author_id=LEAD,
            now=at(16, 9),
        )
    # The week before: 16–22 Nov.
    kudos(sessions, team, channel, LEAD, (ANA,), "running the kickoff", at(16, 10))
    log(sessions, team, channel, ANA, "hope", "that we ship monthly", at(18))
    # The week: 23–29 Nov.
    kudos(sessions, team, channel, CHLOE, (DEV, EVA, BEN), "covering the on-call weekend", at(23))
    kudos(sessions, team, channel, ANA, (DEV,), "the great demo to the sales team", at(24))
    kudos(sessions, team, channel, BEN, (LEAD,), "a vision we can repeat", at(24, 15))
    kudos(sessions, team, channel, DEV, (CHLOE,), "untangling the release checklist", at(25))
    kudos(sessions, team, channel, EVA, (ANA,), "pairing with the new hire", at(26), "enable")
    kudos(sessions, team, channel, LEAD, (CHLOE,), "questioning the Friday freeze", at(27))
    kudos(sessions, team, channel, ANA, (BEN, EVA), "the docs sprint", at(28))
    log(sessions, team, channel, BEN, "win", "shipped the beta to 40 users", at(25))
    log(sessions, team, channel, EVA, "win", "first customer call without notes", at(27))
    log(sessions, team, channel, CHLOE, "idea", "a shared glossary", at(24))
    log(sessions, team, channel, DEV, "pilot", "async stand-ups for two weeks", at(25))
    log(sessions, team, channel, EVA, "learning", "smaller PRs get reviewed faster", at(26))
    log(sessions, team, channel, ANA, "goal", "onboarding in three days", at(27))
    log(sessions, team, channel, DEV, "reflection", "I interrupt too often", at(27))
    log(sessions, team, channel, ANA, "hope", "that we keep Fridays for learning", at(23))
    for worry in ("the migration slips again", "too many meetings", "on-call burnout"):
        log(sessions, team, channel, None, "fear", worry, at(26))
    commitment(
        sessions, team, channel, BEN, "write the onboarding guide", date(2026, 11, 27),
        status="kept", answered_at=at(27),
    )  # fmt: skip
    commitment(sessions, team, channel, CHLOE, "demo the new dashboard", date(2026, 12, 3))


# -- a big week and a quiet one ---------------------------------------------------------------


def test_a_big_week_reads_in_under_a_minute(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    message = render_digest.digest(build(sessions, team, channel), replies.SCHEDULED_NOTE)
    check_limits(message.blocks)
    text = readable(message)
    # Under a minute at an unhurried 250 words a minute, markup aside.
    words = text.split("\n", 1)[1].split()
    assert len([w for w in words if not w.startswith(("<@", ":", "•", "_…"))]) < 250
    assert text.splitlines()[1:4] == [
        "# Weekly digest: 23–29 Nov",
        ":sparkles: *First recognition* for <@UDEV>, <@UEVA>, <@UBEN> and <@UCHLOE>.",
        ":test_tube: <@UDEV> started the team's *first pilot*. Here's to trying!",
    ]
    heads = re.findall(r"^:[a-z_0-9]+: \*([^*]+)\*", text, re.MULTILINE)
    assert heads == [
        "First recognition",
        "Kudos",
        "Wins",
        "Ideas and experiments",
        "Hopes and worries",
        "Commitments",
        "By practice",
        "This week's measures",
        "Our vision",
        "Next week, try a little Challenge the Process.",
    ]


def test_a_quiet_week_is_a_short_warm_nudge(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    with sessions.begin() as s:
        ensure_workspace(s, team)
        statements.publish(
            s, team_id=team, kind="vision", text="Every customer feels heard.", author_id=LEAD,
            now=at(2),
        )  # fmt: skip
    kudos(sessions, team, channel, LEAD, (ANA,), "long ago", at(3))
    commitment(sessions, team, channel, CHLOE, "demo the new dashboard", date(2026, 12, 3))
    week = build(sessions, team, channel)
    assert week.quiet and week.milestones == ()
    message = render_digest.digest(week, replies.SCHEDULED_NOTE)
    check_limits(message.blocks)
    text = readable(message)
    assert "A quiet week here" in text and "long ago" not in text
    assert "• <@UCHLOE>, due Thu 3 Dec: demo the new dashboard" in text
    assert "By practice" not in text and len(message.blocks) <= 7


def test_the_preview_snapshot(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    message = replies.preview(build(sessions, team, channel), None, can_share=True)
    text = readable(message)
    assert text.startswith("[notification] Preview: 23–29 Nov, just for you\n")
    assert "(:eyes: A preview only you can see.)" in text
    assert text.rstrip().endswith("[Share to channel]")


# -- what each part says ---------------------------------------------------------------------


def test_one_line_per_kudos_with_its_giver_and_everyone_it_named(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    text = readable(render_digest.digest(build(sessions, team, channel)))
    assert lines_with(text, "covering the on-call weekend") == [
        "• <@UCHLOE> → <@UDEV>, <@UEVA>, <@UBEN>: covering the on-call weekend"
    ]
    # "for the great demo" is what Ana thanked Dev for: it reads that way.
    assert "• <@UANA> → <@UDEV>: the great demo to the sales team" in text
    # No trailing practice emoji on a kudos tagged with another practice, no tallies.
    assert "• <@UEVA> → <@UANA>: pairing with the new hire" in text  # tagged Enable Others
    # Five shown; the 6th and 7th are counted.
    assert lines_with(text, "the docs sprint") == [] and "_…and 2 more_" in text
    assert "kudos for" not in text and "people" not in text


def test_the_heading_names_the_days_covered_in_the_teams_zone(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    giver, who = slack_id("U"), slack_id("U")
    berlin = {
        "SUN 22 23:30": datetime(2026, 11, 22, 22, 30, tzinfo=UTC),
        "MON 23 00:30": datetime(2026, 11, 22, 23, 30, tzinfo=UTC),
        "SUN 29 23:30": datetime(2026, 11, 29, 22, 30, tzinfo=UTC),
        "MON 30 00:30": datetime(2026, 11, 29, 23, 30, tzinfo=UTC),
    }
    for reason, moment in berlin.items():
        kudos(sessions, team, channel, giver, (who,), reason, moment)
    week = build(sessions, team, channel)
    text = readable(render_digest.digest(week))
    assert "# Weekly digest: 23–29 Nov" in text
    assert "Mon 23 Nov – Mon 30 Nov" not in text
    assert "MON 23 00:30" in text and "SUN 29 23:30" in text
    assert "SUN 22 23:30" not in text and "MON 30 00:30" not in text
    # Across months and years, the span says so.
    with sessions() as s:
        later = digest.build(
            s, team_id=team, channel_id=channel, end=datetime(2027, 1, 3, 12, tzinfo=UTC), zone=ZONE
        )
    assert render_digest.span(later) == "27 Dec 2026 – 2 Jan"


def test_milestones_are_a_few_lines_and_only_the_weeks(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    with sessions.begin() as s:  # recorded for the lead before leads were left out
        s.add(
            Milestone(
                team_id=team,
                channel_id=channel,
                kind=FIRST_RECOGNITION,
                key=LEAD,
                user_id=LEAD,
                reached_at=at(24, 15),
            )
        )
    week = build(sessions, team, channel)
    text = readable(render_digest.digest(week))
    # Everyone first recognised this week, in one line: not Ana (the week before), not the
    # lead who published the vision.
    assert lines_with(text, "First recognition") == [
        ":sparkles: *First recognition* for <@UDEV>, <@UEVA>, <@UBEN> and <@UCHLOE>."
    ]
    assert "Welcome aboard" not in text
    assert lines_with(text, "first pilot") == [
        ":test_tube: <@UDEV> started the team's *first pilot*. Here's to trying!"
    ]
    # Posting it settles Ana's too, which waited since the week before: never shown late.
    with sessions.begin() as s:
        digest.celebrated(s, team_id=team, digest=week, now=END)
    with sessions() as s:
        waiting = s.scalars(
            select(Milestone.key).where(
                Milestone.team_id == team, Milestone.celebrated_at.is_(None)
            )
        ).all()
    assert waiting == []


def test_the_lead_who_published_the_vision_gets_no_first_recognition(
    sessions: Sessions,
) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    with sessions() as s:
        firsts = s.scalars(
            select(Milestone.key).where(
                Milestone.team_id == team, Milestone.kind == FIRST_RECOGNITION
            )
        ).all()
    assert LEAD not in firsts and {ANA, DEV, EVA, BEN, CHLOE} <= set(firsts)


def test_ideas_and_experiments_have_their_section(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    text = readable(render_digest.digest(build(sessions, team, channel)))
    section = text.split(":bulb: *Ideas and experiments*\n", 1)[1].split("\n:", 1)[0]
    assert section.splitlines() == [
        "• Idea from <@UCHLOE>: a shared glossary",
        "• Pilot from <@UDEV>: async stand-ups for two weeks",
        "• Learning from <@UEVA>: smaller PRs get reviewed faster",
        "_…and 1 more_",
    ]
    assert "I interrupt too often" not in text  # a reflection is the person's own


def test_each_practice_says_what_its_number_is_made_of(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    two_weeks(sessions, team, channel)
    text = readable(render_digest.digest(build(sessions, team, channel)))
    [vision] = lines_with(text, "Inspire a Shared Vision:")
    assert "1 hope, 3 worries" in vision
    # Two weeks of history: the week before is whole only from 16 Nov on, so one week later
    # the digest compares; this one says there is too little history.
    assert "too little history yet to compare" in text
    kudos(
        sessions,
        team,
        channel,
        ANA,
        (EVA,),
        "the handover notes",
        datetime(2026, 12, 1, 11, tzinfo=UTC),
    )
    with sessions() as s:
        later = digest.build(
            s, team_id=team, channel_id=channel, end=END + timedelta(days=7), zone=ZONE
        )
    text = readable(render_digest.digest(later))
    assert "too little history" not in text
    assert any("(the week before: " in line for line in lines_with(text, "Encourage the Heart"))


def test_worries_keep_no_name(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    worrier = slack_id("U")
    log(sessions, team, channel, worrier, "fear", "the migration slips again", at(26))
    text = readable(render_digest.digest(build(sessions, team, channel)))
    assert "• Worry: the migration slips again" in text
    assert "*Hopes and worries* _(worries come without a name)_" in text
    assert worrier not in text


def test_a_week_with_only_other_kinds_has_no_empty_sections(sessions: Sessions) -> None:
    team, channel = slack_id("T"), slack_id("C")
    log(sessions, team, channel, slack_id("U"), "idea", "a shared glossary", at(27))
    week = build(sessions, team, channel)
    assert not week.quiet and week.logged == 1
    message = render_digest.digest(week)
    check_limits(message.blocks)
    text = readable(message)
    for absent in ("Kudos*", "Wins*", "Hopes and worries*", "Commitments*", "A quiet week"):
        assert absent not in text
    assert ":hammer_and_wrench: Challenge the Process: 1 idea" in text


@pytest.mark.parametrize("kind", ["win", "kudos"])
def test_forgotten_people_read_as_someone(sessions: Sessions, kind: str) -> None:
    team, channel = slack_id("T"), slack_id("C")
    if kind == "win":
        log(sessions, team, channel, None, "win", "shipped it", at(27))
        expected = "• Someone: shipped it"
    else:
        kudos(sessions, team, channel, slack_id("U"), (slack_id("U"),), "the fix", at(27))
        with sessions.begin() as s:
            s.query(RecognitionRecipient).filter_by(team_id=team).update({"user_id": None})
            s.query(Recognition).filter_by(team_id=team).update({"giver_id": None})
        expected = "• Someone → someone: the fix"
    assert expected in readable(render_digest.digest(build(sessions, team, channel)))
