"""A person's habit in Slack: the form (from `/nudge me`, App Home, an invitation or the
reminder's Change), the reminder's Done and Not today, what they did, and the next practice
offered after a good run. Every button answers only the person it belongs to."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot import catalogue
from bot.command import Request
from bot.errors import UserError
from bot.habits import away, modals, notes, practised, render, service
from bot.habits.commands import open_form
from bot.habits.modals import FormErrors
from bot.recognition import service as recognition
from bot.runtime import Runtime
from bot.text import escape
from handlers.common import DirectReply, later, queue, runtime

log = logging.getLogger("nudgebot")


def _day_id(action: dict[str, Any]) -> int:
    raw = str(action.get("value") or "")
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:  # ids are 32-bit
        raise UserError("That button is out of date; there's nothing to answer.")
    return int(raw)


def form_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    """Set up my habit, Change, or Try <practice>: open the form (the trigger lasts 3 s)."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    practice = None
    channel = req.channel_id
    if action.get("action_id") == render.NEXT_ACTION:
        value = str(action.get("value") or "")
        practice = value if value in catalogue.PRACTICE_KEYS else None
    elif action.get("action_id") == render.SETUP_ACTION:
        channel = str(action.get("value") or "") or req.channel_id
    trigger = str(body.get("trigger_id") or "")
    later(
        rt,
        respond,
        lambda: open_form(
            rt,
            client,
            team_id=req.team_id,
            user_id=req.user_id,
            trigger_id=trigger,
            channel_id=channel,
            practice=practice,
        ),
    )


def practice_picked(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Another practice picked in the open form: redraw it with that practice's actions."""
    ack()
    rt = runtime(context)
    view = body.get("view") or {}
    practice = (action.get("selected_option") or {}).get("value")
    if practice not in catalogue.PRACTICE_KEYS or not view.get("id"):
        return
    form = modals.form_again(view, practice)

    def redraw() -> None:
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modals.setup_view(form))

    later(rt, None, redraw)


def setup_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Check the form in the ack (nothing saved when a field is wrong); save after it."""
    rt, req = runtime(context), Request.of(body, context.team_id)
    try:
        plan, channel = modals.read_setup(view)
    except FormErrors as err:
        ack(response_action="errors", errors=err.errors)
        return
    tell = DirectReply(client, req.user_id)
    typed = f"{plan.cue}: {plan.action}"  # given back if saving fails
    if queue(rt, tell, lambda: save(rt, client, req, plan, channel, tell), typed=typed):
        ack()
    else:
        ack(response_action="errors", errors={modals.PRACTICE: BUSY})


BUSY = "I'm very busy right now and didn't take this. Please save it again in a minute."


def save(
    rt: Runtime, client: WebClient, req: Request, plan: service.Plan, channel: str, tell: Any
) -> None:
    """Save the habit and say when it comes; warn when the person's do-not-disturb hours
    would swallow it (a reminder then is skipped as "away")."""
    with rt.sessions.begin() as session:
        habit = service.save(
            session,
            team_id=req.team_id,
            user_id=req.user_id,
            kind=service.HABIT,
            plan=plan,
            now=rt.now(),
            channel_id=channel or None,
        )
    log.info("habit %s set up", habit.id)
    quiet = False
    if habit.next_at is not None:
        try:
            info = client.dnd_info(user=req.user_id).data
            quiet = isinstance(info, dict) and away.quiet_at(info, habit.next_at)
        except Exception:  # only a warning is at stake
            log.info("dnd.info unavailable when a habit was set up", exc_info=True)
    tell(**render.saved(habit, quiet=quiet).kwargs())


def answered(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, respond: Respond
) -> None:
    """Done or Not today, under a reminder."""
    ack()
    rt, req = runtime(context), Request.of(body, context.team_id)
    done = action.get("action_id") == render.DONE_ACTION
    later(rt, respond, lambda: check_in(rt, req, _day_id(action), done, respond))


def check_in(rt: Runtime, req: Request, day_id: int, done: bool, respond: Respond) -> None:
    with rt.sessions.begin() as session:
        result = service.check_in(
            session,
            team_id=req.team_id,
            user_id=req.user_id,
            day_id=day_id,
            done=done,
            now=rt.now(),
        )
        offer = None
        if result.offer and result.nudge is not None:
            offer = practised.least_practised(
                session, team_id=req.team_id, user_id=req.user_id, now=rt.now()
            )
    if result.result in ("done", "skipped") and result.nudge is not None:
        message = render.celebrated(result.nudge, day_id, offer) if done else render.skipped()
        respond(replace_original=True, **message.kwargs())
        return
    if result.result == "already":
        message = render.already(result.status)
    elif result.result == "not_yours":
        message = render.not_yours()
    else:
        message = render.gone()
    respond(response_type="ephemeral", replace_original=False, **message.kwargs())


def note_clicked(
    ack: Ack,
    body: dict[str, Any],
    action: dict[str, Any],
    context: BoltContext,
    client: WebClient,
    respond: Respond,
) -> None:
    ack()
    rt = runtime(context)
    trigger = str(body.get("trigger_id") or "")

    def open_note() -> None:
        client.views_open(trigger_id=trigger, view=notes.note_view(_day_id(action)))

    later(rt, respond, open_note)


def note_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    rt, req = runtime(context), Request.of(body, context.team_id)
    try:
        note = notes.read_note(view)
        if req.user_id in note.people:
            raise FormErrors({notes.PEOPLE: "Kudos are for others: leave yourself out."})
    except FormErrors as err:
        ack(response_action="errors", errors=err.errors)
        return
    tell = DirectReply(client, req.user_id)
    if queue(rt, tell, lambda: add_note(rt, client, req, note, tell), typed=note.text):
        ack()
    else:
        ack(response_action="errors", errors={notes.NOTE: BUSY})


def add_note(rt: Runtime, client: WebClient, req: Request, note: notes.Note, tell: Any) -> None:
    """Keep the line with the check-in; with people picked it becomes kudos for them
    (counted once: the check-in is replaced by the kudos)."""
    text = escape(note.text)
    if note.people:
        bots = rt.directory.bots_among(client, req.team_id, note.people)
        recognition.check_recipients(req.user_id, note.people, bots)
    with rt.sessions.begin() as session:
        logged = service.note(
            session, team_id=req.team_id, user_id=req.user_id, day_id=note.day_id, text=text
        )
        if logged is None:
            raise UserError(
                "There's nothing to add to: what you did for that day is saved already "
                "(as kudos, if you picked people), or the check-in is gone."
            )
        if note.people:
            recognition.give_kudos(
                session,
                team_id=req.team_id,
                channel_id=logged.channel_id,
                giver_id=req.user_id,
                recipients=note.people,
                reason=text,
                practice=logged.practice,
                now=rt.now(),
                daily_cap=rt.settings.kudos_daily_cap,
                zone=rt.settings.timezone,
                dedupe_key=f"habit-kudos:{note.day_id}",
                announced=False,
            )
            session.delete(logged)
    tell(**render.noted(note.people).kwargs())


def keep_clicked(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    rt = runtime(context)

    def keep() -> None:
        respond(replace_original=False, **render.kept().kwargs())

    later(rt, respond, keep)


def register(app: App) -> None:
    for action_id in (render.SETUP_ACTION, render.CHANGE_ACTION, render.NEXT_ACTION):
        app.action(action_id)(form_clicked)
    app.action(modals.PRACTICE_PICK)(practice_picked)
    app.action(render.DONE_ACTION)(answered)
    app.action(render.SKIP_ACTION)(answered)
    app.action(render.NOTE_ACTION)(note_clicked)
    app.action(render.KEEP_ACTION)(keep_clicked)
    app.view(modals.SETUP_CALLBACK)(setup_submitted)
    app.view(notes.NOTE_CALLBACK)(note_submitted)
