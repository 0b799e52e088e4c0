"""bench/scale.py's results: what one run measured, and the report with its verdicts."""

from __future__ import annotations

import argparse
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from bench.fanout import percentile
from bench.scale_fake import BAD_TOKEN, LIMITED, OK
from bench.scale_procs import CpuMeter
from bench.scale_web import Ack

TARGET_S = {1: 40.0, 2: 20.0}  # every prompt posted within this of the boundary
GAIN_TARGET = 1.6
ACK_P99_MS = 250.0
SLACK_DELAY_S = 0.1
NAN = float("nan")


@dataclass
class Run:
    schedulers: int
    schedules: int
    workspaces: int
    mode: str
    note: str = ""
    boundary: float = NAN
    install_s: float = NAN
    seed_s: float = NAN
    loaded: list[int] = field(default_factory=list)
    loadavg_before: float = NAN
    loadavg_after: float = NAN
    cpu: CpuMeter | None = None
    acks: list[Ack] = field(default_factory=list)
    tails: dict[str, str] = field(default_factory=dict)
    db_errors: list[str] = field(default_factory=list)  # the bench's own reads that failed
    ok_posts: int = 0
    all_posted_s: float = NAN  # boundary -> last prompt answered, when all were posted
    lag: dict[str, float] = field(default_factory=dict)
    http_429: int = 0
    bad_tokens: int = 0
    channels_doubled: int = 0
    channels_missing: int = 0
    occ_doubled: int = 0
    occ_status: dict[str, int] = field(default_factory=dict)
    per_process: dict[str, int] = field(default_factory=dict)
    calls: dict[str, int] = field(default_factory=dict)
    in_flight: float = NAN  # mean requests the fake was answering over the posting window

    @property
    def doubled(self) -> int:
        return self.channels_doubled + self.occ_doubled

    @property
    def target_s(self) -> float:
        return TARGET_S.get(self.schedulers, 40.0 / self.schedulers)

    @property
    def passed(self) -> bool:
        return (
            self.ok_posts >= self.schedules
            and self.all_posted_s <= self.target_s
            and (not self.doubled)
        )

    def collect(self, fake: Any, observer: Any, channels: list[str], names: dict[int, str]) -> None:
        from sqlalchemy import select

        from models.tables import Occurrence

        posts, self.calls, busy_s = fake.ask("results")
        wanted = set(channels)
        ok = [p for p in posts if p[1] == OK and p[0] in wanted]
        self.ok_posts = len(ok)
        self.http_429 = sum(p[1] == LIMITED for p in posts)
        self.bad_tokens = sum(p[1] == BAD_TOKEN for p in posts)
        per_channel = Counter(p[0] for p in ok)
        self.channels_doubled = sum(n > 1 for n in per_channel.values())
        self.channels_missing = len(wanted - set(per_channel))
        lags = sorted(p[3] - self.boundary for p in ok)
        if lags:
            self.lag = {"first": lags[0], "p50": percentile(lags, 50), "p99": percentile(lags, 99)}
            if len(per_channel) >= self.schedules:
                self.all_posted_s = lags[-1]
            window = lags[-1]
            self.in_flight = busy_s / window if window > 0 else NAN
        with observer.connect() as db:
            occ = db.execute(
                select(Occurrence.schedule_id, Occurrence.status, Occurrence.claimed_by)
            ).all()
        self.occ_doubled = sum(n > 1 for n in Counter(r[0] for r in occ).values())
        self.occ_status = dict(Counter(r[1] for r in occ))
        by_pid: Counter[str] = Counter()
        for _, status, claimed_by in occ:
            if status == "posted":
                by_pid[process_of(claimed_by, names)] += 1
        self.per_process = {name: by_pid.get(name, 0) for name in names.values()}
        self.per_process.update({k: v for k, v in by_pid.items() if k not in self.per_process})


def process_of(claimed_by: str | None, names: dict[int, str]) -> str:
    """The process whose pid is a part of `claimed_by` (host:pid, or host:pid:random)."""
    for part in str(claimed_by or "").split(":"):
        if part.isdigit() and int(part) in names:
            return names[int(part)]
    return f"other ({claimed_by})"


def ack_stats(acks: list[Ack]) -> dict[str, float]:
    ms = sorted(a.ms for a in acks if not math.isnan(a.ms))
    return {
        "count": len(acks),
        "errors": sum(a.status != 200 for a in acks),
        "p50": percentile(ms, 50),
        "p99": percentile(ms, 99),
        "max": ms[-1] if ms else NAN,
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_run(r: Run, args: argparse.Namespace) -> None:
    print(f"\n== {r.schedulers} scheduler process(es), {r.mode} tokens ==")
    if r.note:
        print(f"note: {r.note}")
    if r.db_errors:
        print(f"the bench's own database reads failed {len(r.db_errors)} times: {r.db_errors[:3]}")
    if math.isnan(r.boundary):
        return
    extra = ""
    if not math.isnan(r.install_s):
        extra = f"; {r.workspaces} installations in {r.install_s:.1f} s"
    print(f"seeded {r.schedules} schedules in {r.seed_s:.2f} s{extra}; jobs loaded {r.loaded}")
    print(
        f"prompts posted {r.ok_posts}/{r.schedules}; boundary -> last answered "
        f"{r.all_posted_s:.1f} s (target {r.target_s:g} s); first {r.lag.get('first', NAN):.2f} s, "
        f"p50 {r.lag.get('p50', NAN):.2f} s, p99 {r.lag.get('p99', NAN):.2f} s"
    )
    print(
        f"posts per process {r.per_process}; occurrences {r.occ_status}; doubles: "
        f"{r.channels_doubled} channels, {r.occ_doubled} occurrences; missing channels "
        f"{r.channels_missing}; 429s {r.http_429}; wrong tokens {r.bad_tokens}"
    )
    print(f"fake Slack calls {r.calls}; mean requests in flight at the fake {r.in_flight:.1f}")
    if r.acks:
        s = ack_stats(r.acks)
        by = Counter((a.command, a.status) for a in r.acks if a.status != 200)
        print(
            f"slash commands at {args.rate:g}/s over {args.web} web processes: {s['count']:.0f} "
            f"sent, ack p50 {s['p50']:.1f} ms, p99 {s['p99']:.1f} ms, max {s['max']:.1f} ms, "
            f"errors {s['errors']:.0f}{' ' + str(dict(by)) if by else ''}"
        )
        kinds = sorted({a.command for a in r.acks})
        each = [(k, ack_stats([a for a in r.acks if a.command == k])) for k in kinds]
        print(
            "  by command: "
            + "; ".join(f"{k} p50 {v['p50']:.1f} p99 {v['p99']:.1f} ms" for k, v in each)
        )
    if r.cpu is not None:
        c = r.cpu
        parts = ", ".join(f"{n} {v:.1f}" for n, v in c.used.items())
        print(
            f"CPU seconds over {c.seconds:.1f} s (2 cores = {2 * c.seconds:.0f} s): {parts}; "
            f"PostgreSQL backends of the bench ({c.backends}) {c.backends_s:.1f}, all postgres "
            f"processes {c.all_postgres_s:.1f}; everything else {others(c):.1f}; machine busy "
            f"{c.machine_busy:.0%} ({c.machine_busy_s:.0f} s); 1-min load "
            f"{r.loadavg_before:.2f} -> {r.loadavg_after:.2f}"
        )
        print(f"CPU cost: {cpu_cost(r)}")
        print(f"limit: {where_limit(r)}")
    for name, tail in r.tails.items():
        print(f"{name} log ends: {tail}")


def others(c: CpuMeter) -> float:
    """CPU seconds the machine spent on neither the bench's processes nor PostgreSQL."""
    return c.machine_busy_s - sum(c.used.values()) - c.all_postgres_s


def cpu_cost(r: Run) -> str:
    """CPU per prompt of each part, and the floor it puts on the time on this machine had
    nothing else run on it: no process beyond one core, all of it within the cores left
    by the slash commands. Steadier than wall time on a shared machine."""
    c = r.cpu
    if c is None or not r.ok_posts or c.seconds <= 0:
        return "n/a"
    scheds = [v for n, v in c.used.items() if n.startswith("scheduler")]
    web = sum(v for n, v in c.used.items() if n.startswith("web"))
    fake = c.used.get("fake Slack", 0.0)
    posting = sum(scheds) + c.backends_s + fake  # the web's backends are in there too
    cores = os.cpu_count() or 1
    free = cores - web / c.seconds
    floor = max([*scheds, posting / free]) if free > 0 else NAN
    per_ack = web / len(r.acks) * 1000 if r.acks else NAN
    return (
        f"per prompt {sum(scheds) / r.ok_posts * 1000:.2f} ms in the schedulers, "
        f"{c.backends_s / r.ok_posts * 1000:.2f} ms in PostgreSQL (the bench's backends, the "
        f"web's included), {fake / r.ok_posts * 1000:.2f} ms in the fake Slack; "
        f"{per_ack:.1f} ms per slash command in the web processes; so on {cores} idle cores, "
        f"with the slash commands' share, these prompts need at least {floor:.1f} s"
    )


def where_limit(r: Run) -> str:
    c = r.cpu
    if c is None or math.isnan(c.seconds) or c.seconds <= 0:
        return "unknown"
    window = c.seconds
    scheds = {n: v / window for n, v in c.used.items() if n.startswith("scheduler")}
    top = sorted(c.used.items(), key=lambda kv: -kv[1])[:3]
    tops = ", ".join(f"{n} {v / window:.0%}" for n, v in top)
    implied = r.ok_posts * SLACK_DELAY_S / window if window else NAN
    if c.machine_busy >= 0.9:
        return (
            f"CPU: the machine was {c.machine_busy:.0%} busy (top: {tops} of one core; "
            f"the bench's PostgreSQL backends {c.backends_s / window:.0%}; other work on the "
            f"machine {others(c) / c.machine_busy_s:.0%} of the busy time)"
        )
    # A process whose threads share one GIL rarely shows 100 % of a core: 70 % is busy.
    hot = [f"{n} {share:.0%}" for n, share in scheds.items() if share >= 0.7]
    if hot:
        return (
            f"CPU of {', '.join(hot)} of one core (its threads share one GIL; "
            f"{implied:.1f} posts in flight on average); machine {c.machine_busy:.0%} busy"
        )
    return (
        f"Slack's round trip times the posts in flight: {implied:.1f} posts in flight on "
        f"average (posts x 0.1 s / window), machine {c.machine_busy:.0%} busy, top: {tops}"
    )


def print_summary(runs: list[Run], args: argparse.Namespace, mode: str, why: str) -> None:
    print(f"\n==== summary ({mode} tokens: {why}) ====")
    print(
        f"{'schedulers':>10}{'posted':>13}{'all (s)':>9}{'p50':>7}{'p99':>7}{'429s':>6}"
        f"{'doubles':>8}{'ack p99':>9}{'ack err':>8}{'busy':>6}  verdict"
    )
    for r in runs:
        s = ack_stats(r.acks) if r.acks else {"p99": NAN, "errors": 0}
        busy = r.cpu.machine_busy if r.cpu else NAN
        print(
            f"{r.schedulers:>10}{f'{r.ok_posts}/{r.schedules}':>13}{r.all_posted_s:>9.1f}"
            f"{r.lag.get('p50', NAN):>7.1f}{r.lag.get('p99', NAN):>7.1f}{r.http_429:>6}"
            f"{r.doubled:>8}{s['p99']:>9.1f}{s['errors']:>8.0f}{busy:>6.0%}  "
            f"{verdict(r.passed)}: all within {r.target_s:g} s, none twice"
        )
    for r in runs:
        if r.acks:
            s = ack_stats(r.acks)
            ok = s["p99"] < ACK_P99_MS and not s["errors"]
            print(
                f"{verdict(ok)}: ack p99 under {ACK_P99_MS:g} ms with no errors, "
                f"{r.schedulers} scheduler(s) ({s['p99']:.1f} ms, {s['errors']:.0f} errors)"
            )
    one = next((r for r in runs if r.schedulers == 1), None)
    two = next((r for r in runs if r.schedulers == 2), None)
    if one and two:
        gain = one.all_posted_s / two.all_posted_s
        ok = not math.isnan(gain) and gain >= GAIN_TARGET
        shown = "n/a (a run did not post every prompt)" if math.isnan(gain) else f"{gain:.2f}x"
        print(f"{verdict(ok)}: gain from one to two schedulers at least {GAIN_TARGET}x ({shown})")
