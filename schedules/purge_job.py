"""The daily purge: every workspace that uninstalled the app or had its tokens revoked more
than the retention period ago (NUDGEBOT_RETENTION_DAYS, JobContext.retention_days) and has
not installed it again loses all its data, each in one transaction of its own. A workspace
that fails is logged and tried again the next day; the others go on."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.privacy import purge
from schedules.context import JobContext

log = logging.getLogger("nudgebot")


def run_purge(ctx: JobContext) -> int:
    """Purge the workspaces whose retention has run out; returns how many were purged."""
    cutoff = ctx.now() - timedelta(days=ctx.retention_days)
    with ctx.sessions() as session:
        teams = purge.due(session, cutoff=cutoff)
    done = 0
    for team in teams:
        try:
            with ctx.sessions.begin() as session:
                purged = purge.purge_if_due(session, team, cutoff=cutoff)
        except Exception:
            log.exception("purge of workspace %s failed; trying again tomorrow", team)
            continue
        if purged is None:
            continue  # installed again since
        done += 1
        log.info(
            "workspace %s purged after %d days: %d rows (%s)",
            team,
            ctx.retention_days,
            purged.total,
            ", ".join(f"{table} {n}" for table, n in sorted(purged.rows.items())),
        )
    return done
