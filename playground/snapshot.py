"""What the page shows one person: their channels and direct messages, the messages of the
channel they look at (with threads, reactions, files and the ephemeral messages meant for
them), their open modal and their App Home."""

from __future__ import annotations

from typing import Any

from playground.people import BOT_USER, TEAM_NAME
from playground.surfaces import top_modal
from playground.workspace import Message, Workspace


def _shown(msg: Message) -> dict[str, Any]:
    out: dict[str, Any] = {
        k: msg[k]
        for k in ("ts", "user", "text", "blocks", "files", "reactions", "thread_ts", "edited")
        if k in msg
    }
    out["bot"] = msg["user"] == BOT_USER
    out["ephemeral"] = "only_for" in msg
    out["broadcast"] = bool(msg.get("broadcast"))
    return out


def messages(ws: Workspace, user: str, channel: str) -> list[dict[str, Any]]:
    """The channel's messages as `user` sees them: top-level ones in order (replies sent to
    the channel too among them), each with its thread's replies."""
    with ws.lock:
        seen = [m for m in ws.history.get(channel, ()) if m.get("only_for") in (None, user)]
        replies: dict[str, list[dict[str, Any]]] = {}
        for msg in seen:
            if msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]:
                replies.setdefault(msg["thread_ts"], []).append(_shown(msg))
        shown = []
        for msg in seen:
            threaded = msg.get("thread_ts") and msg["thread_ts"] != msg["ts"]
            if threaded and not msg.get("broadcast"):
                continue
            item = _shown(msg)
            if not threaded:
                item["replies"] = replies.get(msg["ts"], [])
            shown.append(item)
        return shown


def channels(ws: Workspace, user: str) -> list[dict[str, Any]]:
    """The channels `user` is in, then their direct messages with the bot."""
    ws.dm_of(user)
    with ws.lock:
        mine = [c for c in ws.channels.values() if user in c["members"]]
        ordered = sorted(mine, key=lambda c: (c["kind"] != "channel", c["name"]))
        return [
            {"id": c["id"], "name": c["name"], "kind": c["kind"], "topic": c.get("topic", "")}
            for c in ordered
        ]


def people(ws: Workspace) -> list[dict[str, Any]]:
    found = [
        {
            "id": p.id,
            "name": p.name,
            "real_name": p.real_name,
            "admin": p.admin,
            "title": p.title,
        }
        for p in ws.people.values()
    ]
    return [*found, {"id": BOT_USER, "name": "nudgebot", "real_name": "nudgebot", "bot": True}]


def view_of(view: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if view is None else {k: v for k, v in view.items() if k != "user"}


def snapshot(ws: Workspace, user: str, channel: str | None) -> dict[str, Any]:
    """Everything the page needs to draw `user`'s screen looking at `channel`."""
    with ws.lock:
        listed = channels(ws, user)
        shown: str = listed[0]["id"]
        if channel in {c["id"] for c in listed}:
            shown = str(channel)
        return {
            "version": ws.version,
            "team": TEAM_NAME,
            "me": user,
            "people": people(ws),
            "channels": listed,
            "all_channels": [
                {"id": c["id"], "name": c["name"]}
                for c in ws.channels.values()
                if c["kind"] == "channel"
            ],
            "channel": shown,
            "messages": messages(ws, user, shown),
            "modal": view_of(top_modal(ws, user)),
            "home": view_of(ws.homes.get(user)),
        }
