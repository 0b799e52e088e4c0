"""Slack's markup in what people wrote (`<@U1>`, `<#C1|general>`, `<!here>`, links), as
plain text for a file read outside Slack."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Names:
    """Names found in Slack, by id; whoever is missing is shown by their id."""

    people: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)


_MENTIONED = re.compile(r"(?:<|&lt;)@([UW][A-Z0-9]+)(?:\|[^<>]*?)?(?:>|&gt;)")
# Slack's markup (`<@U1|meg>`, `<#C1|general>`, `<!here>`, `<https://x|a link>`), and a
# mention as a modal's escaped text holds it (`&lt;@U1&gt;`).
_MARKUP = re.compile(r"<([^<>\n]+)>|&lt;([@#][UWC][A-Z0-9]+(?:\|[^<>\n]*?)?)&gt;")
_ENTITY = re.compile(r"&(amp|lt|gt);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}


def mentioned(text: str) -> list[str]:
    """The ids of the people `text` mentions."""
    return _MENTIONED.findall(text)


def plain(text: str, names: Names) -> str:
    """Text as a person reads it in Slack: `<@U1>` becomes `@Ana`, `<#C1|general>`
    `#general`, `<!here>` `@here`, a link its words and address, `&amp;` `&`."""

    def markup(m: re.Match[str]) -> str:
        inner = m.group(1) or m.group(2)
        target, _, label = inner.partition("|")
        if target[:2] in ("@U", "@W"):
            return "@" + (names.people.get(target[1:]) or label or target[1:])
        if target.startswith("#C"):
            return "#" + (label or names.channels.get(target[1:]) or target[1:])
        if target.startswith("!"):
            special = target[1:].split("^")[0]
            if special in ("here", "channel", "everyone"):
                return "@" + special
            return label or "@" + special
        address = target.removeprefix("mailto:")
        return f"{label} ({address})" if label and label != address else address

    swapped = _MARKUP.sub(markup, text)
    return _ENTITY.sub(lambda m: _ENTITIES[m.group(1)], swapped)
