"""What every command is made of: who asked and where (`Request`), what its slow part gets
(`Call`), and the row that declares it (`Command`).

A command is declared once, as data: its parser (pure, raises UserError), who may run it,
its help line, and the work done after the ack. `handlers/commands.py` dispatches every
command the same way, so parsing errors, the leaders-only check, the ack and the slow part
are written once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient

from bot.blocks import Message
from bot.runtime import Runtime
from bot.slack import replies

A = TypeVar("A")

LEADERS_ONLY = (
    "Only admins and the team's leaders can publish this. Ask one of them, or share "
    "your idea with the team: `/nudge idea <your idea>`."
)


def _dict(body: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = body.get(key)
    return value if isinstance(value, Mapping) else {}


def _first(*values: Any) -> str | None:
    return next((str(v) for v in values if isinstance(v, str) and v), None)


@dataclass(frozen=True)
class Request:
    """Who did something, in which workspace and channel, read one way from any payload:
    slash commands, block actions, view submissions and events, Enterprise Grid included."""

    team_id: str
    user_id: str
    channel_id: str
    enterprise_id: str | None = None
    channel_name: str | None = None
    # Lets the app open a form for a few seconds after a command or a click.
    trigger_id: str | None = None

    @classmethod
    def of(cls, body: Mapping[str, Any], context_team: str | None = None) -> Request:
        """Read a Slack payload. On Enterprise Grid the team can come from `team.id`,
        `user.team_id` or `view.team_id`; Bolt's context team wins when it has one."""
        team, user, view, channel, event, enterprise = (
            _dict(body, key) for key in ("team", "user", "view", "channel", "event", "enterprise")
        )
        team_id = _first(
            context_team,
            body.get("team_id"),
            team.get("id"),
            user.get("team_id"),
            view.get("team_id"),
            event.get("team"),
            body.get("team") if isinstance(body.get("team"), str) else None,
        )
        return cls(
            team_id=team_id or "",
            user_id=_first(body.get("user_id"), user.get("id"), event.get("user")) or "",
            channel_id=_first(body.get("channel_id"), channel.get("id"), event.get("channel"))
            or "",
            enterprise_id=_first(body.get("enterprise_id"), enterprise.get("id")),
            channel_name=_first(body.get("channel_name"), channel.get("name")),
            trigger_id=_first(body.get("trigger_id")),
        )


@dataclass(frozen=True)
class Call:
    """What the slow part of a command gets after the ack: the runtime, the request, the
    Web API client and the command's `response_url` replier (Bolt's `Respond`). Reply with
    `say` or `tell`, which survive a failing response_url; not with `respond` itself."""

    rt: Runtime
    req: Request
    client: WebClient
    respond: Callable[..., Any]

    def say(self, message: Message) -> None:
        """Reply for the whole channel to see: through the response_url, retried, else
        chat.postMessage, else to the person (bot.slack.replies)."""
        self._reply(message, public=True)

    def tell(self, message: Message) -> None:
        """Reply to the person who asked, and only them: through the response_url,
        retried, else chat.postEphemeral, else a DM (bot.slack.replies)."""
        self._reply(message, public=False)

    def _reply(self, message: Message, public: bool) -> None:
        req = self.req
        replies.reply(
            self.client,
            self.respond,
            message.kwargs(),
            public=public,
            team_id=req.team_id,
            channel_id=req.channel_id,
            user_id=req.user_id,
        )

    def may_lead(self) -> bool:
        """Workspace admins and owners, and the ids in NUDGEBOT_LEADERS."""
        return self.rt.directory.can_lead(
            self.client, self.req.team_id, self.req.user_id, self.rt.settings.leaders
        )


def plain(parse: Callable[[str], A]) -> Callable[[str, Request, Runtime], A]:
    """A parser that needs only the text."""
    return lambda rest, _req, _rt: parse(rest)


def everyone(_args: Any) -> bool:
    return False


def always(_args: Any) -> bool:
    return True


@dataclass(frozen=True)
class Command(Generic[A]):
    """One command: `/nudge <name> ...` or a slash command of its own.

    `parse(rest, req, rt)` is pure but for the settings and clock it may read, and raises
    UserError for bad input (shown in the ack, nothing changes). `run(call, args)` is the
    work after the ack. `leaders(args)` says whether this form is for leaders only; the
    check (a users.info call) happens after the ack, and refusals say `refusal`.
    `instant(args)`, when set, is the whole answer, given in the ack (no database, no Slack).
    """

    name: str
    usage: str
    summary: str
    parse: Callable[[str, Request, Runtime], A]
    run: Callable[[Call, A], None] | None = None
    leaders: Callable[[A], bool] = everyone
    refusal: str = LEADERS_ONLY
    instant: Callable[[A], Message] | None = None
    group: str = "Practise"
    # Help shows `usage: summary`; several rows can share one line (listed on the first).
    help_line: str | None = None
    listed: bool = True

    def help(self) -> str:
        return self.help_line or f"`{self.usage}`: {self.summary}"
