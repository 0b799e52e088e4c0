"""Block Kit as a person reads it: messages, modals and App Home as plain text, for the
snapshots in tests/snapshots/ (reviewed like code, so a change in wording or layout shows).

The form, block by block:

    notification: the fallback text (what a notification or an old client shows)
    # Header
    a section's text, as Slack shows it
      | a field of the section
      [Button] (the section's accessory)
    ~ context element · context element
    ---                                          (a divider)
    [Respond]* [Forget me]!                      (buttons; `*` primary, `!` danger)
      Forget me asks: title / text / [Yes] [No]  (a button that asks first)
    Who? [choose people, up to 10]               (an input: its label and its field)
    [image: alt text]

Text is shown as Slack shows it: `<@U1>` as `@Name`, `<#C1>` as `#name`, a date as a
reader in the team's zone sees it (`Dec 4, 2026 at 10:00`, Slack's own words), a link as
`words (address)`, and `&lt;` `&gt;` `&amp;` as the characters. A `<`, `>` or `&` that Slack
would read as markup we don't mean is marked `⚠<` so it can't slip through review.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.views import View

from bot.blocks import Message

_MARKUP = re.compile(r"<([^<>\n]*)>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
_MEANT = re.compile(r"^(?:@[UWB][A-Z0-9]+|#[CG][A-Z0-9]+|![a-z]|(?:https?|mailto|tel|slack):)")


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def slack_date(stamp: int, pattern: str, zone: str = "UTC") -> str:
    """A `<!date^...>` as Slack shows it to a reader in `zone` (relative words such as
    "today" left out, so a snapshot never changes with the day it is run)."""
    at = datetime.fromtimestamp(stamp, UTC).astimezone(ZoneInfo(zone))
    tokens = {
        "date_num": f"{at:%Y-%m-%d}",
        "date": f"{at:%B} {_ordinal(at.day)}, {at.year}",
        "date_short": f"{at:%b} {at.day}, {at.year}",
        "date_long": f"{at:%A}, {at:%B} {_ordinal(at.day)}, {at.year}",
        "date_pretty": f"{at:%B} {_ordinal(at.day)}, {at.year}",
        "date_short_pretty": f"{at:%b} {at.day}, {at.year}",
        "date_long_pretty": f"{at:%A}, {at:%B} {_ordinal(at.day)}, {at.year}",
        "time": f"{at:%H:%M}",
        "time_secs": f"{at:%H:%M:%S}",
        "ago": f"{at:%Y-%m-%d %H:%M}",
    }
    return re.sub(r"\{(\w+)\}", lambda m: tokens.get(m.group(1), m.group()), pattern)


class Reader:
    """Reads Block Kit as a person in `zone`, in a workspace of these people and channels."""

    def __init__(
        self, people: Mapping[str, str], channels: Mapping[str, str], zone: str = "UTC"
    ) -> None:
        self.people = people
        self.channels = channels
        self.zone = zone

    # -- text ----------------------------------------------------------------------------

    def text(self, raw: str, plain: bool = False) -> str:
        """What Slack shows for `raw` (mrkdwn unless `plain`)."""
        if plain:
            return raw
        return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], _MARKUP.sub(self._markup, raw))

    def _markup(self, m: re.Match[str]) -> str:
        inner = m.group(1)
        if not _MEANT.match(inner):
            return f"⚠<{inner}⚠>"  # Slack would show a broken link, or nothing
        target, _, label = inner.partition("|")
        if target[0] == "@":
            return "@" + (self.people.get(target[1:]) or label or target[1:])
        if target[0] == "#":
            return "#" + (self.channels.get(target[1:]) or label or target[1:])
        if target[0] == "!":
            command, *args = target[1:].split("^")
            if command == "date" and len(args) >= 2:
                return slack_date(int(args[0]), args[1], self.zone)
            if command in ("here", "channel", "everyone"):
                return "@" + command
            return label or "@" + command
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label != address else address

    def _object(self, obj: Any) -> str:
        """A text object (plain_text or mrkdwn) or a bare string."""
        if isinstance(obj, str):
            return obj
        if isinstance(obj, Mapping):
            return self.text(str(obj.get("text", "")), obj.get("type") == "plain_text")
        return ""

    # -- blocks --------------------------------------------------------------------------

    def element(self, el: Mapping[str, Any]) -> str:
        kind = el.get("type")
        if kind == "button":
            mark = {"danger": "!", "primary": "*"}.get(str(el.get("style")), "")
            return f"[{self._object(el.get('text'))}]{mark}"
        if kind == "image":
            return f"[image: {el.get('alt_text', '')}]"
        if kind in ("mrkdwn", "plain_text"):
            return self._object(el)
        if kind == "plain_text_input":
            size = "several lines" if el.get("multiline") else "one line"
            limits = [f"{k.split('_')[0]} {el[k]}" for k in ("min_length", "max_length") if k in el]
            return f"[text, {size}{', ' if limits else ''}{', '.join(limits)}]"
        if kind == "multi_users_select":
            most = el.get("max_selected_items")
            return f"[choose people{f', up to {most}' if most else ''}]"
        placeholder = self._object(el.get("placeholder")) if el.get("placeholder") else ""
        label = kind.replace("_", " ") if isinstance(kind, str) else "element"
        return f"[{label}{': ' + placeholder if placeholder else ''}]"

    def confirm(self, el: Mapping[str, Any]) -> list[str]:
        """The question a button asks before it acts, if it asks one."""
        confirm = el.get("confirm")
        if not confirm:
            return []
        answers = f"[{self._object(confirm.get('confirm'))}] [{self._object(confirm.get('deny'))}]"
        title, text = self._object(confirm.get("title")), self._object(confirm.get("text"))
        return [f"  {self._object(el.get('text'))} asks: {title} / {text} / {answers}"]

    def block(self, block: Mapping[str, Any]) -> list[str]:
        kind = block.get("type")
        if kind == "header":
            return ["# " + self._object(block.get("text"))]
        if kind == "divider":
            return ["---"]
        if kind == "section":
            lines = self._object(block.get("text")).split("\n") if block.get("text") else []
            lines += ["  | " + self._object(f) for f in block.get("fields") or []]
            if block.get("accessory"):
                lines.append("  " + self.element(block["accessory"]))
                lines += self.confirm(block["accessory"])
            return lines
        if kind == "context":
            return ["~ " + " · ".join(self.element(e) for e in block.get("elements", []))]
        if kind == "actions":
            elements = block.get("elements", [])
            line = " ".join(self.element(e) for e in elements)
            return [line, *(ask for e in elements for ask in self.confirm(e))]
        if kind == "input":
            optional = " (optional)" if block.get("optional") else ""
            hint = f"\n  hint: {self._object(block['hint'])}" if block.get("hint") else ""
            return [
                f"{self._object(block.get('label'))}{optional} {self.element(block['element'])}"
                + hint
            ]
        if kind == "image":
            return [f"[image: {block.get('alt_text', '')}]"]
        return [f"[{kind} block] {json.dumps(block, sort_keys=True)}"]

    def blocks(self, blocks: list[Mapping[str, Any]]) -> list[str]:
        lines: list[str] = []
        for block in blocks:
            lines += self.block(block)
        return lines

    # -- what a render function returns ------------------------------------------------------

    def read(self, rendered: Message | View | Mapping[str, Any] | str) -> str:
        """A message, a view (modal or App Home) or a bare text, as readable lines."""
        if isinstance(rendered, str):
            return f"text:\n{self.text(rendered)}\n"
        if isinstance(rendered, Message):
            head = [f"notification: {self.text(rendered.text)}", "=" * 40]
            return "\n".join([*head, *self.blocks(rendered.blocks)]) + "\n"
        view = rendered.to_dict() if isinstance(rendered, View) else dict(rendered)
        if view.get("type") == "modal":
            buttons = " ".join(
                f"[{self._object(view[k])}]" for k in ("submit", "close") if view.get(k)
            )
            head = [f"modal: {self._object(view.get('title'))}  {buttons}".rstrip(), "=" * 40]
        else:
            head = [f"{view.get('type', 'view')} tab", "=" * 40]
        return "\n".join([*head, *self.blocks(view.get("blocks", []))]) + "\n"
