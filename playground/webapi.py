"""The Web API methods of the playground's workspace, answered as Slack answers them.

Each takes the workspace (its lock held) and the call's parameters, changes what people
see, and returns Slack's JSON. The methods nudgebot calls are all here, and a few that
features to come will call (dnd.info, users.info's time zone, views.update, chat.update).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playground import surfaces
from playground.people import APP_ID, BOT_ID, BOT_USER, TEAM_NAME
from playground.workspace import Workspace, as_json

Params = dict[str, Any]
Answer = dict[str, Any]


def _true(value: Any) -> bool:
    return value in (True, "true", "1", 1)


def _error(code: str) -> Answer:
    return {"ok": False, "error": code}


def _channel(ws: Workspace, params: Params, key: str = "channel") -> str | None:
    return ws.resolve(str(params.get(key) or ""))


def post_message(ws: Workspace, params: Params) -> Answer:
    cid = _channel(ws, params)
    if cid is None:
        return _error("channel_not_found")
    if BOT_USER not in ws.channels[cid]["members"]:
        return _error("not_in_channel")
    thread = params.get("thread_ts") or None
    if thread and ws.find(cid, str(thread)) is None:
        thread = None  # Slack posts at the top level when the parent is gone
    msg = ws.post(
        cid,
        BOT_USER,
        str(params.get("text") or ""),
        as_json(params.get("blocks")),
        thread_ts=thread,
        broadcast=_true(params.get("reply_broadcast")),
    )
    return {"ok": True, "channel": cid, "ts": msg["ts"], "message": _public(msg)}


def post_ephemeral(ws: Workspace, params: Params) -> Answer:
    cid = _channel(ws, params)
    user = str(params.get("user") or "")
    if cid is None:
        return _error("channel_not_found")
    if user not in ws.channels[cid]["members"]:
        return _error("user_not_in_channel")
    msg = ws.post(
        cid,
        BOT_USER,
        str(params.get("text") or ""),
        as_json(params.get("blocks")),
        thread_ts=params.get("thread_ts") or None,
        only_for=user,
    )
    return {"ok": True, "message_ts": msg["ts"]}


def update(ws: Workspace, params: Params) -> Answer:
    cid, ts = _channel(ws, params), str(params.get("ts") or "")
    msg = ws.find(cid, ts) if cid else None
    if msg is None:
        return _error("message_not_found")
    if msg["user"] != BOT_USER:
        return _error("cant_update_message")
    ws.edit(cid or "", ts, str(params.get("text") or ""), as_json(params.get("blocks")))
    return {"ok": True, "channel": cid, "ts": ts, "text": params.get("text") or ""}


def delete(ws: Workspace, params: Params) -> Answer:
    cid, ts = _channel(ws, params), str(params.get("ts") or "")
    if cid is None or not ws.delete(cid, ts):
        return _error("message_not_found")
    return {"ok": True, "channel": cid, "ts": ts}


def permalink(ws: Workspace, params: Params) -> Answer:
    cid, ts = _channel(ws, params), str(params.get("message_ts") or "")
    return {"ok": True, "channel": cid, "permalink": f"{ws.base}/archives/{cid}/p{ts}"}


def react(ws: Workspace, params: Params) -> Answer:
    cid = _channel(ws, params)
    ts, name = str(params.get("timestamp") or ""), str(params.get("name") or "")
    problem = ws.react(cid, ts, name, BOT_USER) if cid else "channel_not_found"
    return _error(problem) if problem else {"ok": True}


def open_dm(ws: Workspace, params: Params) -> Answer:
    users = [u for u in str(params.get("users") or "").split(",") if u]
    if len(users) != 1 or users[0] not in ws.people:
        return _error("user_not_found")
    return {"ok": True, "channel": {"id": ws.dm_of(users[0])}}


def _info(ws: Workspace, cid: str) -> Answer:
    channel = ws.channels[cid]
    im = channel["kind"] == "im"
    return {
        "id": cid,
        "name": channel["name"],
        "is_channel": not im,
        "is_im": im,
        "is_private": False,
        "is_member": BOT_USER in channel["members"],
        "is_archived": False,
        **({"user": channel.get("user")} if im else {}),
        "topic": {"value": channel.get("topic", "")},
    }


def channel_info(ws: Workspace, params: Params) -> Answer:
    cid = _channel(ws, params)
    return {"ok": True, "channel": _info(ws, cid)} if cid else _error("channel_not_found")


def channel_members(ws: Workspace, params: Params) -> Answer:
    cid = _channel(ws, params)
    if cid is None:
        return _error("channel_not_found")
    members = list(ws.channels[cid]["members"])
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def user_channels(ws: Workspace, params: Params) -> Answer:
    user = str(params.get("user") or "")
    found = [
        _info(ws, cid)
        for cid, channel in ws.channels.items()
        if channel["kind"] == "channel" and user in channel["members"]
    ]
    return {"ok": True, "channels": found, "response_metadata": {"next_cursor": ""}}


def users_list(ws: Workspace, _params: Params) -> Answer:
    members = [ws.users[uid] for uid in (*ws.people, BOT_USER)]
    return {"ok": True, "members": members, "response_metadata": {"next_cursor": ""}}


def dnd_info(_ws: Workspace, _params: Params) -> Answer:
    return {"ok": True, "dnd_enabled": False, "snooze_enabled": False}


def team_info(ws: Workspace, _params: Params) -> Answer:
    return {"ok": True, "team": {"id": ws.team_id, "name": TEAM_NAME, "domain": "playground"}}


def bot_info(_ws: Workspace, _params: Params) -> Answer:
    return {"ok": True, "bot": {"id": BOT_ID, "app_id": APP_ID, "name": "nudgebot"}}


def _public(msg: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in msg.items() if k in ("ts", "text", "blocks", "user", "bot_id")}


METHODS: dict[str, Callable[[Workspace, Params], Answer]] = {
    **surfaces.METHODS,
    "chat.postMessage": post_message,
    "chat.postEphemeral": post_ephemeral,
    "chat.update": update,
    "chat.delete": delete,
    "chat.getPermalink": permalink,
    "reactions.add": react,
    "conversations.open": open_dm,
    "conversations.info": channel_info,
    "conversations.members": channel_members,
    "users.conversations": user_channels,
    "users.list": users_list,
    "dnd.info": dnd_info,
    "team.info": team_info,
    "bots.info": bot_info,
}


class StandIn(Workspace):
    """The Slack stand-in the bot talks to: the workspace, answering the Web API."""

    def _default(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        answer = METHODS.get(method)
        if answer is None:
            return super()._default(method, params)
        with self._lock:
            return answer(self, params)
