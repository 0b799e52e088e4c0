"""The playground in a real browser: headless Chromium (Debian's, never a download) driven by
Playwright against `python app.py playground` started as a person starts it. It gives kudos
picking Ben from the people, answers a prompt in its modal, runs the next scheduled item and
opens App Home, saving a screenshot of each step under the test's tmp_path; and every Block
Kit input a modal can hold reads back as Slack would send it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

APP = Path(__file__).resolve().parent.parent / "app.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL = (
    "install them with `.venv/bin/pip install -e '.[dev]'` (Playwright) and "
    "`apt-get install -y chromium` (the browser; Playwright's own download is never used)"
)
pytestmark = pytest.mark.slow(seconds=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(f"Playwright is not installed: {INSTALL}")
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not at {CHROMIUM}: {INSTALL}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def playground(tmp_path: Path) -> Iterator[str]:
    """`python app.py playground --port <free> --reset` in tmp_path; its URL."""
    port = free_port()
    env = {"PATH": os.environ["PATH"], "PYTHONUNBUFFERED": "1", "HOME": str(tmp_path)}
    log = (tmp_path / "playground.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, str(APP), "playground", "--port", str(port), "--reset"],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url + "healthz", timeout=2) as health:
                    if health.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "playground.log").read_text()
            assert time.monotonic() < deadline, "the playground did not start in 30 s"
            time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            assert proc.wait(20) == 0, (tmp_path / "playground.log").read_text()
        finally:
            proc.kill() if proc.poll() is None else None
            log.close()
    assert (tmp_path / "playground.db").exists()  # its own database, where it was started


def test_a_newcomer_tries_nudgebot_in_the_browser(
    browser: Any, playground: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # a busy CI machine: the bot answers after its ack
    page = browser.new_page(viewport={"width": 1280, "height": 860})
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(playground)
    expect(page.locator("#person")).to_have_value("U0ANA")  # Ana, the admin, by default
    shots = tmp_path / "screenshots"

    # Kudos, picking Ben from the people as the name is typed.
    compose = page.locator("#compose")
    compose.press_sequentially("/kudos @be")
    page.locator(".suggestion", has_text="Ben Okafor").click()
    compose.press_sequentially("for pairing on the migration #enable")
    expect(compose).to_have_value("/kudos @ben for pairing on the migration #enable")
    compose.press("Enter")
    kudos = page.locator("#messages .message", has_text="for pairing on the migration")
    expect(kudos).to_be_visible()
    expect(kudos.locator(".mention", has_text="@Ben Okafor").first).to_be_visible()
    page.screenshot(path=shots / "1-kudos.png")

    # A prompt, answered in its modal: the bot's own check shows on the field first.
    compose.fill("/nudge now challenge")
    compose.press("Enter")
    prompt = page.locator("#messages .message", has=page.locator("button", has_text="Respond"))
    expect(prompt).to_have_count(1)
    prompt.get_by_role("button", name="Respond").click()
    modal = page.locator("#modal")
    expect(modal).to_be_visible()
    answer = modal.locator("textarea")
    answer.fill("   ")
    modal.locator("button[type=submit]").click()
    expect(modal.locator(".b-error", has_text="Please write an answer.")).to_be_visible()
    answer.fill("Demo the new search to support on Friday")
    page.screenshot(path=shots / "2-modal.png")
    modal.locator("button[type=submit]").click()
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    prompt.locator(".thread-link", has_text="1 reply").click()
    thread = page.locator("#thread")
    expect(thread.locator(".message", has_text="Demo the new search")).to_be_visible()
    page.screenshot(path=shots / "3-thread.png")

    # A thread reply of one's own, thanked by the bot with a reaction.
    page.locator("#thread-input").fill("and a short write-up after")
    page.locator("#thread-input").press("Enter")
    reply = thread.locator(".message", has_text="and a short write-up after")
    expect(reply.locator(".reaction")).to_be_visible()

    # Time: a schedule, then its next occurrence posted now.
    page.locator("#close-thread").click()
    compose.fill("/nudge schedule add heart weekly fri 09:00")
    compose.press("Enter")
    expect(page.locator("#next-due")).to_contain_text("prompt schedule #1")
    page.locator("#run-next").click()
    expect(page.locator("#toast")).to_contain_text("Posted now: Prompt schedule #1")
    expect(prompt).to_have_count(2)
    expect(prompt.last).to_contain_text("Encourage the Heart")
    page.screenshot(path=shots / "4-scheduled.png")

    # App Home, published by the bot when the tab opens.
    page.locator("#apps .nav-item", has_text="nudgebot").click()
    expect(page.locator("#home .blocks > *").first).to_be_visible()
    page.screenshot(path=shots / "5-home.png")

    assert not errors, errors
    assert sorted(p.name for p in shots.iterdir()) == [
        "1-kudos.png",
        "2-modal.png",
        "3-thread.png",
        "4-scheduled.png",
        "5-home.png",
    ]


def _option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value.upper()}, "value": value}


def _input(block_id: str, element: dict[str, Any], **extra: Any) -> dict[str, Any]:
    label = {"type": "plain_text", "text": block_id}
    return {"type": "input", "block_id": block_id, "label": label, **extra, "element": element}


EVERY_INPUT = {
    "type": "modal",
    "callback_id": "every_input",
    "title": {"type": "plain_text", "text": "Every input"},
    "submit": {"type": "plain_text", "text": "Save"},
    "blocks": [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": "*Bold* <@U0BEN> <#C0GENERAL> <https://example.com|a link> :tada:",
            },
        },
        _input("text", {"type": "plain_text_input", "action_id": "a", "initial_value": "hi"}),
        _input(
            "select",
            {"type": "static_select", "action_id": "a", "options": [_option("x"), _option("y")]},
        ),
        _input("user", {"type": "users_select", "action_id": "a", "initial_user": "U0EVA"}),
        _input("users", {"type": "multi_users_select", "action_id": "a"}),
        _input("date", {"type": "datepicker", "action_id": "a", "initial_date": "2026-12-04"}),
        _input("time", {"type": "timepicker", "action_id": "a", "initial_time": "09:30"}),
        _input(
            "checks",
            {"type": "checkboxes", "action_id": "a", "options": [_option("p"), _option("q")]},
            optional=True,
        ),
        _input(
            "radio",
            {"type": "radio_buttons", "action_id": "a", "options": [_option("r"), _option("s")]},
        ),
    ],
}


def test_every_block_kit_input_reads_back_as_slack_sends_it(browser: Any, tmp_path: Path) -> None:
    """The page's modal for inputs the bot doesn't use yet: filled in by a person, its
    state is what Slack would put in view.state.values."""
    from playwright.sync_api import expect

    from app import create_app
    from playground import surfaces
    from playground.run import build

    running = build(create_app, port=0, database=tmp_path / "playground.db")
    running.start()
    try:
        surfaces.push_modal(running.ws, "U0ANA", EVERY_INPUT, clear=True)
        page = browser.new_page()
        page.goto(running.url)
        modal = page.locator("#modal")
        expect(modal.locator(".mention", has_text="@Ben Okafor")).to_be_visible()
        expect(modal.locator("a", has_text="a link")).to_have_attribute(
            "href", "https://example.com"
        )
        modal.locator("button[type=submit]").click()  # nobody chosen, no option picked
        errors = modal.locator(".has-error")
        expect(errors).to_have_count(3)
        modal.locator("[data-block=select]").select_option("y")
        modal.locator(".chip", has_text="Chen Wei").click()
        modal.get_by_label("Q").check()
        modal.get_by_label("R").check()
        state = page.evaluate("() => Blocks.collect(document.querySelector('.modal-body'))")
        page.screenshot(path=tmp_path / "every-input.png")
    finally:
        running.stop()
    picked = {block: values["a"] for block, values in state.items()}
    assert picked == {
        "text": {"type": "plain_text_input", "value": "hi"},
        "select": {"type": "static_select", "selected_option": _option("y")},
        "user": {"type": "users_select", "selected_user": "U0EVA"},
        "users": {"type": "multi_users_select", "selected_users": ["U0CHEN"]},
        "date": {"type": "datepicker", "selected_date": "2026-12-04"},
        "time": {"type": "timepicker", "selected_time": "09:30"},
        "checks": {"type": "checkboxes", "selected_options": [_option("q")]},
        "radio": {"type": "radio_buttons", "selected_option": _option("r")},
    }
