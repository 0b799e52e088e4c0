"""The CSV export of a workspace's log: read the rows (`read_log`), then write them with
people's and channels' names (`export_csv`), one row per item, oldest first.

Reading and writing are apart so the names are looked up in Slack outside the database
transaction (bot/privacy/names.py), and so the file is a pure function of the rows.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.privacy.markup import Names, mentioned, plain
from models.tables import Commitment, Recognition, RecognitionRecipient, Response, Statement


def columns(zone: str) -> tuple[str, ...]:
    """The header row: what each column holds, with the zone of the dates and times."""
    return (
        "type",
        f"date ({zone})",
        f"time ({zone})",
        "channel",
        "channel_id",
        "person",
        "person_id",
        "recipients",
        "recipient_ids",
        "practice",
        "practice_commitment",
        "status",
        "due",
        "value",
        "text",
    )


# Each kind of item: what its row's type says, and how a count of them reads.
TYPES: dict[str, tuple[str, str]] = {
    "vision statement": ("published vision", "published visions"),
    "guidelines": ("published guidelines", "published guidelines"),
    "team values": ("published values", "published values"),
    **catalogue.KIND_NOUNS,
    "commitment": ("commitment", "commitments"),
}
TYPE_ORDER = tuple(TYPES)
# Where items stored without a practice count, as the catalogue describes them: publishing
# the vision is "imagine the possibilities", guidelines (governance) "empower", the team's
# values Model the Way's "clarify values", and keeping one's word "lead by example".
STATEMENT_TYPES = {
    "vision": ("vision statement", "vision", "imagine"),
    "guidelines": ("guidelines", "enable", "empower"),
    "values": ("team values", "model", "voice"),
}
COMMITMENT_HOME = ("model", "example")
# Kinds exported without who wrote them: a worry is anonymous, a habit check-in private (its
# text and channel are left out too: the export says only that one was done, and when).
PRIVATE_KINDS = ("fear", "habit")
PERSONAL_KINDS = ("habit",)
# Spreadsheets run a cell that starts with one of these as a formula: prefix a quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Item:
    """One item of the log as stored: ids, keys and Slack's own markup in the text."""

    kind: str  # a key of TYPES
    created_at: datetime
    row_id: int
    channel_id: str = ""
    person_id: str | None = None  # None for worries, habit check-ins and forgotten people
    recipient_ids: tuple[str, ...] = ()
    practice: str = ""
    commitment: str = ""
    status: str = ""  # commitments: open, kept or dropped
    due_on: date | None = None  # commitments
    text: str = ""
    team_value: str = ""  # the team value a kudos or a win named


@dataclass(frozen=True)
class Log:
    team_id: str
    items: tuple[Item, ...]

    def people(self) -> list[str]:
        """Everyone the log names, in its columns or mentioned in its texts."""
        found: dict[str, None] = {}
        for item in self.items:
            for user in (item.person_id, *item.recipient_ids, *mentioned(item.text)):
                if user:
                    found[user] = None
        return list(found)

    def channels(self) -> list[str]:
        return list(dict.fromkeys(i.channel_id for i in self.items if i.channel_id))


@dataclass(frozen=True)
class Export:
    filename: str
    content: str
    rows: int
    counts: dict[str, int]  # rows per kind (a key of TYPES), in TYPE_ORDER
    created: datetime  # in the team's zone
    zone: str


def read_log(session: Session, *, team_id: str) -> Log:
    """Every item of the workspace: statements, kudos, answers and commitments, oldest
    first (ties in TYPE_ORDER, then as stored)."""
    items: list[Item] = []
    for st in session.scalars(select(Statement).where(Statement.team_id == team_id)):
        kind, practice, commitment = STATEMENT_TYPES.get(st.kind, (st.kind, "", ""))
        items.append(
            Item(
                kind, st.created_at, st.id, "", st.author_id, (), practice, commitment, text=st.text
            )
        )
    recipients: dict[int, list[str]] = {}
    for rec_id, user in session.execute(
        select(RecognitionRecipient.recognition_id, RecognitionRecipient.user_id)
        .where(RecognitionRecipient.team_id == team_id)
        .order_by(RecognitionRecipient.recognition_id, RecognitionRecipient.id)
    ):
        if user:
            recipients.setdefault(rec_id, []).append(user)
    for rec in session.scalars(select(Recognition).where(Recognition.team_id == team_id)):
        items.append(
            Item(
                "kudos",
                rec.created_at,
                rec.id,
                rec.channel_id,
                rec.giver_id,
                tuple(recipients.get(rec.id, ())),
                rec.practice,
                rec.commitment,
                text=rec.reason,
                team_value=rec.team_value or "",
            )
        )
    for resp in session.scalars(select(Response).where(Response.team_id == team_id)):
        # A worry names nobody; a habit check-in is the person's own: counted, not shown.
        private = resp.kind in PRIVATE_KINDS
        items.append(
            Item(
                resp.kind,
                resp.created_at,
                resp.id,
                "" if resp.kind in PERSONAL_KINDS else resp.channel_id,
                None if private else resp.user_id,
                (),
                resp.practice,
                resp.commitment,
                text="" if resp.kind in PERSONAL_KINDS else resp.text,
                team_value="" if private else resp.team_value or "",
            )
        )
    for com in session.scalars(select(Commitment).where(Commitment.team_id == team_id)):
        items.append(
            Item(
                "commitment",
                com.created_at,
                com.id,
                com.channel_id,
                com.user_id,
                (),
                *COMMITMENT_HOME,
                status=com.status,
                due_on=com.due_on,
                text=com.text,
            )
        )
    items.sort(key=lambda i: (i.created_at, _order(i.kind), i.row_id))
    return Log(team_id=team_id, items=tuple(items))


def _order(kind: str) -> int:
    return TYPE_ORDER.index(kind) if kind in TYPES else len(TYPE_ORDER)


# -- the file ------------------------------------------------------------------------------


def _cell(value: str | None) -> str:
    text = value or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _practice(key: str, commitment: str) -> tuple[str, str]:
    """The practice's and the commitment's names (empty when the key is unknown)."""
    try:
        practice = catalogue.practice(key)
    except KeyError:
        return "", ""
    named = next((c.name for c in practice.commitments if c.key == commitment), "")
    return practice.name, named


def _channel(channel_id: str, names: Names) -> str:
    name = names.channels.get(channel_id)
    return "#" + name if name else channel_id


def _row(item: Item, names: Names, zone: ZoneInfo) -> list[str]:
    local = item.created_at.astimezone(zone)
    person = item.person_id or ""
    practice, commitment = _practice(item.practice, item.commitment)
    return [
        TYPES[item.kind][0] if item.kind in TYPES else item.kind,
        local.strftime("%Y-%m-%d"),
        local.strftime("%H:%M"),
        _channel(item.channel_id, names),
        item.channel_id,
        names.people.get(person, person),
        person,
        ", ".join(names.people.get(r, r) for r in item.recipient_ids),
        " ".join(item.recipient_ids),
        practice,
        commitment,
        item.status,
        item.due_on.isoformat() if item.due_on else "",
        item.team_value,
        plain(item.text, names),
    ]


def export_csv(log: Log, names: Names, *, zone: str, now: datetime) -> Export:
    """The log as CSV: named columns, one row per item. Dates and times are in `zone` (the
    team's), as the header says. Names sit next to the ids they were found for; where Slack
    could not name someone, the name column repeats the id (a forgotten person has
    neither)."""
    tz = ZoneInfo(zone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns(zone))
    for item in log.items:
        writer.writerow([_cell(v) for v in _row(item, names, tz)])
    found = Counter(i.kind for i in log.items)
    created = now.astimezone(tz)
    return Export(
        filename=f"nudgebot-export-{log.team_id}-{created:%Y-%m-%d}.csv",
        # A byte-order mark, so spreadsheets read names with accents as UTF-8.
        content="\ufeff" + out.getvalue(),
        rows=len(log.items),
        counts={kind: found[kind] for kind in (*TYPE_ORDER, *sorted(found)) if found[kind]},
        created=created,
        zone=zone,
    )
