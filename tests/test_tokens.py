"""Tokens at rest: sealed with Fernet (a marker tells sealed from plain text), opened with
any listed key, sealed again with the newest by `python app.py rotate-keys`; a dump of the
database after real installs shows no token; OAuth mode refuses to start without a key."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from slack_sdk.oauth.installation_store import Installation
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

import app
from bot.slack.stores import SealedInstallationStore
from bot.slack.tokens import PLAIN, SEALED, Sealer, TokenError
from models.db import make_engine
from models.installs import SlackBot, SlackInstallation
from models.migrate import upgrade
from tests.driver import slack_id
from tests.fake_slack import FakeSlack
from tests.oauth_support import OAuthApp, get, grant, start_oauth_app, text_values
from tests.reliability.test_main import env, stop_main  # noqa: F401  (env: a fixture)

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()
TOKEN = "xoxb-1234-5678-abcdefghijklmnop"
OAUTH = {  # "Add to Slack" mode, as an operator sets it
    "SLACK_CLIENT_ID": "123.456",
    "SLACK_CLIENT_SECRET": "client-secret",
    "SLACK_STATE_SECRET": "state-secret",
    "SLACK_SIGNING_SECRET": "signing",
}


def test_a_sealed_token_opens_and_shows_nothing_of_itself() -> None:
    sealer = Sealer((NEW,))
    stored = sealer.seal(TOKEN)
    assert stored is not None and stored.startswith(SEALED) and TOKEN not in stored
    assert sealer.open(stored) == TOKEN
    assert sealer.seal(stored) == stored  # never sealed twice
    assert sealer.seal(None) is None and sealer.open(None) is None
    assert sealer.seal(TOKEN) != stored  # a fresh nonce each time
    assert sealer.is_current(stored)


def test_plain_text_is_marked_and_only_kept_when_allowed() -> None:
    with pytest.raises(TokenError, match="NUDGEBOT_ENCRYPTION_KEY"):
        Sealer(())
    plain = Sealer((), allow_plaintext=True)
    assert plain.seal(TOKEN) == PLAIN + TOKEN
    assert plain.open(PLAIN + TOKEN) == TOKEN
    with pytest.raises(TokenError, match="not set"):
        plain.open(Sealer((NEW,)).seal(TOKEN))


def test_an_old_key_still_opens_and_resealing_moves_to_the_newest() -> None:
    old = Sealer((OLD,)).seal(TOKEN)
    both = Sealer((NEW, OLD))
    assert both.open(old) == TOKEN
    assert not both.is_current(old)
    moved = both.reseal(old)
    assert moved != old and both.is_current(moved)
    assert Sealer((NEW,)).open(moved) == TOKEN  # the old key can go now
    with pytest.raises(TokenError, match="no longer lists"):
        Sealer((NEW,)).open(old)
    assert both.reseal(PLAIN + TOKEN) != PLAIN + TOKEN  # plain text gets sealed too


def test_rotate_keys_seals_every_stored_token_with_the_newest_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    engine = make_engine(url)
    upgrade(engine)
    plain = SealedInstallationStore("client", engine, Sealer((), allow_plaintext=True))
    plain.save(_installation("T1", "xoxb-plain-1"))
    SealedInstallationStore("client", engine, Sealer((OLD,))).save(
        _installation("T2", "xoxb-old-2")
    )
    for name in list(os.environ):
        if name.startswith(("SLACK_", "NUDGEBOT_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("NUDGEBOT_ENCRYPTION_KEY", f"{NEW},{OLD}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-unused")
    assert app.main(["rotate-keys"]) == 0
    assert "sealed again with the newest key" in capsys.readouterr().out
    newest = SealedInstallationStore("client", engine, Sealer((NEW,)))
    for team, token in (("T1", "xoxb-plain-1"), ("T2", "xoxb-old-2")):
        found = newest.find_installation(enterprise_id=None, team_id=team)
        assert found is not None and found.bot_token == token
    stored = text_values(engine)
    assert not any("xoxb-plain-1" in v or "xoxb-old-2" in v for v in stored)
    assert app.main(["rotate-keys"]) == 0  # nothing left to do
    assert "0 stored token" in capsys.readouterr().out
    monkeypatch.delenv("NUDGEBOT_ENCRYPTION_KEY")
    assert app.main(["rotate-keys"]) == 2
    assert "NUDGEBOT_ENCRYPTION_KEY is not set" in capsys.readouterr().err
    engine.dispose()


def _installation(team: str, token: str) -> Installation:
    return Installation(
        app_id="A1", team_id=team, user_id="U1", bot_token=token, bot_id="B1", bot_user_id="UB"
    )


@pytest.fixture(scope="module")
def oauth(sessions: sessionmaker[Session]) -> Iterator[OAuthApp]:
    running = start_oauth_app(sessions)
    yield running
    running.stop()


def test_a_dump_of_the_database_shows_no_token(oauth: OAuthApp) -> None:
    teams = [
        grant(),
        grant(rotation=True),
        grant(team_id=None, enterprise_id=slack_id("E"), org_wide=True),
    ]
    for each in teams:
        assert oauth.install(each).status == 200
    rotating = str(teams[1].team_id)
    soon = datetime.now(UTC).replace(tzinfo=None) + timedelta(minutes=1)
    with oauth.sessions.begin() as s:
        for model in (SlackBot, SlackInstallation):
            s.execute(
                update(model).where(model.team_id == rotating).values(bot_token_expires_at=soon)
            )
    oauth.installs.forget(rotating)
    first = oauth.installs.for_team(rotating).token  # refreshed, and saved
    assert first is not None and first in oauth.fake.oauth.live_tokens()
    issued = [*oauth.fake.oauth.live_tokens(), *oauth.fake.oauth.refresh_tokens()]
    assert len(issued) >= 5
    engine = oauth.sessions.kw["bind"]
    dump = "\n".join(text_values(engine))
    for token in issued:
        assert token not in dump
    with oauth.sessions() as s:
        for model in (SlackBot, SlackInstallation):
            for row in s.scalars(select(model).where(model.client_id == oauth.settings.client_id)):
                for value in (row.bot_token, row.bot_refresh_token):
                    assert value is None or value.startswith(SEALED)
    # ...and every one of them opens to the token Slack issued.
    assert oauth.installs.for_team(str(teams[0].team_id)).token in issued


def test_oauth_mode_refuses_to_start_without_a_key(
    env: Callable[..., int],  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    env(**OAUTH)
    assert app.main(["web"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "NUDGEBOT_ENCRYPTION_KEY is missing" in err
    assert "NUDGEBOT_ALLOW_PLAINTEXT_TOKENS=1" in err


def test_oauth_mode_serves_the_install_page_and_checks_no_token_at_start(
    env: Callable[..., int],  # noqa: F811
) -> None:
    fake = FakeSlack().start()
    port = env(
        **OAUTH,
        SLACK_API_URL=fake.api_url,
        NUDGEBOT_ENCRYPTION_KEY=NEW,
    )
    seen: list[tuple[int, str]] = []
    done = threading.Event()

    def probe() -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done.is_set():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.05)
        page = get(f"http://127.0.0.1:{port}/slack/install")
        seen.append((page.status, page.body))
        stop_main(done)

    prober = threading.Thread(target=probe)
    prober.start()
    try:
        code = app.main([])  # web and scheduler in one process
    finally:
        done.set()
        prober.join()
        fake.stop()
    assert code == 0
    assert seen and seen[0][0] == 200 and "Add to Slack" in seen[0][1], seen
    assert fake.calls_to("auth.test") == []  # no workspace's token to check at start


def test_oauth_mode_refuses_to_start_when_its_key_no_longer_opens_the_tokens(
    env: Callable[..., int],  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    env(
        **OAUTH,
        NUDGEBOT_ENCRYPTION_KEY=NEW,  # replaced OLD instead of going in front of it
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'main.db'}")
    upgrade(engine)
    SealedInstallationStore("123.456", engine, Sealer((OLD,))).save(_installation("T1", TOKEN))
    engine.dispose()

    assert app.main(["web"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no longer lists" in err and TOKEN not in err
    assert "put the old key back" in err
