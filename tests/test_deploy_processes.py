"""The roles of deploy/ started as plain processes, with the environment the deployment files
give them: every path a health check, probe or scraper asks for answers 200, the paths a
proxy forwards are served, and SIGTERM ends each process with 0.

- one `python app.py` on SQLite (the image's default role), one bot token;
- the Compose setup: each app service of deploy/docker-compose.yml, as many processes as
  its replicas, on PostgreSQL (TEST_DATABASE_URL), "Add to Slack", all started at once.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from handlers.http import EVENTS_PATH
from handlers.install_pages import INSTALL_PATH
from handlers.oauth import REDIRECT_PATH
from models.db import normalise_url
from tests.conftest import drop_private_schema, with_private_schema
from tests.fake_slack import FakeSlack
from tests.reliability.test_lifecycle import Bot, assert_clean_exit, free_port
from tests.test_deploy import PROBE_PATHS, ROOT, filled
from tests.test_deploy_compose import app_services, compose_env, healthcheck_url, process_env
from tests.test_deploy_kubernetes import container, deployments

APP = ROOT / "app.py"
pytestmark = pytest.mark.slow(seconds=10)


def asked_paths() -> set[str]:
    """Every path the deployment files ask each process for: the image's health check,
    Compose's health checks, Kubernetes' probes and Prometheus' annotation."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    paths = set(re.findall(r"HEALTHCHECK .*?/(healthz|readyz)", dockerfile.replace("\\\n", " ")))
    paths = {"/" + p for p in paths}
    paths |= {healthcheck_url(s)[1] for s in app_services().values()}
    for doc in deployments():
        c = container(doc)
        paths |= {c[kind]["httpGet"]["path"] for kind in c if kind.endswith("Probe")}
        paths.add(doc["spec"]["template"]["metadata"]["annotations"]["prometheus.io/path"])
    assert paths <= PROBE_PATHS and "/healthz" in paths and "/metrics" in paths, paths
    return paths


def ask(bot: Bot, method: str, path: str) -> tuple[int, str]:
    """One request, redirects not followed (the install page sends a browser to Slack)."""
    conn = http.client.HTTPConnection("127.0.0.1", bot.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    server = FakeSlack().start()
    yield server
    server.stop()


@pytest.fixture
def launch(tmp_path: Path) -> Iterator[Callable[..., Bot]]:
    started: list[Bot] = []

    def run(args: list[str], env: dict[str, str]) -> Bot:
        port = free_port()
        env = {
            **env,
            "PATH": os.environ["PATH"],
            "PYTHONUNBUFFERED": "1",
            "HOST": "127.0.0.1",  # 0.0.0.0 in a container's own network; loopback here
            "PORT": str(port),  # each container has its own; processes on one host do not
        }
        log = tmp_path / f"{'-'.join(args) or 'all'}-{len(started)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, str(APP), *args], env=env, cwd=tmp_path, stdout=out, stderr=out
            )
        started.append(Bot(proc, port, log, env))
        return started[-1]

    yield run
    for bot in started:
        if bot.proc.poll() is None:
            bot.proc.kill()
            bot.proc.wait(10)


def stop_all(bots: list[Bot]) -> None:
    for bot in bots:
        bot.proc.send_signal(signal.SIGTERM)
    for bot in bots:
        bot.proc.wait(40)
        assert_clean_exit(bot, bot.output())


def test_one_process_on_sqlite_answers_what_the_deployment_asks(
    launch: Callable[..., Bot], fake: FakeSlack, tmp_path: Path
) -> None:
    env = filled({"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""}, oauth=False)
    env |= {"SLACK_API_URL": fake.api_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    bot = launch([], env)  # the image's default: web and scheduler in one process
    bot.wait_healthy(timeout=60)  # the Dockerfile's HEALTHCHECK command itself
    for path in sorted(asked_paths()):
        assert ask(bot, "GET", path)[0] == 200, path
    assert ask(bot, "POST", EVENTS_PATH)[0] == 401  # served: Slack's signature is checked
    stop_all([bot])


@pytest.mark.slow(seconds=25)
def test_the_compose_roles_run_as_plain_processes_on_postgresql(
    launch: Callable[..., Bot], fake: FakeSlack
) -> None:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip("TEST_DATABASE_URL is not set: the Compose roles need PostgreSQL")
    url = with_private_schema(normalise_url(url))
    try:
        bots: dict[str, list[Bot]] = {}
        for service in app_services().values():
            env = filled(process_env(service, compose_env()), oauth=True)
            env |= {"SLACK_API_URL": fake.api_url, "DATABASE_URL": url}
            for _ in range(service.get("deploy", {}).get("replicas", 1)):
                bot = launch(service["command"], env)
                bots.setdefault(service["command"][0], []).append(bot)
        assert sorted((role, len(b)) for role, b in bots.items()) == [("scheduler", 2), ("web", 2)]
        everyone = [bot for group in bots.values() for bot in group]
        for bot in everyone:
            bot.wait_healthy(timeout=60)
        for bot in everyone:
            for path in ("/healthz", "/readyz", "/metrics"):
                status, body = ask(bot, "GET", path)
                assert status == 200, (path, status, body)
            assert '"level"' in bot.output()  # LOG_FORMAT=json from the compose file
        for bot in bots["web"]:
            assert ask(bot, "GET", INSTALL_PATH)[0] in (200, 302)
            assert ask(bot, "GET", REDIRECT_PATH)[0] != 404
            assert ask(bot, "POST", EVENTS_PATH)[0] == 401
        for bot in bots["scheduler"]:
            assert ask(bot, "GET", INSTALL_PATH)[0] == 404  # Slack is the web role's
        stop_all(everyone)
    finally:
        drop_private_schema(url)


def test_the_proxy_config_forwards_slacks_paths_through_nginx(
    launch: Callable[..., Bot], fake: FakeSlack, tmp_path: Path
) -> None:
    """deploy/nginx.conf run by nginx itself in front of a web process, its upstream
    pointed at that process instead of Compose's `web` (needs an nginx binary)."""
    binary = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if binary is None:
        pytest.skip("no nginx here (apt-get install nginx-light): the proxy config is only read")
    env = filled({"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": ""}, oauth=False)
    env |= {"SLACK_API_URL": fake.api_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}"}
    web = launch(["web"], env)
    listen = free_port()
    site = (ROOT / "deploy" / "nginx.conf").read_text()
    site = site.replace("http://web:3000", f"http://127.0.0.1:{web.port}")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{listen};")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n"
        + "".join(
            f"  {kind}_temp_path {tmp_path}/{kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"  include {tmp_path}/site.conf;\n}}\n"
    )
    prefix = ["-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")]
    checked = subprocess.run([binary, "-t", *prefix], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    web.wait_healthy(timeout=60)
    subprocess.run([binary, *prefix], check=True)
    try:
        proxy = Bot(web.proc, listen, web.log, web.env)  # requests to nginx's port
        deadline = time.monotonic() + 10
        while ask_or_none(proxy, "/proxy-health") != 200:
            assert time.monotonic() < deadline, (tmp_path / "error.log").read_text()
            time.sleep(0.1)
        status, body = ask(proxy, "POST", EVENTS_PATH)
        assert (status, body) == (401, "invalid request\n")  # the app's answer, not nginx's
        assert ask(proxy, "GET", INSTALL_PATH) == (404, "not found\n")  # one token: the app's 404
        for path in sorted(PROBE_PATHS):
            status, body = ask(proxy, "GET", path)
            assert status == 404 and "nginx" in body, f"{path} must stay inside"
    finally:
        subprocess.run([binary, *prefix, "-s", "stop"], check=False)
    stop_all([web])


def ask_or_none(bot: Bot, path: str) -> int | None:
    try:
        return ask(bot, "GET", path)[0]
    except OSError:
        return None
