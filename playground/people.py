"""Who and where the playground's workspace is: a small team, two channels and the bot."""

from __future__ import annotations

from dataclasses import dataclass

TEAM_ID = "T0PLAY"
TEAM_NAME = "Playground"
BOT_USER = "UBOT"  # what the fake's auth.test says nudgebot is
BOT_ID = "BBOT"
APP_ID = "A0NUDGE"


@dataclass(frozen=True)
class Person:
    id: str
    name: str  # the handle people type after @
    real_name: str
    admin: bool = False
    title: str = ""

    def record(self, team_id: str, zone: str) -> dict[str, object]:
        """The users.info record Slack would give."""
        return {
            "id": self.id,
            "team_id": team_id,
            "name": self.name,
            "real_name": self.real_name,
            "tz": zone,
            "is_admin": self.admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_bot": False,
            "deleted": False,
            "profile": {
                "real_name": self.real_name,
                "display_name": self.real_name.split()[0],
                "title": self.title,
            },
        }


@dataclass(frozen=True)
class Channel:
    id: str
    name: str
    topic: str = ""


PEOPLE = (
    Person("U0ANA", "ana", "Ana Lima", admin=True, title="Team lead (workspace admin)"),
    Person("U0BEN", "ben", "Ben Okafor", title="Backend engineer"),
    Person("U0CHEN", "chen", "Chen Wei", title="Designer"),
    Person("U0DEV", "dev", "Dev Patel", title="Frontend engineer"),
    Person("U0EVA", "eva", "Eva Novak", title="Product manager"),
)

CHANNELS = (
    Channel("C0GENERAL", "general", "The whole team. Try /kudos, /win and /nudge here."),
    Channel("C0PLATFORM", "platform", "The platform squad."),
)

BOT_RECORD = {
    "id": BOT_USER,
    "team_id": TEAM_ID,
    "name": "nudgebot",
    "real_name": "nudgebot",
    "is_bot": True,
    "is_admin": False,
    "deleted": False,
    "profile": {"real_name": "nudgebot", "display_name": "nudgebot", "bot_id": BOT_ID},
}
