"""What an operator deploys: the settings each role needs, the bind address, the container's
build context, its example environment, its default database, and the image's two stages
(deploy/ and tests/test_deploy*.py check the Compose and Kubernetes files)."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parents[2]
BASE = {"SLACK_BOT_TOKEN": "xoxb-1"}


def test_the_scheduler_needs_no_signing_secret() -> None:
    settings = load_settings(BASE, role="scheduler")
    assert settings.signing_secret is None


@pytest.mark.parametrize("role", ["web", "all"])
def test_serving_slack_over_http_still_needs_it(role: str) -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings(BASE, role=role)
    load_settings({**BASE, "SLACK_APP_TOKEN": "xapp-1"}, role=role)  # Socket Mode: not needed


def test_host_is_loopback_unless_set() -> None:
    assert load_settings({**BASE, "SLACK_SIGNING_SECRET": "s"}).host == "127.0.0.1"
    for host in ("0.0.0.0", "::", "10.1.2.3", "bot.internal"):
        assert load_settings({**BASE, "SLACK_SIGNING_SECRET": "s", "HOST": host}).host == host


@pytest.mark.parametrize("host", ["http://x", "a b", "0.0.0.0:3000", "é"])
def test_a_malformed_host_stops_start_up(host: str) -> None:
    with pytest.raises(SettingsError, match="HOST"):
        load_settings({**BASE, "SLACK_SIGNING_SECRET": "s", "HOST": host})


def dockerignore() -> list[str]:
    path = ROOT / ".dockerignore"
    assert path.exists(), "no .dockerignore: .venv and .env would go into the build context"
    return [
        line.strip() for line in path.read_text().splitlines() if line.strip()[:1] not in ("", "#")
    ]


def docker_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore line as Docker reads it: `*` and `?` stay within one directory,
    `**` spans any number of them."""
    out = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        else:
            out += {"*": "[^/]*", "?": "[^/]"}.get(pattern[i], re.escape(pattern[i]))
            i += 1
    return re.compile(out)


def ignored(path: str) -> bool:
    """Whether Docker leaves `path` out of the build context (a directory left out takes
    everything in it along)."""
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for line in dockerignore():
        negate = line.startswith("!")
        pattern = docker_pattern(line.lstrip("!").strip("/"))
        if any(pattern.fullmatch(prefix) for prefix in prefixes):
            verdict = not negate
    return verdict


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".env",
        ".env.local",
        "nudgebot.db",
        "data/x.db",
        "x.db-wal",
        ".git/HEAD",
        "deploy/.env",
        "deploy/nudgebot.env",
    ],
)
def test_secrets_and_local_state_stay_out_of_the_build_context(path: str) -> None:
    assert ignored(path), path


@pytest.mark.parametrize(
    "path", ["app.py", "pyproject.toml", "README.md", "bot/settings.py", "models/migrations/env.py"]
)
def test_what_the_image_needs_stays_in(path: str) -> None:
    assert not ignored(path), path


def test_the_example_environment_works_in_the_container() -> None:
    """`docker run --env-file .env` with the example copied: any database it sets must be one
    the container can write (not a file in the code directory)."""
    example = (ROOT / ".env.example").read_text()
    for line in example.splitlines():
        if line.startswith("DATABASE_URL="):
            url = line.split("=", 1)[1].strip()
            assert not url or not url.startswith("sqlite:///") or url.startswith("sqlite:////"), (
                "a relative SQLite path lands in the image's code directory, which the app's "
                "user may not write"
            )


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def test_the_image_listens_on_all_interfaces_and_keeps_its_data_where_it_may_write() -> None:
    text = dockerfile()
    assert re.search(r"^ENV .*\bHOST=0\.0\.0\.0\b", text, re.M), "HOST=0.0.0.0 in the image"
    url = re.search(r"DATABASE_URL=sqlite:///(/\S+)", text)
    assert url, "an absolute default SQLite path"
    directory = str(Path(url.group(1)).parent)
    user = re.search(r"^USER (\S+)", text, re.M)
    assert user
    owned = re.search(rf"chown[^\n]*{user.group(1)}[^\n]*{re.escape(directory)}", text) or (
        directory == f"/home/{user.group(1)}"
    )
    assert owned, f"{directory} must belong to {user.group(1)}"


def test_the_health_check_follows_host_and_port() -> None:
    check = next(line for line in dockerfile().splitlines() if line.startswith("HEALTHCHECK"))
    assert "PORT" in check and "/healthz" in check


def stages() -> dict[str, list[str]]:
    """The Dockerfile's instructions (continuations joined, comments dropped) by stage name,
    in order."""
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in dockerfile().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("FROM "):
            name = re.fullmatch(r"FROM \S+ AS (\w+)", line)
            assert name, f"every stage is named: {line}"
            current = found.setdefault(name.group(1), [])
        current.append(line)
    return found


def test_the_image_is_built_in_one_stage_and_runs_from_another() -> None:
    built = stages()
    assert list(built) == ["build", "runtime"]
    build = " ".join(built["build"])
    assert "pip wheel" in build and "/venv" in build
    assert "-m app --help" in build, "the build imports the installed app once"
    runtime = built["runtime"]
    copies = [line for line in runtime if line.startswith("COPY ")]
    assert copies == ["COPY --from=build /venv /venv"], "the runtime gets the venv, no source"
    assert not any("pip install" in line for line in runtime)
    assert any(re.match(r"ENV .*PATH=/venv/bin:", line) for line in runtime)
    user = next(line for line in runtime if line.startswith("USER "))
    assert user.split()[1] not in ("root", "0")
    for instruction in ("HEALTHCHECK", "ENTRYPOINT", "STOPSIGNAL SIGTERM"):
        assert any(line.startswith(instruction) for line in runtime), instruction


def test_the_build_copies_every_package_the_app_imports() -> None:
    tree = ast.parse((ROOT / "app.py").read_text())
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    ours = {name for name in imported if (ROOT / name / "__init__.py").exists()}
    ours.discard("playground")  # a try-out on 127.0.0.1 only: not in the image
    copied = set()
    for line in stages()["build"]:
        if line.startswith("COPY "):
            copied |= {part.rstrip("/") for part in line.split()[1:-1]}
    assert ours <= copied, ours - copied
    assert {"pyproject.toml", "README.md", "app.py"} <= copied
    for path in copied:
        assert not ignored(path), f"{path} is copied but left out of the build context"


def test_the_entrypoint_runs_the_installed_app_and_never_a_file_in_its_working_directory(
    tmp_path: Path,
) -> None:
    entry = next(line for line in stages()["runtime"] if line.startswith("ENTRYPOINT"))
    command = json.loads(entry.split(" ", 1)[1])
    assert command == ["python", "-P", "-m", "app"]
    (tmp_path / "app.py").write_text("raise SystemExit('a file in /data ran')\n")
    done = subprocess.run(
        [sys.executable, *command[1:], "--help"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python app.py")
