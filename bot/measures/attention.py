"""The practice that needs attention in a channel, for progress, the digest, `rotate`
schedules and `/nudge now` without a practice.

From the latest pulse whose results may be shown, when there is one: the practice the team
rated lowest (bot.pulse.results). Otherwise from the balance of answers per prompt over the
period (bot.measures.balance): a practice with no prompt posted in it comes first (nobody
was asked), then the lowest answers per prompt. Never from raw counts, which measure what
is easy to log more than how a team leads.

Ties (practices with no prompt, or the same rate) go to the practice quiet longest: nothing
done or prompted for it in the channel for the longest time (never counts as longest), then
the order of the five practices.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import catalogue
from bot.measures.balance import Balance, balance, balances
from bot.measures.window import Window
from bot.progress import quiet
from bot.progress.quiet import Place
from bot.pulse import results as pulse
from bot.pulse.results import RoundResult
from models.pulse import PulseRound

PULSE = "pulse"
BALANCE = "balance"


@dataclass(frozen=True)
class Attention:
    """`focus` first among `tied`; `basis` says what it is read from: "pulse" (the round
    closed at `pulse_at`, `pulse_average` its lowest average) or "balance" (answers per
    prompt over the period, `balance`)."""

    focus: str
    tied: tuple[str, ...]
    basis: str
    balance: Balance
    pulse_at: datetime | None = None
    pulse_number: int | None = None
    pulse_average: float | None = None
    # With `tied`: the last time anything was done or prompted for each (None: never).
    tied_last: tuple[datetime | None, ...] = ()


def _need(rate: float | None) -> float:
    """Lower is more in need; no prompt at all is the most."""
    return -1.0 if rate is None else rate


def by_balance(found: Balance, last: dict[str, datetime]) -> tuple[str, ...]:
    """The practices tied for most in need by answers per prompt, the focus first."""
    order = {key: i for i, key in enumerate(catalogue.PRACTICE_KEYS)}
    rates = {r.practice: _need(r.per_prompt) for r in found.current}
    least = min(rates.values())
    tied = [key for key in catalogue.PRACTICE_KEYS if rates[key] == least]
    tied.sort(key=lambda k: (k in last, last.get(k) or datetime.min, order[k]))
    return tuple(tied)


def needs_attention(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    window: Window,
    last: dict[str, datetime],
) -> Attention:
    """The practice that needs attention (see the module), with what it is based on.
    `last`: per practice, the last time anything was done or prompted for it here."""
    found = balance(session, team_id=team_id, channel_id=channel_id, window=window)
    latest = pulse.latest_shown(session, team_id=team_id, channel_id=channel_id)
    return _attention(found, latest, window, last)


def needs_attention_of(
    session: Session,
    *,
    places: list[Place],
    window: Window,
    lasts: dict[Place, dict[str, datetime]],
) -> dict[Place, Attention]:
    """`needs_attention` of many channels (team_id, channel_id) at once, each with its
    `last` in `lasts`: the balances in one query, and the pulse read only where a round
    was ever held."""
    if not places:
        return {}
    found = balances(session, places=places, window=window)
    held = _polled(quiet.size(len(places)))
    polled = {(t, c) for t, c in session.execute(held, quiet.place_params(places))}
    chosen: dict[Place, Attention] = {}
    for where in places:
        latest = None
        if where in polled:
            latest = pulse.latest_shown(session, team_id=where[0], channel_id=where[1])
        chosen[where] = _attention(found[where], latest, window, lasts[where])
    return chosen


@cache
def _polled(rows: int) -> Any:
    """The channels of a table of `rows` (bot.progress.quiet.places) that ever held a
    pulse round, built once."""
    place = quiet.places(rows)
    return select(place.c.team_id, place.c.channel_id).where(
        select(PulseRound.id)
        .where(PulseRound.team_id == place.c.team_id, PulseRound.channel_id == place.c.channel_id)
        .exists()
    )


def _attention(
    found: Balance, latest: RoundResult | None, window: Window, last: dict[str, datetime]
) -> Attention:
    """The pulse's focus when `latest` says one and is fresh, else the balance's."""
    if latest is not None and latest.focus is not None and pulse.fresh(latest, window.end):
        score = next((s for s in latest.scores if s.practice == latest.focus), None)
        return Attention(
            focus=latest.focus,
            tied=(latest.focus,),
            basis=PULSE,
            balance=found,
            pulse_at=latest.closed_at,
            pulse_number=latest.number,
            pulse_average=None if score is None else score.average,
        )
    tied = by_balance(found, last)
    return Attention(
        focus=tied[0],
        tied=tied,
        basis=BALANCE,
        balance=found,
        tied_last=tuple(last.get(k) for k in tied),
    )
