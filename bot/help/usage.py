"""What `python app.py --help` prints: the roles, the modes and the settings that matter."""

from __future__ import annotations

USAGE = """\
usage: python app.py [web | scheduler | playground [--port N] [--demo] [--reset]]

nudgebot, a Slack bot for the Five Practices of Exemplary Leadership.

roles:
  (nothing)    the web server and the scheduler in one process
  web          Slack's requests only: POST /slack/events (run as many as you like)
  scheduler    scheduled prompts, digests and follow-ups only (PostgreSQL: any number,
               one leads)
  playground   try it without Slack or tokens: the real bot against a Slack-like page at
               http://127.0.0.1:3000/ (--demo seeds a team, --reset starts afresh)

modes: HTTP on HOST:PORT, or Socket Mode when SLACK_APP_TOKEN is set.

settings (the environment, or a .env file here: copy .env.example):
  SLACK_BOT_TOKEN       the bot token, xoxb-... (required)
  SLACK_SIGNING_SECRET  verifies Slack's requests (HTTP mode)
  SLACK_APP_TOKEN       xapp-...: Socket Mode, no public address needed
  DATABASE_URL          sqlite:///nudgebot.db (default) or postgresql://user@host/db
  HOST, PORT            where to listen (127.0.0.1:3000); /healthz and /readyz in every role
  NUDGEBOT_TIMEZONE     the team's zone for schedules and days (UTC)
  NUDGEBOT_LEADERS      user ids who may publish, besides admins and owners
  NUDGEBOT_PULSE_MIN_GROUP  the practice pulse shows results from this many answers (5)

The README says more: setting up the Slack app, schedules, Docker."""

# Added to a start-up refusal about a setting: where settings go, and the way to try
# nudgebot with none.
SETTINGS_HINT = (
    "Settings go in the environment or in a .env file here (copy .env.example); "
    "to try nudgebot without Slack or tokens, run `python app.py playground`"
)
