"""The fixed world every case renders in: a team of a lead and five members in #team,
in Berlin, on Friday 27 November 2026 at 16:00 (15:00 UTC)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 27)
ZONE = "Europe/Berlin"
TEAM = "T0TEAM"
CHANNEL = "CTEAM"

LEAD, ANA, BEN, CHLOE, DEV, EVA = "ULENA", "UANA", "UBEN", "UCHLOE", "UDEV", "UEVA"
PEOPLE = {
    LEAD: "Lena",
    ANA: "Ana",
    BEN: "Ben",
    CHLOE: "Chloe",
    DEV: "Dev",
    EVA: "Eva",
}
CHANNELS = {CHANNEL: "team", "CSALES": "sales"}


def ago(days: float = 0, hours: float = 0) -> datetime:
    return NOW - timedelta(days=days, hours=hours)


def later(days: float = 0, hours: float = 0) -> datetime:
    return NOW + timedelta(days=days, hours=hours)
