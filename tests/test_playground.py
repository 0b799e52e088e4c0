"""The playground without a browser: its page API drives the real bot over signed HTTP, and
what the bot does through the Web API shows in the channel, thread, modal and App Home."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import app
from app import create_app
from models.tables import Occurrence, Recognition
from playground.deliver import sign, slack_text
from playground.people import BOT_USER
from playground.run import Running, build
from playground.workspace import Workspace
from tests.reliability.test_lifecycle import free_port
from tests.reliability.test_main import (
    env,  # noqa: F401  (a fixture: chdir, clean env)
    run_until_healthy,
)

GENERAL, PLATFORM = "C0GENERAL", "C0PLATFORM"
ANA, BEN, CHEN = "U0ANA", "U0BEN", "U0CHEN"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    played = build(create_app, port=0, database=tmp_path_factory.mktemp("pg") / "playground.db")
    played.start()
    yield played
    assert played.stop()


def call(running: Running, path: str, body: dict[str, Any] | None = None) -> Any:
    """GET (no body) or POST (a body) to the page's API, as the page does."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Playground": "1"}
    request = urllib.request.Request(running.url.rstrip("/") + path, data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def seen(running: Running, user: str, channel: str) -> list[dict[str, Any]]:
    return call(running, f"/play/api/state?as={user}&channel={channel}")["messages"]


def wait(found: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def posted(running: Running, user: str, channel: str, text: str) -> dict[str, Any]:
    """The message (top level) whose fallback text contains `text`, once it is there."""
    return wait(lambda: next((m for m in seen(running, user, channel) if text in m["text"]), None))


def test_a_command_typed_on_the_page_reaches_the_bot_and_its_reply_the_channel(
    running: Running,
) -> None:
    answer = call(
        running,
        "/play/api/send",
        {"as": ANA, "channel": GENERAL, "text": "/kudos @ben for pairing on the migration #enable"},
    )
    assert answer == {"ok": True}
    kudos = posted(running, CHEN, GENERAL, "Kudos to <@U0BEN> from <@U0ANA>")
    assert kudos["bot"] and not kudos["ephemeral"]
    assert "pairing on the migration" in json.dumps(kudos["blocks"])
    with running.play.ctx.sessions() as session:
        assert session.scalars(select(Recognition.reason)).all() == ["for pairing on the migration"]


def test_an_ack_with_an_answer_is_shown_only_to_the_person(running: Running) -> None:
    call(running, "/play/api/send", {"as": BEN, "channel": PLATFORM, "text": "/kudos for nobody"})
    refusal = posted(running, BEN, PLATFORM, "Who are the kudos for?")
    assert refusal["ephemeral"]
    assert not [m for m in seen(running, ANA, PLATFORM) if "Who are the kudos" in m["text"]]
    unknown = call(running, "/play/api/send", {"as": BEN, "channel": PLATFORM, "text": "/bogus"})
    assert unknown == {"ok": False, "error": "/bogus is not a command here. Try /nudge help."}


def test_a_prompt_answered_in_its_modal_and_in_its_thread(running: Running) -> None:
    call(
        running, "/play/api/send", {"as": ANA, "channel": PLATFORM, "text": "/nudge now challenge"}
    )
    prompt = wait(
        lambda: next(
            (m for m in seen(running, BEN, PLATFORM) if '"prompt_actions"' in json.dumps(m)), None
        )
    )
    actions = next(b for b in prompt["blocks"] if b["type"] == "actions")
    button = actions["elements"][0]
    clicked = {"action_id": button["action_id"], "block_id": actions["block_id"], "type": "button"}
    click = {"as": BEN, "channel": PLATFORM, "message_ts": prompt["ts"]}
    assert call(running, "/play/api/click", {**click, "action": {**clicked, **button}})["ok"]
    modal = wait(lambda: call(running, f"/play/api/state?as={BEN}&channel={PLATFORM}")["modal"])
    assert modal["callback_id"] == "respond_modal"

    def submit(text: str) -> dict[str, Any]:
        values = {"answer": {"answer": {"type": "plain_text_input", "value": text}}}
        return call(
            running, "/play/api/submit", {"as": BEN, "view_id": modal["id"], "values": values}
        )

    assert submit("   ") == {"ok": True, "errors": {"answer": "Please write an answer."}}
    assert submit("the deploy took two minutes") == {"ok": True, "errors": {}}
    state = call(running, f"/play/api/state?as={BEN}&channel={PLATFORM}")
    assert state["modal"] is None
    thread = wait(lambda: posted(running, BEN, PLATFORM, prompt["text"])["replies"])
    assert "the deploy took two minutes" in json.dumps(thread)

    reply = {"as": CHEN, "channel": PLATFORM, "thread_ts": prompt["ts"], "text": "docs went out"}
    assert call(running, "/play/api/send", reply) == {"ok": True}
    answered = wait(
        lambda: [
            r
            for r in posted(running, CHEN, PLATFORM, prompt["text"])["replies"]
            if r["text"] == "docs went out" and r["reactions"]
        ]
    )
    assert answered[0]["reactions"] == [{"name": "raised_hands", "users": [BOT_USER]}]


def test_run_it_now_posts_the_next_occurrence_through_its_claim(running: Running) -> None:
    text = "/nudge schedule add challenge weekly fri 09:00"
    call(running, "/play/api/send", {"as": ANA, "channel": GENERAL, "text": text})
    due = wait(lambda: call(running, f"/play/api/state?as={ANA}")["next"])
    assert due["kind"] == "prompt" and "#general" in due["what"]
    ran = call(running, "/play/api/next", {})
    assert ran == {"ok": True, "ran": due["what"], "result": "posted"}
    with running.play.ctx.sessions() as session:
        claimed = session.scalars(select(Occurrence.occurs_at)).all()
    assert [int(at.timestamp()) for at in claimed] == [due["at"]]
    after = call(running, f"/play/api/state?as={ANA}")["next"]
    assert after["at"] == due["at"] + 7 * 24 * 3600  # the claimed one is not due again


def test_app_home_is_published_when_opened(running: Running) -> None:
    assert call(running, "/play/api/home", {"as": CHEN}) == {"ok": True}
    home = wait(lambda: call(running, f"/play/api/state?as={CHEN}")["home"])
    assert home["type"] == "home" and home["blocks"]


def test_the_page_and_the_bot_share_one_port_and_refuse_strangers(running: Running) -> None:
    with urllib.request.urlopen(running.url, timeout=5) as page:
        assert b"nudgebot playground" in page.read()
    with urllib.request.urlopen(running.url + "healthz", timeout=5) as health:
        assert health.status == 200
    for path, body, status in (
        ("static/../run.py", None, 404),
        ("play/api/nothing", {}, 404),
        ("play/api/state?as=UNOBODY", None, 400),
    ):
        data = None if body is None else json.dumps(body).encode()
        headers = {"X-Playground": "1", "Content-Type": "application/json"}
        request = urllib.request.Request(running.url + path, data=data, headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=5)
        assert refused.value.code == status, path
    bare = urllib.request.Request(running.url + "play/api/next", data=b"{}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bare, timeout=5)
    assert refused.value.code == 403  # a page elsewhere can't send the header unasked
    unsigned = urllib.request.Request(running.url + "slack/events", data=b"command=/kudos")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=5)
    assert refused.value.code == 401


def test_the_demo_seeds_a_team_with_history_and_last_weeks_digest(tmp_path: Path) -> None:
    played = build(create_app, port=0, database=tmp_path / "demo.db", demo_data=True)
    try:
        history = played.ws.history[GENERAL]
        texts = [m["text"] for m in history]
        assert sum("Kudos to" in t for t in texts) >= 8
        assert any(t.startswith("Weekly digest") for t in texts[-1:])
        assert any(m.get("reactions") for m in history)
        assert played.play.next_due() is not None
        # A second --demo on the same file adds nothing.
        again = build(create_app, port=0, database=tmp_path / "demo.db", demo_data=True)
        assert [m["text"] for m in again.ws.history[GENERAL]] == []
        again.ws.stop()
        again.engine.dispose()
    finally:
        played.ws.stop()
        played.engine.dispose()


def test_a_restart_shows_the_channels_as_they_were(tmp_path: Path) -> None:
    first = build(create_app, port=0, database=tmp_path / "playground.db")
    first.start()
    said = {"as": ANA, "channel": GENERAL, "text": "/vision set Be the team others ask for help"}
    call(first, "/play/api/send", said)
    posted(first, ANA, GENERAL, "published a new vision")
    assert first.stop()
    assert (tmp_path / "playground.json").exists()
    second = build(create_app, port=0, database=tmp_path / "playground.db")
    try:
        texts = [m["text"] for m in second.ws.history[GENERAL]]
        assert texts == ["<@U0ANA> published a new vision"]
    finally:
        second.ws.stop()
        second.engine.dispose()


def test_typed_text_becomes_what_slack_sends() -> None:
    ws = Workspace()
    named = slack_text(ws, "@ben, @Eva & @nobody <b> in #general #enable @here", named=True)
    assert named == (
        "<@U0BEN|ben>, <@U0EVA|eva> &amp; @nobody &lt;b&gt; in <#C0GENERAL|general> #enable <!here>"
    )
    assert slack_text(ws, "thanks @chen.", named=False) == "thanks <@U0CHEN>."


def test_requests_are_signed_as_slack_signs_them() -> None:
    headers = sign("secret", b"body", timestamp=1_700_000_000)
    assert headers["X-Slack-Request-Timestamp"] == "1700000000"
    assert headers["X-Slack-Signature"] == (
        "v0=" + __import__("hmac").new(b"secret", b"v0:1700000000:body", "sha256").hexdigest()
    )


@pytest.mark.usefixtures("env")
def test_python_app_py_playground(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """In this process (coverage follows): up on its own port, its own database whatever
    DATABASE_URL says, down cleanly on SIGTERM, the channels kept for the next run."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'main.db'}")  # ignored here
    port = free_port()
    code, health = run_until_healthy(["playground", "--port", str(port), "--reset"], port)
    assert (code, health.splitlines()[0]) == (0, "ok")
    said = capsys.readouterr().out
    assert f"open http://127.0.0.1:{port}/ in your browser" in said
    assert "--reset --demo" in said  # a fresh playground says how to get a team's history
    assert (tmp_path / "playground.db").exists() and (tmp_path / "playground.json").exists()
    assert not (tmp_path / "main.db").exists()


@pytest.mark.usefixtures("env")
def test_the_playground_says_why_it_cannot_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert app.main(["playground", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    (tmp_path / "playground.db").unlink()
    (tmp_path / "playground.db").mkdir()  # not a file SQLite can open
    assert app.main(["playground", "--port", str(free_port())]) == 2
    assert "nudgebot playground:" in capsys.readouterr().err
