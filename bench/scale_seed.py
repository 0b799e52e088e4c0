"""bench/scale.py's data: workspaces, their installations ("Add to Slack") when the app
has an installation store it uses, and prompt schedules all due at one minute boundary.

Workspace w is T<tag><w:05d>; its channels C<tag><w:05d><c:03d> carry the schedules, and
C<tag>W<w:05d><c:02d> take the slash commands (so a /win posted there never counts as a
prompt). The token installed for workspace T<s> is xoxb-bench-<s> (scale_fake.token_for).
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.fanout import ROTATION, schedule_row
from bench.scale_fake import SINGLE_TOKEN, token_for

ROOT = Path(__file__).resolve().parent.parent
SIGNING_SECRET = "bench-signing-secret"
WEB_CHANNELS = 3  # per workspace
# Files of the app that would use the installation store, if it is wired in.
WIRING = ("app.py", "handlers", "schedules", "bot")
WIRED = re.compile(r"\b(build_clients|InstalledClients|SealedInstallationStore)\b")


@contextlib.contextmanager
def private_schema(base_url: str) -> Iterator[str]:
    """A fresh schema for the run, as bench/fanout.py makes one, dropped after; the drop is
    tried for up to a minute (the server may be short of connections for a while)."""
    schema = f"nudgebot_bench_{os.getpid()}_{secrets.token_hex(3)}"
    _admin(base_url, f'CREATE SCHEMA "{schema}"', tries=6)
    try:
        yield f"{base_url}?options=-csearch_path%3D{schema}"
    finally:
        if not _admin(base_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE', tries=12):
            print(f"could not drop schema {schema}: drop it by hand", flush=True)


def _admin(base_url: str, statement: str, tries: int) -> bool:
    from sqlalchemy import create_engine, text

    for attempt in range(tries):
        engine = create_engine(base_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
            return True
        except Exception:
            if attempt == tries - 1 and statement.startswith("CREATE"):
                raise
            time.sleep(5)
        finally:
            engine.dispose()
    return False


def team_id(tag: str, w: int) -> str:
    return f"T{tag}{w:05d}"


def schedule_channel(tag: str, w: int, c: int) -> str:
    return f"C{tag}{w:05d}{c:03d}"


def web_channels(tag: str, w: int) -> list[str]:
    return [f"C{tag}W{w:05d}{c:02d}" for c in range(WEB_CHANNELS)]


def installs_mode(wanted: str) -> tuple[str, str]:
    """("installs" or "single", a note): installs when asked, or with "auto" when the app
    has the installation store and uses it outside its own modules."""
    try:
        from bot.slack.installs import build_clients  # noqa: F401
        from bot.slack.stores import SealedInstallationStore  # noqa: F401
    except ImportError as err:
        if wanted == "installs":
            message = f"--tokens installs: no installation store in the app ({err})"
            raise SystemExit(message) from None
        return "single", f"no installation store in the app yet ({err.name}): one bot token"
    if wanted != "auto":
        return wanted, f"--tokens {wanted}"
    users = []
    for part in WIRING:
        base = ROOT / part
        files = [base] if base.is_file() else sorted(base.rglob("*.py"))
        for path in files:
            if path.name in ("installs.py", "stores.py") and path.parent.name == "slack":
                continue
            if WIRED.search(path.read_text(errors="replace")):
                users.append(str(path.relative_to(ROOT)))
    if not users:
        return "single", (
            "the installation store exists (bot/slack/installs.py) but nothing in the app "
            "uses it yet: one bot token (SLACK_BOT_TOKEN) for every workspace"
        )
    return "installs", f"installations through the app's store (used in {', '.join(users[:3])})"


def app_env(mode: str, api_url: str, url: str) -> dict[str, str]:
    """The environment of every app process."""
    env = {
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api_url,
        "DATABASE_URL": url,
        "LOG_FORMAT": "text",
    }
    if mode == "single":
        env["SLACK_BOT_TOKEN"] = SINGLE_TOKEN
    else:
        from cryptography.fernet import Fernet

        env.update(
            SLACK_CLIENT_ID="1111.2222",
            SLACK_CLIENT_SECRET="bench-client-secret",
            SLACK_STATE_SECRET="bench-state-secret-0123456789abcdef",
            NUDGEBOT_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        )
    return env


def seed_workspaces(sessions: Any, tag: str, workspaces: int) -> None:
    from sqlalchemy import insert

    from models.tables import Workspace

    with sessions.begin() as session:
        rows = [{"team_id": team_id(tag, w)} for w in range(workspaces)]
        session.execute(insert(Workspace), rows)


def seed_installations(engine: Any, env: dict[str, str], tag: str, workspaces: int) -> float:
    """One installation per workspace through the app's own store (tokens sealed as the
    app seals them); the seconds it took."""
    from slack_sdk.oauth.installation_store import Installation

    from bot.settings import load_settings
    from bot.slack.installs import build_clients

    store = build_clients(load_settings(env, role="scheduler"), engine).store
    t0 = time.perf_counter()
    for w in range(workspaces):
        team = team_id(tag, w)
        store.save(
            Installation(
                app_id="A0BENCH",
                enterprise_id=None,
                team_id=team,
                team_name=f"Bench {w}",
                bot_token=token_for(team[1:]),
                bot_id=f"B{team[1:]}",
                bot_user_id=f"U{team[1:]}BOT",
                bot_scopes="chat:write,commands,users:read",
                user_id=f"U{team[1:]}00",
                installed_at=time.time(),
            )
        )
    return time.perf_counter() - t0


def seed_schedules(
    sessions: Any, tag: str, workspaces: int, schedules: int, boundary: float
) -> list[str]:
    """`schedules` prompt schedules spread evenly over the workspaces, one per channel, a
    daily cron for the boundary (UTC), made a day before so no catch-up is owed; bulk
    inserted. Their channels."""
    from sqlalchemy import insert

    from models.tables import Schedule

    at = datetime.fromtimestamp(boundary, UTC)
    cron = f"{at.minute} {at.hour} * * *"
    made = at - timedelta(days=1)
    per = -(-schedules // workspaces)
    rows = [
        schedule_row(
            team_id(tag, i // per),
            schedule_channel(tag, i // per, i % per),
            ROTATION[i % len(ROTATION)],
            cron,
            "UTC",
            made,
        )
        for i in range(schedules)
    ]
    with sessions.begin() as session:
        for start in range(0, len(rows), 2000):
            session.execute(insert(Schedule), rows[start : start + 2000])
    return [r["channel_id"] for r in rows]
