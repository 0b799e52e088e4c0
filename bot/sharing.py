"""Reports shown privately first, with a **Share to channel** button.

A private report (progress, a digest preview) carries a button whose value names the
report and its arguments. A click re-renders the report for the whole channel, so what is
shared is current and nothing is stored in the button but a few words. Each shareable
report is one row in `handlers.command_table.SHARES`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import ActionsBlock, ButtonElement

SHARE_ACTION = "share_to_channel"
MAX_VALUE = 2000  # Slack's limit for a button's value


@dataclass(frozen=True)
class Shared:
    """What a Share button asks for: the report's kind and its arguments."""

    kind: str
    args: dict[str, Any]

    def value(self) -> str:
        text = json.dumps({"k": self.kind, "a": self.args}, separators=(",", ":"))
        assert len(text) <= MAX_VALUE, "a Share button carries a few words, not the report"
        return text

    @classmethod
    def read(cls, value: str) -> Shared | None:
        """The button's value, or None when it is not one of ours."""
        try:
            data = json.loads(value)
        except (TypeError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("k"), str):
            return None
        args = data.get("a")
        return cls(kind=data["k"], args=args if isinstance(args, dict) else {})


def share_button(shared: Shared, label: str = "Share to channel") -> ActionsBlock:
    """The button under a private report."""
    return ActionsBlock(
        block_id="share",
        elements=[
            ButtonElement(text=label, action_id=SHARE_ACTION, value=shared.value(), style="primary")
        ],
    )
