"""bench/scale.py's processes: `python app.py <role>` children, and the CPU each one uses.

Each app process runs from a temporary directory (so no .env is read), with the
environment the bench gives it and its log in a file there. CPU is read from /proc:
utime + stime of each process, of the PostgreSQL backends serving the bench's connections
(found by application_name in pg_stat_activity), of every postgres process on the machine
(other people's work included), and the machine's busy share from /proc/stat.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
ACTIVE = re.compile(r"(\d+) schedules active")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pid: int) -> float | None:
    """utime + stime of `pid` in seconds, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / TICK


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def postgres_pids() -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/comm") as f:
                if f.read().strip() in ("postgres", "postmaster"):
                    found.append(int(entry))
    return found


@dataclass
class AppProcess:
    name: str  # "scheduler 1", "web 2"
    role: str
    port: int
    proc: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 5) -> str:
        with contextlib.suppress(OSError):
            text = self.log.read_text(errors="replace").strip().splitlines()
            return " | ".join(text[-lines:])
        return ""

    def active_schedules(self) -> int:
        """The latest "N schedules active" its log says (0 before any)."""
        with contextlib.suppress(OSError):
            found = ACTIVE.findall(self.log.read_text(errors="replace"))
            return int(found[-1]) if found else 0
        return 0

    def healthy(self) -> bool:
        path = "/readyz" if self.role == "web" else "/healthz"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=2) as r:
                return bool(r.status == 200)
        except (urllib.error.URLError, OSError):
            return False


def start_app(role: str, name: str, env: dict[str, str], workdir: Path) -> AppProcess:
    port = free_port()
    log = workdir / f"{name.replace(' ', '-')}.log"
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "NUDGEBOT_")) and k not in ("DATABASE_URL", "PORT", "HOST")
    }
    full = {**base, **env, "PORT": str(port), "HOST": "127.0.0.1", "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), role],
            cwd=workdir,
            env=full,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return AppProcess(name, role, port, proc, log)


def stop_apps(apps: list[AppProcess], timeout: float = 25.0) -> None:
    """SIGTERM each (they finish acked work, at most 20 s), then SIGKILL what is left."""
    for app in apps:
        if app.proc.poll() is None:
            app.proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for app in apps:
        try:
            app.proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            app.proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                app.proc.wait(5)


def wait_healthy(apps: list[AppProcess], timeout: float) -> str:
    """ "" once every process answers its health check, else what went wrong."""
    deadline = time.monotonic() + timeout
    waiting = list(apps)
    while waiting and time.monotonic() < deadline:
        for app in list(waiting):
            if app.proc.poll() is not None:
                return f"{app.name} exited ({app.proc.returncode}): {app.tail()}"
            if app.healthy():
                waiting.remove(app)
        time.sleep(0.2)
    if waiting:
        return ", ".join(f"{a.name} not healthy in {timeout:.0f} s: {a.tail()}" for a in waiting)
    return ""


@dataclass
class CpuMeter:
    """CPU seconds per named process and of the PostgreSQL backends of `app_name`, from
    `start()` to `stop()`; samples every `step` s so backends that come and go count."""

    pids: dict[str, int]
    admin_url: str
    app_name: str
    step: float = 0.5
    used: dict[str, float] = field(default_factory=dict)
    backends_s: float = 0.0
    backends: int = 0
    all_postgres_s: float = 0.0
    machine_busy: float = float("nan")  # share of all CPUs busy over the window
    machine_busy_s: float = float("nan")  # CPU seconds busy, all CPUs, over the window
    seconds: float = float("nan")
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._first = {n: cpu_seconds(p) or 0.0 for n, p in self.pids.items()}
        self._last = dict(self._first)
        self._machine0 = machine_ticks()
        self._pg0 = {p: cpu_seconds(p) or 0.0 for p in postgres_pids()}
        self._pg_last = dict(self._pg0)
        self._mine: dict[int, tuple[float, float]] = {}  # backend pid -> (first, last)
        self._thread = threading.Thread(target=self._run, name="cpu-meter", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, pool_size=1)
        query = text("SELECT pid FROM pg_stat_activity WHERE application_name = :name")
        try:
            while not self._stop.is_set():
                self._sample(engine, query)
                self._stop.wait(self.step)
            self._sample(engine, query)
        finally:
            engine.dispose()

    def _sample(self, engine: Any, query: Any) -> None:
        for name, pid in self.pids.items():
            now = cpu_seconds(pid)
            if now is not None:
                self._last[name] = now
        for pid in postgres_pids():
            now = cpu_seconds(pid)
            if now is not None:
                self._pg_last[pid] = now
        try:
            with engine.connect() as conn:
                mine = [row[0] for row in conn.execute(query, {"name": self.app_name})]
        except Exception:
            return
        for pid in mine:
            now = cpu_seconds(pid)
            if now is None:
                continue
            first = self._mine.get(pid, (self._pg0.get(pid, 0.0), now))[0]  # new: all of it
            self._mine[pid] = (first, now)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self.seconds = time.monotonic() - self._t0
        busy1, total1 = machine_ticks()
        busy0, total0 = self._machine0
        self.machine_busy = (busy1 - busy0) / max(1, total1 - total0)
        self.machine_busy_s = (busy1 - busy0) / TICK
        self.used = {n: self._last[n] - self._first[n] for n in self.pids}
        self.backends = len(self._mine)
        self.backends_s = sum(last - first for first, last in self._mine.values())
        self.all_postgres_s = sum(v - self._pg0.get(p, 0.0) for p, v in self._pg_last.items())
