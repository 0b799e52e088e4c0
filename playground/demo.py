"""`--demo`: a small team with three weeks of activity in #general, made by the bot's own
services (with the clock set back) and shown in the channel as the bot rendered it: a vision
and guidelines, kudos and wins, prompts answered in their threads, hopes, ideas, a pilot and
what it taught, an anonymous worry, a commitment due soon, a rotating prompt schedule and a
weekly digest, and last week's digest posted through the scheduler's own path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot import catalogue
from bot.blocks import Message
from bot.commitments import render as commitments_render
from bot.commitments import service as commitments
from bot.digest import service as digest
from bot.prompts import render as prompts_render
from bot.prompts import responses
from bot.prompts import service as prompts
from bot.recognition import render as recognition_render
from bot.recognition import service as recognition
from bot.scheduling import service as scheduling
from bot.scheduling.when import latest_occurrence, parse_when
from bot.statements import render as statements_render
from bot.statements import service as statements
from models.tables import Workspace as WorkspaceRow
from playground.people import BOT_USER, CHANNELS
from playground.workspace import Workspace
from schedules.context import JobContext
from schedules.jobs import post_occurrence

ANA, BEN, CHEN, DEV, EVA = "U0ANA", "U0BEN", "U0CHEN", "U0DEV", "U0EVA"
GENERAL = CHANNELS[0].id

VISION = (
    "We build a platform our colleagues trust without thinking about it: fast, kind to "
    "newcomers, and honest about what it can't do yet."
)
GUIDELINES = (
    "Ask early, ask anyone. Small pull requests, reviewed within a day. "
    "Stuck for more than an hour? Say so in #platform."
)
WORRY = "We promise more than we can build"
COMMITMENT = "write the on-call runbook for the search service"
# (days ago, hour, giver, recipients, reason, #practice)
KUDOS = [
    (20, 11, ANA, (BEN,), "for untangling the flaky deploy pipeline", None),
    (18, 15, DEV, (CHEN,), "for the onboarding sketches: three people used them already", None),
    (16, 10, EVA, (BEN, DEV), "for pairing on the search migration all Thursday", "enable"),
    (13, 14, BEN, (EVA,), "for saying no to the extra scope, and explaining why", "model"),
    (11, 9, CHEN, (ANA,), "for making space for the quiet voices in the retro", None),
    (
        9,
        16,
        ANA,
        (DEV,),
        "for trying the feature-flag experiment and writing up what broke",
        "challenge",
    ),
    (6, 12, DEV, (EVA,), "for the clearest release notes we've had", None),
    (4, 10, EVA, (CHEN,), "for the accessibility review nobody asked for", None),
    (2, 15, BEN, (ANA, CHEN), "for covering support while I was out", None),
]
# (days ago, hour, person, kind, text, #practice)
SHARES = [
    (19, 16, EVA, "win", "The beta signup page went live, two days early", None),
    (17, 11, CHEN, "hope", "That newcomers can ship on their first day", None),
    (15, 15, DEV, "pilot", "No-meeting Wednesdays for a month", None),
    (12, 10, BEN, "idea", "A shared runbook for the on-call rotation", None),
    (
        8,
        14,
        DEV,
        "learning",
        "No-meeting Wednesdays help focus, but we need a written update",
        None,
    ),
    (5, 11, ANA, "win", "Support tickets down by a third since the new docs", "enable"),
    (3, 9, EVA, "goal", "Every service has an owner and a runbook by the end of the quarter", None),
]
# (days ago, hour, prompt key, answers: (person, text))
PROMPTS = [
    (
        14,
        10,
        "vision.enlist.1",
        [
            (BEN, "Fewer surprises on release day"),
            (CHEN, "That we keep talking to the people who use it"),
        ],
    ),
    (
        7,
        10,
        "challenge.experiment.1",
        [
            (DEV, "Try trunk-based releases on the docs site"),
            (EVA, "Demo unfinished work on Fridays"),
        ],
    ),
]


def seed(ws: Workspace, ctx: JobContext, zone: str) -> bool:
    """Fill an empty playground; False (and nothing done) when it has data already."""
    with ctx.sessions() as session:
        if session.get(WorkspaceRow, ws.team_id) is not None:
            return False
    Seeder(ws, ctx, zone).run()
    return True


class Seeder:
    def __init__(self, ws: Workspace, ctx: JobContext, zone: str) -> None:
        self.ws, self.ctx, self.zone, self.team = ws, ctx, zone, ws.team_id
        self.now = ctx.now()

    def at(self, days: int, hour: int) -> datetime:
        day = (self.now - timedelta(days=days)).astimezone(ZoneInfo(self.zone))
        return day.replace(hour=hour, minute=(days * 7) % 50, second=0, microsecond=0)

    def show(self, when: datetime, message: Message, user: str = BOT_USER) -> dict[str, Any]:
        return self.ws.post(GENERAL, user, message.text, message.blocks, at=when.timestamp())

    def run(self) -> None:
        first = self.at(21, 9)
        for kind, text in (("vision", VISION), ("guidelines", GUIDELINES)):
            with self.ctx.sessions.begin() as session:
                published = statements.publish(
                    session, team_id=self.team, kind=kind, text=text, author_id=ANA, now=first
                )
            self.show(first, statements_render.statement_published(kind, published))
        with self.ctx.sessions.begin() as session:
            scheduling.add_schedule(
                session,
                team_id=self.team,
                channel_id=GENERAL,
                user_id=ANA,
                practice="rotate",
                when=parse_when("weekly wed 10:00", self.zone),
                now=first,
            )
            weekly = digest.turn_on(
                session,
                team_id=self.team,
                channel_id=GENERAL,
                user_id=ANA,
                when=parse_when("weekly mon 09:00", self.zone),
                now=first,
            )
        events: list[tuple[datetime, Callable[[], object]]] = []
        for days, hour, giver, recipients, reason, practice in KUDOS:
            when = self.at(days, hour)
            events.append((when, partial(self.kudos, when, giver, recipients, reason, practice)))
        for days, hour, person, kind, text, practice in SHARES:
            when = self.at(days, hour)
            events.append((when, partial(self.share, when, person, kind, text, practice)))
        for days, hour, key, answers in PROMPTS:
            when = self.at(days, hour)
            events.append((when, partial(self.prompt, when, key, answers)))
        for _when, event in sorted(events, key=lambda e: e[0]):
            event()
        with self.ctx.sessions.begin() as session:
            self.log(session, BEN, "fear", WORRY, None, self.at(10, 17))
        self.commit(self.at(1, 11))
        last = latest_occurrence(weekly.when, self.now, timedelta(days=8))
        if last is not None:  # last week's digest, posted as the scheduler posts it
            post_occurrence(self.ctx, weekly.id, last)

    def kudos(
        self,
        when: datetime,
        giver: str,
        recipients: tuple[str, ...],
        reason: str,
        practice: str | None,
    ) -> None:
        with self.ctx.sessions.begin() as session:
            given = recognition.give_kudos(
                session,
                team_id=self.team,
                channel_id=GENERAL,
                giver_id=giver,
                recipients=recipients,
                reason=reason,
                practice=practice,
                now=when,
                daily_cap=None,
                zone=self.zone,
            )
        if given is not None:
            self.show(when, recognition_render.kudos(given))

    def log(
        self,
        session: Session,
        user: str,
        kind: str,
        text: str,
        practice: str | None,
        when: datetime,
        prompt_id: int | None = None,
    ) -> responses.Logged:
        logged = responses.log_response(
            session,
            team_id=self.team,
            channel_id=GENERAL,
            user_id=user,
            kind=kind,
            text=text,
            source="thread" if prompt_id else "command",
            now=when,
            practice=practice,
            prompt_id=prompt_id,
        )
        assert logged is not None
        return logged

    def share(self, when: datetime, user: str, kind: str, text: str, practice: str | None) -> None:
        with self.ctx.sessions.begin() as session:
            logged = self.log(session, user, kind, text, practice, when)
        self.show(when, prompts_render.shared(logged))

    def prompt(self, when: datetime, key: str, answers: list[tuple[str, str]]) -> None:
        """A prompt posted by `/nudge now`, answered in its thread, each answer thanked."""
        found = catalogue.find_prompt(key)
        if found is None:
            return
        practice, commitment, item = found
        posted = self.show(when, prompts_render.prompt(practice.key, commitment.key, item))
        with self.ctx.sessions.begin() as session:
            prompt_id = prompts.record_prompt(
                session,
                team_id=self.team,
                channel_id=GENERAL,
                prompt_key=item.key,
                message_ts=posted["ts"],
                posted_by=ANA,
                now=when,
            )
        for n, (person, text) in enumerate(answers, start=1):
            moment = when + timedelta(minutes=17 * n)
            reply = self.ws.post(
                GENERAL, person, text, thread_ts=posted["ts"], at=moment.timestamp()
            )
            with self.ctx.sessions.begin() as session:
                self.log(session, person, item.kind, text, practice.key, moment, prompt_id)
            self.ws.react(GENERAL, reply["ts"], "raised_hands", BOT_USER)

    def commit(self, when: datetime) -> None:
        """Dev's commitment, due in two days: its follow-up question is due then."""
        today = when.astimezone(ZoneInfo(self.zone)).date()
        due = today + timedelta(days=3)
        preview = commitments.CommitmentView(
            id=0,
            team_id=self.team,
            channel_id=GENERAL,
            user_id=DEV,
            text=COMMITMENT,
            due_on=due,
            zone=self.zone,
            status="open",
            message_ts=None,
            next_ask_at=None,
            asked_count=0,
            answered_at=None,
        )
        posted = self.show(when, commitments_render.posted(preview, today))
        with self.ctx.sessions.begin() as session:
            commitments.create(
                session,
                team_id=self.team,
                channel_id=GENERAL,
                user_id=DEV,
                text=COMMITMENT,
                due_on=due,
                zone=self.zone,
                message_ts=posted["ts"],
                now=when,
            )
