"""The fake Slack now lives in playground/fake_slack.py (the playground serves the same one)."""

from playground.fake_slack import *  # noqa: F403
