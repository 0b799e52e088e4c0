"""The habit form and the reminder's buttons, as Slack sends them: a wrong field is named in
the form and nothing is saved; another practice redraws the form; the default practice is
the person's least practised; Done counts once, whoever clicks twice; only the person
answers their own reminder; what they did is kept, and the people it was for get kudos;
after a good run the next practice is offered."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot import catalogue
from bot.habits import practised, suggestions
from models.nudges import NudgeDay
from models.tables import Recognition, RecognitionRecipient, Response
from tests.driver import Reply, SlackDriver, slack_id
from tests.habit_helpers import (
    ZONE,
    block,
    check_ins,
    click,
    day_ids,
    days_of,
    dms,
    habit_of,
    habit_rows,
    make_habit,
    opened,
    pick_in_view,
    said,
    send_pass,
    setup_values,
    submit,
    view_of,
)

SETUP = "habit_setup_modal"
NOTE = "habit_note_modal"


def form_meta(bot: SlackDriver, zone: str = ZONE) -> str:
    """The form as /nudge me opens it for someone whose Slack zone is `zone`."""
    bot.slack.add_user(bot.user, tz=zone)
    _, key = bot.command("/nudge", "me")
    return str(opened(bot, key)["private_metadata"])


def saved_dm(bot: SlackDriver) -> str:
    calls = bot.slack.wait_for(
        lambda: [c for c in dms(bot) if "habit is set" in str(c.params.get("text", ""))]
    )
    return said(calls[-1].params)


# -- the form: what is refused -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        (setup_values(action=None), {"habit_action_heart": "Pick a tiny action"}),
        (setup_values(action=None, own_action="   "), {"habit_action_heart": "Pick a tiny"}),
        (setup_values(cue=None), {"habit_cue": "Pick a moment in your routine"}),
        (setup_values(cue="99"), {"habit_cue": "Pick a moment in your routine"}),
        (setup_values(days=()), {"habit_days": "Pick at least one day"}),
        (setup_values(zone="Mars/Olympus"), {"habit_zone": "Use a zone name like Europe/Paris"}),
        (setup_values(zone=None), {"habit_zone": "Use a zone name"}),
        (setup_values(time=None), {"habit_time": "Pick a time"}),
        (setup_values(time="25:00"), {"habit_time": "Pick a time"}),
        (setup_values(practice="nonsense"), {"habit_practice": "Pick a practice"}),
        (
            setup_values(action=None, cue=None, days=(), zone="nowhere", time=None),
            {
                "habit_action_heart": "Pick a tiny action",
                "habit_cue": "Pick a moment",
                "habit_days": "Pick at least one day",
                "habit_time": "Pick a time",
                "habit_zone": "Use a zone name",
            },
        ),
    ],
    ids=[
        "no action",
        "blank own words",
        "no cue",
        "unknown cue",
        "no days",
        "bad zone",
        "no zone",
        "no time",
        "bad time",
        "no practice",
        "everything wrong",
    ],
)
def test_a_wrong_field_is_named_in_the_form_and_nothing_is_saved(
    bot: SlackDriver, values: dict[str, Any], fields: dict[str, str]
) -> None:
    meta = form_meta(bot)
    reply = submit(bot, SETUP, meta, values)
    assert reply.status == 200
    answer = reply.json
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == set(fields)
    for field, says in fields.items():
        assert says in answer["errors"][field]
    assert habit_rows(bot) == 0
    assert not [c for c in dms(bot) if "habit is set" in str(c.params.get("text", ""))]


def test_own_words_and_own_cue_are_kept(bot: SlackDriver) -> None:
    meta = form_meta(bot)
    words = "ask one quiet person for their view"
    cue = "after the Tuesday planning call"
    values = setup_values(practice="enable", action="buyin:0", own_action=words, own_cue=cue)
    assert submit(bot, SETUP, meta, values).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert (habit.action, habit.cue) == (words, cue)
    # Own words count under the practice's own commitment, not the suggestion left picked.
    assert (habit.practice, habit.commitment) == (
        "enable",
        catalogue.practice("enable").tag_commitment,
    )
    assert "After the Tuesday planning call, I will ask one quiet person" in saved_dm(bot)


def test_a_picked_action_is_kept_with_its_own_commitment(bot: SlackDriver) -> None:
    meta = form_meta(bot)
    commitment, action = suggestions.options_for("heart")[4]
    assert submit(bot, SETUP, meta, setup_values(action=f"{commitment}:4", cue="3")).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert (habit.practice, habit.commitment, habit.action) == ("heart", commitment, action)
    assert habit.cue == suggestions.CUES[3]


def test_markup_in_own_words_is_shown_as_typed(bot: SlackDriver) -> None:
    meta = form_meta(bot)
    words = "thank <the on-call> & say what it made possible"
    assert (
        submit(bot, SETUP, meta, setup_values(own_action=words, own_cue="after <lunch>")).body == ""
    )
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert habit.action == words, "kept as typed"
    dm = bot.slack.wait_for(
        lambda: [c for c in dms(bot) if "habit is set" in str(c.params.get("text", ""))]
    )[0]
    shown = said(dm.params)
    assert "I will thank &lt;the on-call&gt; &amp; say what it made possible" in shown
    assert "After &lt;lunch&gt;" in shown
    assert "<the on-call>" not in shown and "<lunch>" not in shown


def test_a_typed_zone_is_kept_and_not_followed(bot: SlackDriver) -> None:
    meta = form_meta(bot, zone=ZONE)
    assert submit(bot, SETUP, meta, setup_values(zone="utc")).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert habit.zone == "UTC" and not habit.zone_from_slack


def test_the_zone_from_slack_is_followed(bot: SlackDriver) -> None:
    meta = form_meta(bot, zone="Asia/Tokyo")
    assert submit(bot, SETUP, meta, setup_values(zone="Asia/Tokyo")).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert habit.zone == "Asia/Tokyo" and habit.zone_from_slack


# -- the form: another practice, and the default one -----------------------------------------------


def redrawn_call(bot: SlackDriver, view_id: str) -> Any:
    return bot.slack.wait_for(
        lambda: [
            c for c in bot.slack.calls_to("views.update") if c.params.get("view_id") == view_id
        ]
    )[0]


def test_picking_another_practice_redraws_the_form_with_its_suggestions(bot: SlackDriver) -> None:
    bot.slack.add_user(bot.user, tz=ZONE)
    _, key = bot.command("/nudge", "me")
    view = {**opened(bot, key), "id": slack_id("V"), "hash": "h-1"}
    typed = setup_values(days=(1, 3), time="07:15", zone=ZONE)
    assert pick_in_view(bot, view, "vision", typed).status == 200
    update = redrawn_call(bot, view["id"])
    assert update.params["view_id"] == view["id"] and update.params["hash"] == "h-1"
    redrawn = view_of(update)
    assert block(redrawn, "habit_practice")["element"]["initial_option"]["value"] == "vision"
    offered = [
        o["text"]["text"] for o in block(redrawn, "habit_action_vision")["element"]["options"]
    ]
    assert offered == [text[:75] for _, text in suggestions.options_for("vision")]
    assert not [b for b in redrawn["blocks"] if b.get("block_id") == "habit_action_heart"]
    days = block(redrawn, "habit_days")["element"]["initial_options"]
    assert [d["value"] for d in days] == ["1", "3"], "what was picked stays"
    assert block(redrawn, "habit_time")["element"]["initial_time"] == "07:15"
    assert habit_rows(bot) == 0


def test_a_zone_typed_before_picking_another_practice_is_still_the_persons_own(
    bot: SlackDriver,
) -> None:
    bot.slack.add_user(bot.user, tz=ZONE)
    _, key = bot.command("/nudge", "me")
    view = {**opened(bot, key), "id": slack_id("V"), "hash": "h-1"}
    pick_in_view(bot, view, "vision", setup_values(zone="America/Chicago"))
    redrawn = view_of(redrawn_call(bot, view["id"]))
    assert block(redrawn, "habit_zone")["element"]["initial_value"] == "America/Chicago"
    values = setup_values(practice="vision", action="imagine:0", zone="America/Chicago")
    assert submit(bot, SETUP, redrawn["private_metadata"], values).body == ""
    habit = bot.slack.wait_for(lambda: habit_of(bot))
    assert habit.zone == "America/Chicago"
    assert not habit.zone_from_slack, "typed by hand: Slack's zone must not replace it"


def test_the_default_practice_is_the_persons_least_practised(bot: SlackDriver) -> None:
    ana = slack_id("U")
    for command, text in [
        ("/kudos", f"<@{ana}> for walking me through the deploy #model"),
        ("/kudos", f"<@{ana}> for the careful review"),
        ("/win", "shipped the importer"),
        ("/nudge", "hope that we demo every Friday"),
        ("/nudge", "goal every release has a written plan"),
    ]:
        assert bot.command(command, text)[0].status == 200

    def logged() -> dict[str, int]:
        with bot.sessions() as session:
            done = practised.counts(
                session, team_id=bot.team, user_id=bot.user, now=datetime.now(UTC)
            )
        return done if sum(done.values()) == 5 else {}

    assert bot.slack.wait_for(logged) == {
        "model": 1, "vision": 1, "challenge": 0, "enable": 1, "heart": 2,
    }  # fmt: skip
    _, key = bot.command("/nudge", "me")
    view = opened(bot, key)
    practice = block(view, "habit_practice")["element"]
    assert practice["initial_option"]["value"] == "challenge"
    marked = [o["value"] for o in practice["options"] if "least practised" in o["text"]["text"]]
    assert marked == ["challenge"]
    assert [b for b in view["blocks"] if b.get("block_id") == "habit_action_challenge"]


def test_with_nothing_logged_yet_heart_is_not_the_default(bot: SlackDriver) -> None:
    ana = slack_id("U")
    bot.command("/kudos", f"<@{ana}> for the careful review")
    bot.command("/win", "shipped the importer")

    def logged() -> bool:
        with bot.sessions() as session:
            done = practised.counts(
                session, team_id=bot.team, user_id=bot.user, now=datetime.now(UTC)
            )
        return done["heart"] == 2

    bot.slack.wait_for(logged)
    _, key = bot.command("/nudge", "me")
    practice = block(opened(bot, key), "habit_practice")["element"]
    assert practice["initial_option"]["value"] == "model"


# -- the buttons ----------------------------------------------------------------------------------


def sent_day(bot: SlackDriver, user: str | None = None, days_ago: float = 2) -> int:
    """A habit set up `days_ago` days ago, its first reminder sent: the day's id."""
    habit = make_habit(bot, datetime.now(UTC) - timedelta(days=days_ago), user=user)
    assert habit.next_at is not None
    send_pass(bot, habit.next_at + timedelta(seconds=5))
    [day] = day_ids(bot, habit.id)
    return day


def test_done_twice_at_once_logs_one_check_in(bot: SlackDriver) -> None:
    day = sent_day(bot)
    keys = [slack_id("R"), slack_id("R")]
    replies: list[Reply] = []
    threads = [
        threading.Thread(
            target=lambda k=k: replies.append(click(bot, "habit_done", str(day), k)[0])
        )
        for k in keys
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.status for r in replies] == [200, 200]
    answers = [bot.slack.wait_response(k) for k in keys]
    celebrated = [a for a in answers if a.get("replace_original") is True]
    already = [a for a in answers if "already answered this one (done)" in said(a)]
    assert len(celebrated) == 1 and len(already) == 1, answers
    logged = check_ins(bot)
    assert len(logged) == 1
    assert (logged[0].practice, logged[0].commitment) == ("heart", "recognise")
    assert logged[0].channel_id == bot.channel
    assert [status for _, status in days_of(bot, habit_of(bot).id)] == ["done"]  # type: ignore[union-attr]


def test_not_today_then_done_is_already_answered(bot: SlackDriver) -> None:
    day = sent_day(bot)
    _, key = click(bot, "habit_skip", str(day))
    skipped = bot.slack.wait_response(key)
    assert skipped.get("replace_original") is True and "No problem" in said(skipped)
    _, key = click(bot, "habit_done", str(day))
    again = bot.slack.wait_response(key)
    assert "already answered this one (not today)" in said(again)
    assert again.get("replace_original") is False
    assert check_ins(bot) == []
    assert [s for _, s in days_of(bot, habit_of(bot).id)] == ["skipped"]  # type: ignore[union-attr]


def test_someone_elses_click_changes_nothing(bot: SlackDriver) -> None:
    day = sent_day(bot)
    other = slack_id("U")
    for action in ("habit_done", "habit_skip"):
        _, key = click(bot, action, str(day), user=other)
        answer = bot.slack.wait_response(key)
        assert "someone else's habit" in said(answer)
        assert answer.get("replace_original") is False
    assert check_ins(bot) == [] and check_ins(bot, other) == []
    assert [s for _, s in days_of(bot, habit_of(bot).id)] == ["sent"]  # type: ignore[union-attr]


@pytest.mark.parametrize("value", ["", "abc", "12a", "１２", "9" * 19, "-4", "1.5"])
def test_a_garbled_button_gets_a_friendly_answer(bot: SlackDriver, value: str) -> None:
    sent_day(bot)
    _, key = click(bot, "habit_done", value)
    answer = bot.slack.wait_response(key)
    assert "That button is out of date" in said(answer)
    assert check_ins(bot) == []


def test_a_button_for_a_day_that_is_gone(bot: SlackDriver) -> None:
    day = sent_day(bot)
    _, key = click(bot, "habit_done", str(day + 10_000_000))
    assert "no longer set up" in said(bot.slack.wait_response(key))
    # Another workspace's day, clicked from here: not found either.
    elsewhere = SlackDriver(url=bot.url, secret=bot.secret, slack=bot.slack, sessions=bot.sessions)
    _, key = click(elsewhere, "habit_done", str(day))
    assert "no longer set up" in said(bot.slack.wait_response(key))
    assert check_ins(bot) == []


def note_values(text: str | None, people: list[str] | None = None) -> dict[str, Any]:
    return {
        "habit_note_text": {"text": {"value": text}},
        "habit_note_people": {"people": {"selected_users": people or []}},
    }


def done_with_note_form(bot: SlackDriver) -> tuple[int, str]:
    """Done on a sent day, then Add what you did: the day and the note form's metadata."""
    day = sent_day(bot)
    _, key = click(bot, "habit_done", str(day))
    celebrated = bot.slack.wait_response(key)
    assert "Add what you did" in said(celebrated)
    _, key = click(bot, "habit_note", str(day))
    view = opened(bot, key)
    assert view["callback_id"] == NOTE
    return day, str(view["private_metadata"])


def test_what_you_did_becomes_the_check_ins_text(bot: SlackDriver) -> None:
    _day, meta = done_with_note_form(bot)
    line = "thanked the support team for the Friday fix & told them why"
    assert submit(bot, NOTE, meta, note_values(line)).body == ""
    bot.slack.wait_for(lambda: [c for c in dms(bot) if "Added to your check-in" in str(c.params)])
    [logged] = check_ins(bot)
    assert logged.text == line.replace("&", "&amp;")


def test_a_blank_line_is_refused_in_the_form(bot: SlackDriver) -> None:
    _day, meta = done_with_note_form(bot)
    answer = submit(bot, NOTE, meta, note_values("   ")).json
    assert answer["response_action"] == "errors" and "habit_note_text" in answer["errors"]
    [logged] = check_ins(bot)
    assert logged.text == "thank one person for one specific thing"


def test_what_you_did_for_someone_is_one_kudos_for_them(bot: SlackDriver) -> None:
    day, meta = done_with_note_form(bot)
    ana = slack_id("U")
    line = "thanked Ana for untangling the release notes"
    assert submit(bot, NOTE, meta, note_values(line, [ana])).body == ""
    told = bot.slack.wait_for(
        lambda: [c for c in dms(bot) if "Logged as kudos" in str(c.params.get("text", ""))]
    )
    assert f"<@{ana}>" in said(told[0].params)
    with bot.sessions() as session:
        kudos = session.execute(
            select(Recognition, RecognitionRecipient.user_id)
            .join(RecognitionRecipient, RecognitionRecipient.recognition_id == Recognition.id)
            .where(Recognition.team_id == bot.team)
        ).all()
        habit_rows_left = session.scalars(
            select(Response).where(Response.team_id == bot.team, Response.kind == "habit")
        ).all()
    assert len(kudos) == 1
    recognition, recipient = kudos[0]
    assert (recognition.giver_id, recipient) == (bot.user, ana)
    assert recognition.reason == line and recognition.practice == "heart"
    assert recognition.dedupe_key == f"habit-kudos:{day}"
    assert habit_rows_left == [], "counted once: as the kudos it became"
    # The same form sent again (a double click on Save) gives no second kudos.
    submit(bot, NOTE, meta, note_values(line, [ana]))
    bot.slack.wait_for(lambda: [c for c in dms(bot) if "nothing to add to" in said(c.params)])
    with bot.sessions() as session:
        assert (
            len(session.scalars(select(Recognition).where(Recognition.team_id == bot.team)).all())
            == 1
        )


def test_kudos_to_oneself_from_a_note_is_refused_in_the_form(bot: SlackDriver) -> None:
    _day, meta = done_with_note_form(bot)
    answer = submit(bot, NOTE, meta, note_values("thanked myself", [bot.user])).json
    assert answer["response_action"] == "errors" and "habit_note_people" in answer["errors"]
    assert len(check_ins(bot)) == 1


def test_change_opens_the_form_as_the_habit_stands(bot: SlackDriver) -> None:
    day = sent_day(bot)
    _, key = click(bot, "habit_change", str(day))
    view = opened(bot, key)
    assert view["callback_id"] == SETUP
    assert block(view, "habit_practice")["element"]["initial_option"]["value"] == "heart"
    assert (
        block(view, "habit_own_action")["element"]["initial_value"]
        == "thank one person for one specific thing"
    )
    assert block(view, "habit_cue")["element"]["initial_option"]["value"] == str(
        suggestions.CUES.index("after my first coffee")
    )
    days = [o["value"] for o in block(view, "habit_days")["element"]["initial_options"]]
    assert days == [str(d) for d in range(7)]
    assert block(view, "habit_time")["element"]["initial_time"] == "08:30"
    assert block(view, "habit_zone")["element"]["initial_value"] == ZONE
    meta = json.loads(view["private_metadata"])
    assert meta["c"] == bot.channel, "check-ins keep counting where the habit was set up"


def run_of_done_days(bot: SlackDriver, count: int) -> list[dict[str, Any]]:
    """A daily habit, `count` reminders sent and answered Done; what each Done showed."""
    habit = make_habit(bot, datetime.now(UTC) - timedelta(days=count + 1))
    shown = []
    for _ in range(count):
        current = habit_of(bot)
        assert current is not None and current.next_at is not None
        send_pass(bot, current.next_at + timedelta(seconds=5))
    for day in day_ids(bot, habit.id):
        _, key = click(bot, "habit_done", str(day))
        shown.append(bot.slack.wait_response(key))
    return shown


def test_after_eight_done_days_the_next_practice_is_offered(bot: SlackDriver) -> None:
    shown = run_of_done_days(bot, 8)
    assert len(shown) == 8 and len(check_ins(bot)) == 8
    assert all("8 check-ins" not in said(s) for s in shown[:7])
    last = said(shown[7])
    assert "That's 8 check-ins" in last and "*Model the Way* is the practice" in last
    offer = next(b for b in shown[7]["blocks"] if b.get("block_id") == "habit_offer")
    try_it, keep = offer["elements"]
    assert try_it["text"]["text"] == "Try Model the Way" and try_it["value"] == "model"

    _, key = click(bot, "habit_next_practice", try_it["value"])
    view = opened(bot, key)
    assert block(view, "habit_practice")["element"]["initial_option"]["value"] == "model"
    assert [b for b in view["blocks"] if b.get("block_id") == "habit_action_model"]

    _, key = click(bot, keep["action_id"], keep["value"])
    kept = bot.slack.wait_response(key)
    assert "Keeping this one" in said(kept) and kept.get("replace_original") is False
    assert habit_of(bot).practice == "heart"  # type: ignore[union-attr]


def test_trying_the_next_practice_keeps_a_typed_zone(bot: SlackDriver) -> None:
    make_habit(bot, datetime.now(UTC), zone="Asia/Tokyo", zone_from_slack=False)
    bot.slack.add_user(bot.user, tz=ZONE)
    _, key = click(bot, "habit_next_practice", "model")
    view = opened(bot, key)
    assert block(view, "habit_zone")["element"]["initial_value"] == "Asia/Tokyo"
    values = setup_values(practice="model", action="voice:0", zone="Asia/Tokyo")
    assert submit(bot, SETUP, view["private_metadata"], values).body == ""
    bot.slack.wait_for(lambda: (h := habit_of(bot)) is not None and h.practice == "model")
    habit = habit_of(bot)
    assert habit is not None and habit.zone == "Asia/Tokyo" and not habit.zone_from_slack


def test_a_day_left_unanswered_stays_out_of_the_way(bot: SlackDriver) -> None:
    """A reminder nobody answered is not held against anyone: it isn't in the log."""
    day = sent_day(bot, days_ago=3)
    with bot.sessions() as session:
        assert session.get(NudgeDay, day).status == "sent"  # type: ignore[union-attr]
    _, key = bot.command("/nudge", "me")
    text = said(bot.slack.wait_response(key))
    assert "Last 8 weeks" not in text and "0 days done" not in text


def test_kudos_to_a_bot_from_a_note_is_refused_and_nothing_changes(bot: SlackDriver) -> None:
    _day, meta = done_with_note_form(bot)
    robot = slack_id("U")
    bot.slack.add_user(robot, is_bot=True)
    assert submit(bot, NOTE, meta, note_values("thanked the deploy bot", [robot])).body == ""
    told = bot.slack.wait_for(lambda: [c for c in dms(bot) if "is a bot" in said(c.params)])
    assert "thanked the deploy bot" in said(told[0].params), "their line is given back"
    [logged] = check_ins(bot)
    assert logged.text == "thank one person for one specific thing"
    with bot.sessions() as session:
        assert not session.scalars(select(Recognition).where(Recognition.team_id == bot.team)).all()


def test_a_note_on_someone_elses_day_adds_nothing(bot: SlackDriver) -> None:
    _day, meta = done_with_note_form(bot)
    other = slack_id("U")
    assert submit(bot, NOTE, meta, note_values("not mine", []), user=other).body == ""
    told = "nothing to add to"
    bot.slack.wait_for(lambda: [c for c in dms(bot, other) if told in said(c.params)])
    [logged] = check_ins(bot)
    assert logged.text == "thank one person for one specific thing"
