"""What the deployment files may name, taken from the app itself: its roles, the settings it
reads, the paths it serves. test_deploy_compose.py, test_deploy_kubernetes.py and
test_deploy_processes.py check deploy/ against these."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

import app
from bot import metrics
from bot.settings import Settings, SettingsError, load_settings
from handlers.http import EVENTS_PATH, HEALTH_PATH, READY_PATH
from handlers.install_pages import INSTALL_PATH
from handlers.oauth import REDIRECT_PATH
from schedules.limits import Limits

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
KUBERNETES = DEPLOY / "kubernetes"

# Answered 200 by every role on GET (test_deploy_processes.py starts each role to prove it).
PROBE_PATHS = frozenset({HEALTH_PATH, READY_PATH, metrics.METRICS_PATH})
# What Slack calls, and only that: what a proxy or an Ingress forwards to the web role.
SLACK_PATHS = frozenset({EVENTS_PATH, INSTALL_PATH, REDIRECT_PATH})
# Settings whose value is a secret: never a real value in a file of the repository.
SECRET_NAMES = frozenset(
    {
        "SLACK_BOT_TOKEN",
        "SLACK_APP_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_SECRET",
        "SLACK_STATE_SECRET",
        "NUDGEBOT_ENCRYPTION_KEY",
        "NUDGEBOT_PULSE_KEY",
        "DATABASE_URL",
        "POSTGRES_PASSWORD",
    }
)
# Made up, well formed: what a test puts where an example leaves a secret out.
FILLED = {
    "SLACK_BOT_TOKEN": "xoxb-deploy-test",
    "SLACK_SIGNING_SECRET": "deploy-test-signing-secret",
    "SLACK_CLIENT_ID": "1111.2222",
    "SLACK_CLIENT_SECRET": "deploy-test-client-secret",
    "SLACK_STATE_SECRET": "deploy-test-state-secret",
    "NUDGEBOT_ENCRYPTION_KEY": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=",
    "NUDGEBOT_PULSE_KEY": "deploy-test-pulse-key",
}
OAUTH_NAMES = ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_STATE_SECRET")


class _Recording(dict[str, str]):
    """An environment that notes every name read from it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        self.read.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.read.add(key)
        return super().__contains__(key)


@cache
def app_settings() -> frozenset[str]:
    """Every environment variable the app reads, as load_settings really reads them (every
    name is read on each call; a valid minimal environment lets the call run to its end),
    and the posting knobs the scheduler reads (schedules/limits.py)."""
    env = _Recording({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    load_settings(env)
    Limits.from_env(env)  # the schedulers' posting knobs, NUDGEBOT_POST_*
    return frozenset(env.read)


def is_role(args: list[str]) -> bool:
    """Whether `python app.py ARGS` runs a long-lived role, as app.main reads its arguments."""
    return len(args) <= 1 and (args[0] if args else "all") in app.ROLES


def settings_for(env: Mapping[str, str], role: str) -> Settings:
    """The settings a process of `role` would start with: a refusal fails the test."""
    try:
        return load_settings(env, role=role)
    except SettingsError as err:  # pragma: no cover - shown when it fails
        pytest.fail(f"a {role} process would refuse to start: {err}")


def filled(env: Mapping[str, str], *, oauth: bool) -> dict[str, str]:
    """`env` with every secret it leaves empty filled with a made-up value, in one mode:
    "Add to Slack" (`oauth`: the client's names and a key, no bot token) or one bot token."""
    drop = ("SLACK_BOT_TOKEN",) if oauth else (*OAUTH_NAMES, "NUDGEBOT_ENCRYPTION_KEY")
    out = {name: value for name, value in env.items() if value and name not in drop}
    for name, value in FILLED.items():
        if name in env and not env[name] and name not in drop:
            out[name] = value
    return out


def env_file(path: Path) -> dict[str, str]:
    """NAME=value lines of an env file (comments and blank lines skipped)."""
    found: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, sep, value = line.partition("=")
            assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"{path.name}: {line!r}"
            found[name] = value
    return found


def yaml_documents(path: Path) -> list[dict[str, Any]]:
    with path.open() as f:
        return [doc for doc in yaml.safe_load_all(f) if doc]


def manifests() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(KUBERNETES.glob("*.yaml")):
        for doc in yaml_documents(path):
            yield path, doc


def seconds(value: str | int) -> float:
    """A Compose duration ("40s", "1m30s") or a number of seconds."""
    if isinstance(value, int):
        return float(value)
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", value)
    assert parts and "".join(n + u for n, u in parts) == value, value
    scale = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return sum(float(n) * scale[u] for n, u in parts)


# -- the facts themselves ----------------------------------------------------------------------


def test_the_settings_the_app_reads_are_found_where_they_are_read() -> None:
    names = app_settings()
    for name in ("SLACK_BOT_TOKEN", "DATABASE_URL", "PORT", "HOST", "LOG_FORMAT"):
        assert name in names
    for name in (*OAUTH_NAMES, "NUDGEBOT_ENCRYPTION_KEY", "NUDGEBOT_RETENTION_DAYS"):
        assert name in names
    for name in ("NUDGEBOT_POST_THREADS", "NUDGEBOT_POST_PER_WORKSPACE"):
        assert name in names
    assert "NUDGEBOT_NO_SUCH_SETTING" not in names


def test_roles_are_what_the_app_accepts() -> None:
    assert is_role([]) and is_role(["web"]) and is_role(["scheduler"])
    assert not is_role(["webb"]) and not is_role(["web", "scheduler"])
    assert not is_role(["playground"])  # a try-out on 127.0.0.1, never deployed


def test_filling_the_secrets_keeps_one_mode() -> None:
    example = dict.fromkeys(("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", *OAUTH_NAMES), "")
    example["NUDGEBOT_ENCRYPTION_KEY"] = ""
    assert settings_for(filled(example, oauth=True), "web").oauth
    assert not settings_for(filled(example, oauth=False), "web").oauth
    assert filled({"PORT": "3000", "SLACK_BOT_TOKEN": "xoxb-mine"}, oauth=False) == {
        "PORT": "3000",
        "SLACK_BOT_TOKEN": "xoxb-mine",
    }


def test_durations_are_read_as_compose_reads_them() -> None:
    assert seconds("40s") == 40 and seconds("1m30s") == 90 and seconds(45) == 45
    with pytest.raises(AssertionError):
        seconds("forty")
