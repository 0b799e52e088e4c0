"""`/nudge export` (the workspace's log as CSV, to the asking admin or leader) and
`/nudge forget-me` (what would be forgotten, with Forget me and Cancel buttons)."""

from __future__ import annotations

from collections.abc import Callable

from bot.command import Call, Command, always, plain
from bot.errors import UserError
from bot.privacy import names, render, service
from bot.privacy.export import export_csv, read_log


def _nothing_after(name: str, why: str) -> Callable[[str], None]:
    """A parser for a subcommand that takes no words."""

    def parse(rest: str) -> None:
        if rest.strip():
            raise UserError(f"`/nudge {name}` takes nothing after it{why}", f"/nudge {name}")

    return parse


def export(call: Call, _args: None) -> None:
    """Send the log to the person's DMs as a CSV file, with people's and channels' names
    (looked up in Slack after the read, outside the transaction)."""
    rt, req = call.rt, call.req
    with rt.reads() as session:
        log = read_log(session, team_id=req.team_id)
    if not log.items:
        call.tell(render.export_empty())
        return
    named = names.resolve(rt.directory, call.client, log)
    found = export_csv(log, named, zone=rt.settings.timezone, now=rt.now())
    dm = call.client.conversations_open(users=req.user_id)["channel"]["id"]
    call.client.files_upload_v2(
        channel=dm,
        filename=found.filename,
        title=found.filename,
        content=found.content,
        initial_comment=render.export_comment(found),
    )
    call.tell(render.export_sent(found))


def confirm_forget(call: Call, _args: None) -> None:
    """Say exactly what forget-me would do, with the buttons that do it."""
    rt, req = call.rt, call.req
    with rt.reads() as session:
        held = service.held(session, team_id=req.team_id, user_id=req.user_id)
    call.tell(render.forget_confirm(req.user_id, held))


EXPORT = Command(
    name="export",
    usage="/nudge export",
    summary="this workspace's log as a CSV file in your DMs (admins and the team's leaders)",
    parse=plain(
        _nothing_after("export", ": it sends this workspace's whole log to you as a CSV file.")
    ),
    run=export,
    leaders=always,
    refusal=render.EXPORT_LEADERS_ONLY,
    group="Your data",
)

FORGET_ME = Command(
    name="forget-me",
    usage="/nudge forget-me",
    summary="delete what I hold about you, after you confirm",
    parse=plain(_nothing_after("forget-me", ", and it only ever forgets you.")),
    run=confirm_forget,
    group="Your data",
)
