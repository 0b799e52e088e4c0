"""deploy/kubernetes/, checked against what the app really runs, reads and serves: roles,
replicas, settings, probes and ports, secrets left as placeholders, resources, the time to
stop, Prometheus' annotations, and the migration Job (run for real on SQLite)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect

import app
from bot import metrics
from handlers.http import HEALTH_PATH, READY_PATH
from tests.test_deploy import (
    FILLED,
    KUBERNETES,
    OAUTH_NAMES,
    PROBE_PATHS,
    ROOT,
    SECRET_NAMES,
    SLACK_PATHS,
    app_settings,
    filled,
    is_role,
    manifests,
    settings_for,
    yaml_documents,
)


@cache
def by_kind() -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (doc["kind"], doc["metadata"]["name"]): doc
        for path, doc in manifests()
        if path.name != "kustomization.yaml"
    }


def one(kind: str, name: str | None = None) -> dict[str, Any]:
    found = [doc for (k, n), doc in by_kind().items() if k == kind and name in (None, n)]
    assert len(found) == 1, (kind, name, found)
    return found[0]


def deployments() -> list[dict[str, Any]]:
    return [doc for (kind, _), doc in by_kind().items() if kind == "Deployment"]


def container(doc: dict[str, Any]) -> dict[str, Any]:
    (only,) = doc["spec"]["template"]["spec"]["containers"]
    return only


def config() -> dict[str, str]:
    return one("ConfigMap")["data"]


def secret() -> dict[str, str]:
    return one("Secret")["stringData"]


def pod_env(doc: dict[str, Any]) -> dict[str, str]:
    """What the pod's container gets from the ConfigMap and the Secret (example)."""
    env: dict[str, str] = {}
    for source in container(doc)["envFrom"]:
        if "configMapRef" in source:
            assert source["configMapRef"]["name"] == one("ConfigMap")["metadata"]["name"]
            env.update(config())
        else:
            assert source["secretRef"]["name"] == one("Secret")["metadata"]["name"]
            env.update(secret())
    return env


def role_of(doc: dict[str, Any]) -> str:
    args = container(doc)["args"]
    assert "command" not in container(doc), "the image's entrypoint runs the app"
    assert is_role(args), f"`python app.py {' '.join(args)}` is not a role"
    return args[0] if args else "all"


# -- the files -------------------------------------------------------------------------------


def test_the_kustomization_applies_every_manifest_but_the_examples_and_the_job() -> None:
    (kustomization,) = yaml_documents(KUBERNETES / "kustomization.yaml")
    listed = set(kustomization["resources"])
    for path in KUBERNETES.glob("*.yaml"):
        if path.name == "kustomization.yaml":
            continue
        by_hand = path.name.endswith(".example.yaml") or path.name == "migrate-job.yaml"
        assert (path.name in listed) is not by_hand, path.name
    assert all((KUBERNETES / name).exists() for name in listed)
    (image,) = kustomization["images"]
    assert all(container(d)["image"] == image["name"] for d in deployments())
    job = one("Job")["spec"]["template"]["spec"]["containers"][0]
    assert job["image"] == f"{image['newName']}:{image['newTag']}", "the Job runs the same release"


def test_two_web_and_two_scheduler_replicas_run_real_roles() -> None:
    replicas = {role_of(d): d["spec"]["replicas"] for d in deployments()}
    assert replicas == {"web": 2, "scheduler": 2}


# -- settings and secrets --------------------------------------------------------------------


def test_every_setting_named_is_one_the_app_reads() -> None:
    known = app_settings()
    assert not set(config()) - known
    assert not set(secret()) - known
    job = one("Job")["spec"]["template"]["spec"]["containers"][0]
    assert {e["name"] for e in job["env"]} == {"DATABASE_URL"}


def test_the_secret_example_holds_placeholders_only() -> None:
    for name, value in secret().items():
        assert "REPLACE_WITH_" in value, f"{name} must be a placeholder"
        assert not re.search(r"xox[abpr]-|xapp-|[A-Za-z0-9_-]{43}=", value), name
    assert set(secret()) - {"SLACK_CLIENT_ID"} <= SECRET_NAMES
    assert not set(config()) & SECRET_NAMES, "secrets belong in the Secret"


@pytest.mark.parametrize("oauth", [True, False], ids=["add-to-slack", "one-token"])
def test_each_role_starts_with_the_pods_environment(oauth: bool) -> None:
    for doc in deployments():
        env = {
            name: "" if "REPLACE_WITH_" in value else value for name, value in pod_env(doc).items()
        }
        env["DATABASE_URL"] = "postgresql+psycopg://nudgebot:pw@db.internal:5432/nudgebot"
        if not oauth:  # the Secret's comment: SLACK_BOT_TOKEN instead of the client's names
            env = {
                n: v for n, v in env.items() if n not in (*OAUTH_NAMES, "NUDGEBOT_ENCRYPTION_KEY")
            }
            env["SLACK_BOT_TOKEN"] = ""
        settings = settings_for(filled(env, oauth=oauth), role_of(doc))
        assert settings.oauth is oauth
        assert settings.log_format == "json" and settings.host == "0.0.0.0"
        assert settings.pulse_key == FILLED["NUDGEBOT_PULSE_KEY"]  # the same on every pod


# -- probes, ports, Prometheus -----------------------------------------------------------------


def test_probes_ask_the_app_on_its_port() -> None:
    port = int(config()["PORT"])
    for doc in deployments():
        c = container(doc)
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        assert ports == {"http": port}
        probes = {
            kind: c[kind]["httpGet"] for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        }
        assert probes["livenessProbe"]["path"] == HEALTH_PATH
        assert probes["startupProbe"]["path"] == HEALTH_PATH
        assert probes["readinessProbe"]["path"] == READY_PATH
        for probe in probes.values():
            assert probe["path"] in PROBE_PATHS and probe["port"] == "http"
        startup = c["startupProbe"]
        # Pods starting together wait for one migration (models/migrate.LOCK_WAIT_SECONDS).
        from models.migrate import LOCK_WAIT_SECONDS

        assert startup["periodSeconds"] * startup["failureThreshold"] > LOCK_WAIT_SECONDS


def test_prometheus_scrapes_metrics_on_every_pod() -> None:
    for doc in deployments():
        notes = doc["spec"]["template"]["metadata"]["annotations"]
        assert notes["prometheus.io/scrape"] == "true"
        assert notes["prometheus.io/path"] == metrics.METRICS_PATH
        assert notes["prometheus.io/port"] == config()["PORT"]


def test_the_service_and_the_ingress_reach_the_web_pods() -> None:
    web = next(d for d in deployments() if role_of(d) == "web")
    service = one("Service")
    labels = web["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    (port,) = service["spec"]["ports"]
    assert port["targetPort"] == "http"
    rules = one("Ingress")["spec"]["rules"]
    paths = [p for rule in rules for p in rule["http"]["paths"]]
    assert {p["path"] for p in paths} == SLACK_PATHS
    for p in paths:
        assert p["pathType"] == "Exact"
        assert p["backend"]["service"] == {
            "name": service["metadata"]["name"],
            "port": {"name": port["name"]},
        }


# -- running, stopping, resources ----------------------------------------------------------


def test_pods_stop_after_acked_work_and_run_within_limits() -> None:
    uid = re.search(r"useradd [^\n]*--uid (\d+)", (ROOT / "Dockerfile").read_text())
    assert uid
    for doc in [*deployments(), one("Job")]:
        spec = doc["spec"]["template"]["spec"]
        c = spec["containers"][0]
        resources = c["resources"]
        for what in ("cpu", "memory"):
            assert resources["requests"][what] and resources["limits"][what], (doc["kind"], what)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == int(uid.group(1))
        assert c["securityContext"]["allowPrivilegeEscalation"] is False
        if doc["kind"] == "Deployment":
            pause = (
                c.get("lifecycle", {}).get("preStop", {}).get("exec", {}).get("command", ["", "0"])
            )
            grace = spec["terminationGracePeriodSeconds"]
            assert grace >= 30 and grace >= float(pause[-1]) + app.SHUTDOWN_SECONDS + 10


def test_the_migration_job_migrates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Job's command, `python -m models.migrate upgrade`, run here on SQLite."""
    job = one("Job")["spec"]["template"]["spec"]["containers"][0]
    command = job["command"]
    assert command[:4] == ["python", "-P", "-m", "models.migrate"], command
    from models.migrate import main

    db = tmp_path / "migrated.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    assert main(command[4:]) == 0
    engine = create_engine(f"sqlite:///{db}")
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"alembic_version", "schedules", "slack_installations"} <= tables, tables
