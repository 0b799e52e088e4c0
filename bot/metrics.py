"""What the app counts, for `GET /metrics` (Prometheus). Every process has its own
counters; Prometheus adds them up across replicas. Labels never carry message text, user
ids or tokens: commands, kinds, Slack method names and error codes only."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter(
    "nudgebot_requests", "Slack requests handled, by surface and command", ["surface", "command"]
)
ACK_SECONDS = Histogram(
    "nudgebot_ack_seconds",
    "Time from receiving a Slack request to its ack, by command",
    ["command"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 3.0, 5.0),
)
ITEMS_LOGGED = Counter("nudgebot_items_logged", "Items people logged, by kind", ["kind"])
# kind: prompt, digest, pulse, followup, habit, reflection, reminder; outcome: posted, failed.
POSTS = Counter(
    "nudgebot_posts", "Scheduled posts and DMs, by kind and outcome", ["kind", "outcome"]
)
SLACK_ERRORS = Counter(
    "nudgebot_slack_errors", "Slack Web API errors, by method and error code", ["method", "code"]
)
RATE_LIMITED = Counter("nudgebot_slack_ratelimited", "Slack 429 answers, by method", ["method"])
SCHEDULER_LAG = Histogram(
    "nudgebot_scheduler_lag_seconds",
    "Time from a scheduled post's due time to Slack's answer",
    buckets=(0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900),
)
CLAIMS_OUTSTANDING = Gauge(
    "nudgebot_claims_outstanding", "Scheduled posts claimed by this process and not yet done"
)
