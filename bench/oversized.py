"""Peak memory of `python app.py web` while clients send oversized bodies at once.

    .venv/bin/python bench/oversized.py                   # 16 clients x 300 MB, then chunked
    .venv/bin/python bench/oversized.py --clients 4 --megabytes 50

Starts the app as an operator would (a temporary SQLite file, the fake Slack Web API on
loopback), waits for /healthz, then has `--clients` clients send unsigned POSTs of
`--megabytes` each to /slack/events at the same moment: once with a declared
Content-Length, once chunked. Each client sends as fast as the server takes it and stops
when the server answers or closes. The server's RSS is sampled every 10 ms
(/proc/<pid>/status), and its high-water mark (VmHWM) is read at the end.

Prints, per round: the answers, how much each client got to send, how long it took, that
/healthz kept answering, and the server's RSS before and at peak. Target: peak under
200 MB. Always exits 0; prints PASS or FAIL. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fake_slack import FakeSlack  # noqa: E402

TARGET_MB = 200
CHUNK = 64 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of `pid`, in MB."""
    found: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0]) / 1024
    return found


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def client(port: int, size: int, chunked: bool, start: threading.Event, out: list) -> None:
    """One oversized POST; appends (status line, bytes sent, seconds)."""
    head = b"POST /slack/events HTTP/1.1\r\nHost: bench\r\nContent-Type: text/plain\r\n"
    head += (
        b"Transfer-Encoding: chunked\r\n\r\n" if chunked else b"Content-Length: %d\r\n\r\n" % size
    )
    piece = b"x" * CHUNK
    if chunked:
        piece = b"%x\r\n" % CHUNK + piece + b"\r\n"
    sent = 0
    start.wait()
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        try:
            conn.sendall(head)
            while sent < size:
                conn.sendall(piece)
                sent += CHUNK
            if chunked:
                conn.sendall(b"0\r\n\r\n")
        except OSError:  # the server answered and closed the connection: what we want
            pass
        answer = b""
        try:
            while len(answer) < 200 and (part := conn.recv(4096)):
                answer += part
        except OSError:
            pass
    status = answer.split(b"\r\n", 1)[0].decode(errors="replace") or "(closed, no answer)"
    out.append((status, sent, time.monotonic() - began))


def round_(pid: int, port: int, clients: int, size: int, chunked: bool) -> float:
    """One round of `clients` at once; returns the peak RSS seen (MB)."""
    start = threading.Event()
    results: list = []
    threads = [
        threading.Thread(target=client, args=(port, size, chunked, start, results))
        for _ in range(clients)
    ]
    peak = [memory(pid)["VmRSS"]]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], memory(pid)["VmRSS"])
            time.sleep(0.01)

    sampler = threading.Thread(target=sample)
    sampler.start()
    for thread in threads:
        thread.start()
    began = time.monotonic()
    start.set()
    live = healthy(port)
    for thread in threads:
        thread.join()
    took = time.monotonic() - began
    done.set()
    sampler.join()
    statuses: dict[str, int] = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    most = max(sent for _, sent, _ in results) / 1e6
    kind = "chunked" if chunked else "Content-Length"
    print(f"\n{clients} x {size / 1e6:.0f} MB, {kind}:")
    print(f"  answers: {statuses}")
    print(f"  all done in {took:.2f} s; the most any client got to send: {most:.1f} MB")
    print(f"  /healthz during: {'200' if live else 'no answer'}, after: ", end="")
    print("200" if healthy(port) else "no answer")
    print(f"  server RSS peak (sampled every 10 ms): {peak[0]:.1f} MB")
    return peak[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--megabytes", type=int, default=300)
    parser.add_argument("--app", default=str(ROOT / "app.py"), help="the app.py to run")
    args = parser.parse_args()
    size = args.megabytes * 1_000_000

    fake = FakeSlack().start()
    workdir = tempfile.mkdtemp(prefix="nudgebot-oversized-")
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-secret",
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "PORT": str(port),
    }
    log = Path(workdir) / "app.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, args.app, "web"], cwd=workdir, env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 30
        while not healthy(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                print(log.read_text())
                return 0
            time.sleep(0.1)
        time.sleep(0.5)
        before = memory(proc.pid)
        print(f"server RSS before: {before['VmRSS']:.1f} MB (pid {proc.pid}, port {port})")
        peaks = [round_(proc.pid, port, args.clients, size, chunked) for chunked in (False, True)]
        hwm = memory(proc.pid)["VmHWM"]
        print(f"\nserver RSS high-water mark (VmHWM), whole run: {hwm:.1f} MB")
        verdict = "PASS" if max(hwm, *peaks) < TARGET_MB else "FAIL"
        print(f"{verdict}: peak RSS {max(hwm, *peaks):.1f} MB (target < {TARGET_MB} MB)")
        logged = log.read_text()
        print(f"log: {len(logged.splitlines())} lines, 'xxxx' in it: {'xxxx' in logged}")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(40)
        fake.stop()
        print(f"app exit code after SIGTERM: {proc.returncode}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
