"""deploy/docker-compose.yml, its env files and its proxy, checked against what the app
really runs, reads and serves (no container engine needed)."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

import app
from tests.test_deploy import (
    DEPLOY,
    PROBE_PATHS,
    SECRET_NAMES,
    SLACK_PATHS,
    app_settings,
    env_file,
    filled,
    is_role,
    seconds,
    settings_for,
    yaml_documents,
)

COMPOSE = DEPLOY / "docker-compose.yml"
# ${NAME}, ${NAME:-default}, ${NAME:?error}: Compose's interpolation.
_VARIABLE = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@cache
def compose() -> dict[str, Any]:
    (doc,) = yaml_documents(COMPOSE)
    return doc


def services() -> dict[str, dict[str, Any]]:
    return compose()["services"]


def app_services() -> dict[str, dict[str, Any]]:
    """The services that run the nudgebot image."""
    return {name: s for name, s in services().items() if "nudgebot" in str(s.get("image", ""))}


def interpolate(text: str, values: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        name, how, default = match.groups()
        if values.get(name):
            return values[name]
        assert how != ":?", f"{name} is required by docker-compose.yml"
        return default or ""

    return _VARIABLE.sub(one, text)


def process_env(service: dict[str, Any], compose_env: dict[str, str]) -> dict[str, str]:
    """What a container of `service` gets: its env files (the examples, as copied), then
    `environment`, interpolated with deploy/.env."""
    env: dict[str, str] = {}
    for name in service.get("env_file", []):
        env.update(env_file(DEPLOY / f"{name}.example"))
    for name, value in (service.get("environment") or {}).items():
        env[name] = interpolate(str(value), compose_env)
    return env


def compose_env() -> dict[str, str]:
    return {**env_file(DEPLOY / ".env.example"), "POSTGRES_PASSWORD": "deploytest0123"}


def healthcheck_url(service: dict[str, Any]) -> tuple[int, str]:
    test = service["healthcheck"]["test"]
    assert test[0] in ("CMD", "CMD-SHELL"), test
    found = re.search(r"http://(?:127\.0\.0\.1|localhost):(\d+)(/[^'\"\s]*)", " ".join(test))
    assert found, test
    return int(found.group(1)), found.group(2)


def nginx() -> str:
    """The proxy's configuration without its comments."""
    text = (DEPLOY / "nginx.conf").read_text()
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


# -- roles and replicas --------------------------------------------------------------------


def test_two_web_and_two_scheduler_replicas_run_real_roles() -> None:
    roles: dict[str, int] = {}
    for name, service in app_services().items():
        args = service["command"]
        assert is_role(args), f"{name}: `python app.py {' '.join(args)}` is not a role"
        role = args[0] if args else "all"
        roles[role] = roles.get(role, 0) + service.get("deploy", {}).get("replicas", 1)
    assert roles == {"web": 2, "scheduler": 2}


def test_every_container_stops_after_acked_work_finished() -> None:
    for name, service in services().items():
        grace = seconds(service.get("stop_grace_period", "10s"))
        assert grace >= 30, name
        if name in app_services():
            assert grace > app.SHUTDOWN_SECONDS + 10, name


# -- settings --------------------------------------------------------------------------------


def test_every_setting_named_is_one_the_app_reads() -> None:
    known = app_settings()
    for name, service in app_services().items():
        for file in service.get("env_file", []):
            unknown = set(env_file(DEPLOY / f"{file}.example")) - known
            assert not unknown, f"{file}.example names {unknown}, which the app never reads"
        unknown = set(service.get("environment") or {}) - known
        assert not unknown, f"{name}: {unknown} are never read by the app"


def test_every_variable_compose_needs_is_in_its_example() -> None:
    used = {m.group(1) for m in _VARIABLE.finditer(COMPOSE.read_text())}
    assert used == set(env_file(DEPLOY / ".env.example"))


def test_the_env_files_are_documented_and_kept_out_of_git() -> None:
    ignored = (DEPLOY / ".gitignore").read_text().split()
    for service in app_services().values():
        for file in service["env_file"]:
            assert (DEPLOY / f"{file}.example").exists()
            assert file in ignored
    assert ".env" in ignored


@pytest.mark.parametrize("oauth", [False, True], ids=["one-token", "add-to-slack"])
def test_each_role_starts_with_the_compose_environment(oauth: bool) -> None:
    for service in app_services().values():
        role = (service["command"] or ["all"])[0]
        env = filled(process_env(service, compose_env()), oauth=oauth)
        settings = settings_for(env, role)
        assert settings.log_format == "json"
        assert settings.host == "0.0.0.0"
        assert settings.database_url.startswith(
            "postgresql+psycopg://nudgebot:deploytest0123@postgres:"
        )
        assert settings.oauth is oauth


def test_examples_hold_no_secret() -> None:
    for file in (DEPLOY / ".env.example", DEPLOY / "nudgebot.env.example"):
        for name, value in env_file(file).items():
            if name in SECRET_NAMES:
                assert value == "", f"{file.name}: {name} must be left empty"
    text = COMPOSE.read_text()
    assert not re.search(r"xox[abpr]-|xapp-", text)
    for service in services().values():
        for name, value in (service.get("environment") or {}).items():
            if name in SECRET_NAMES:
                assert "${POSTGRES_PASSWORD" in str(value), name


# -- health, ports, order of start ---------------------------------------------------------


def test_health_checks_ask_the_app_on_its_port() -> None:
    for name, service in app_services().items():
        port, path = healthcheck_url(service)
        assert path in PROBE_PATHS, f"{name}: the app does not serve {path}"
        assert str(port) == str(service["environment"]["PORT"]), name
        assert seconds(service["healthcheck"]["start_period"]) >= 30  # a first migration


def test_every_service_is_health_checked_and_started_in_order() -> None:
    for name, service in services().items():
        assert "healthcheck" in service, name
        for needed, how in (service.get("depends_on") or {}).items():
            assert needed in services(), f"{name} depends on {needed}, which is not a service"
            assert how == {"condition": "service_healthy"}, name
    for name in app_services():
        assert "postgres" in services()[name]["depends_on"], name
    assert "web" in services()["proxy"]["depends_on"]


def test_the_database_is_the_postgres_service() -> None:
    postgres = services()["postgres"]["environment"]
    for service in app_services().values():
        url = interpolate(service["environment"]["DATABASE_URL"], compose_env())
        user, database = re.fullmatch(
            r"postgresql\+psycopg://(\w+):[^@]+@postgres:5432/(\w+)", url
        ).groups()  # type: ignore[union-attr]
        assert (user, database) == (postgres["POSTGRES_USER"], postgres["POSTGRES_DB"])
    assert "pg_isready" in " ".join(services()["postgres"]["healthcheck"]["test"])


# -- the proxy ---------------------------------------------------------------------------------


def test_the_proxy_forwards_slacks_paths_to_the_web_port_and_nothing_else() -> None:
    proxy = services()["proxy"]
    assert any(v.startswith("./nginx.conf:") for v in proxy["volumes"])
    config = nginx()
    upstream = re.search(r"set \$web http://(\w+):(\d+);", config)
    assert upstream, "the proxy's upstream"
    host, port = upstream.groups()
    web = services()[host]
    assert web["command"] == ["web"]
    assert port == str(web["environment"]["PORT"])
    forwarded = set(re.findall(r"location = (\S+) \{\s*proxy_pass \$web;\s*\}", config))
    assert forwarded == SLACK_PATHS
    assert config.count("proxy_pass") == len(SLACK_PATHS)
    assert re.search(r"location / \{\s*return 404;", config)
    # The proxy's own health check is a path it answers itself.
    own = re.search(r"http://127\.0\.0\.1(/\S+)", " ".join(proxy["healthcheck"]["test"]))
    assert own and re.search(rf"location = {own.group(1)} \{{[^}}]*return 200", config)


def test_the_proxy_takes_no_more_than_the_app_accepts() -> None:
    from handlers.http import MAX_BODY

    size = re.search(r"client_max_body_size (\d+)m;", nginx())
    assert size and int(size.group(1)) * 1024 * 1024 == MAX_BODY
    assert services()["proxy"]["ports"], "the proxy is published"
    for name in app_services():
        assert "ports" not in services()[name], f"{name} is reached through the proxy only"
