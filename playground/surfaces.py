"""Modals, App Home and files in the playground's workspace: the views.* and files.* Web API
methods, and the view stacks the page shows and submits."""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable
from typing import Any

from playground.people import APP_ID, BOT_ID, BOT_USER
from playground.workspace import Workspace, as_json

Params = dict[str, Any]
Answer = dict[str, Any]


def _error(code: str) -> Answer:
    return {"ok": False, "error": code}


# -- view stacks ------------------------------------------------------------------------------


def new_view(ws: Workspace, view: dict[str, Any], user: str) -> dict[str, Any]:
    """A view as Slack stores it: the app's view with its id, hash and an empty state."""
    view_id = f"V{ws.file_id()[1:]}"
    return {
        **view,
        "id": view_id,
        "root_view_id": view_id,
        "team_id": ws.team_id,
        "app_id": APP_ID,
        "bot_id": BOT_ID,
        "hash": secrets.token_hex(5),
        "state": {"values": {}},
        "user": user,
    }


def top_modal(ws: Workspace, user: str) -> dict[str, Any] | None:
    with ws.lock:
        stack = ws.modals.get(user) or []
        return stack[-1] if stack else None


def find_view(ws: Workspace, view_id: str) -> dict[str, Any] | None:
    with ws.lock:
        for stack in ws.modals.values():
            for view in stack:
                if view["id"] == view_id:
                    return view
        return next((v for v in ws.homes.values() if v["id"] == view_id), None)


def close_modal(
    ws: Workspace, user: str, view_id: str | None = None, everything: bool = False
) -> None:
    """Close the person's top modal (if it is `view_id`), or every modal they have open."""
    with ws.lock:
        stack = ws.modals.get(user) or []
        if everything:
            stack.clear()
        elif stack and (view_id is None or stack[-1]["id"] == view_id):
            stack.pop()
        ws.changed()


def replace_view(ws: Workspace, old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Update a modal or home view in place, keeping its id."""
    with ws.lock:
        keep = {k: old[k] for k in ("id", "root_view_id", "team_id", "app_id", "user")}
        old.clear()
        old.update({**new, **keep, "hash": secrets.token_hex(5), "state": {"values": {}}})
        ws.changed()
        return old


def push_modal(ws: Workspace, user: str, view: dict[str, Any], clear: bool) -> dict[str, Any]:
    with ws.lock:
        stack = ws.modals.setdefault(user, [])
        if clear:
            stack.clear()
        made = new_view(ws, view, user)
        stack.append(made)
        ws.changed()
        return made


# -- views.* ----------------------------------------------------------------------------------


def open_view(ws: Workspace, params: Params, push: bool = False) -> Answer:
    user = ws.triggers.pop(str(params.get("trigger_id") or ""), None)
    view = as_json(params.get("view"))
    if user is None:
        return _error("invalid_trigger_id")
    if not isinstance(view, dict) or view.get("type") != "modal":
        return _error("invalid_arguments")
    return {"ok": True, "view": push_modal(ws, user, view, clear=not push)}


def update_view(ws: Workspace, params: Params) -> Answer:
    old = find_view(ws, str(params.get("view_id") or ""))
    view = as_json(params.get("view"))
    if old is None:
        return _error("not_found")
    if not isinstance(view, dict):
        return _error("invalid_arguments")
    if params.get("hash") and params["hash"] != old["hash"]:
        return _error("hash_conflict")
    return {"ok": True, "view": replace_view(ws, old, view)}


def publish(ws: Workspace, params: Params) -> Answer:
    user = str(params.get("user_id") or "")
    view = as_json(params.get("view"))
    if user not in ws.people:
        return _error("user_not_found")
    if not isinstance(view, dict) or view.get("type") != "home":
        return _error("invalid_arguments")
    old = ws.homes.get(user)
    if old is not None:
        return {"ok": True, "view": replace_view(ws, old, view)}
    ws.homes[user] = new_view(ws, view, user)
    ws.changed()
    return {"ok": True, "view": ws.homes[user]}


# -- files.* ----------------------------------------------------------------------------------


def upload_url(ws: Workspace, params: Params) -> Answer:
    file_id = ws.file_id()
    name = str(params.get("filename") or "file")
    ws.files[file_id] = {
        "id": file_id,
        "name": name,
        "title": name,
        "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
        "alt": params.get("alt_txt") or "",
        "data": None,
    }
    return {"ok": True, "file_id": file_id, "upload_url": f"{ws.base}/upload/{file_id}"}


def complete_upload(ws: Workspace, params: Params) -> Answer:
    shared = []
    for item in as_json(params.get("files")) or []:
        found = ws.files.get(str(item.get("id")))
        if found is None or found["data"] is None:
            return _error("file_not_found")
        found["title"] = item.get("title") or found["name"]
        shared.append(found)
    cid = ws.resolve(str(params.get("channel_id") or ""))
    if params.get("channel_id") and cid is None:
        return _error("channel_not_found")
    if cid is not None:
        ws.post(
            cid,
            BOT_USER,
            str(params.get("initial_comment") or ""),
            thread_ts=params.get("thread_ts") or None,
            files=[file_meta(f) for f in shared],
        )
    return {"ok": True, "files": [file_meta(f) for f in shared]}


def file_info(ws: Workspace, params: Params) -> Answer:
    found = ws.files.get(str(params.get("file") or ""))
    return {"ok": True, "file": file_meta(found)} if found else _error("file_not_found")


def file_meta(found: dict[str, Any]) -> dict[str, Any]:
    """A file as messages carry it (without its bytes), with where the page gets it."""
    meta = {k: v for k, v in found.items() if k != "data"}
    return {**meta, "url_private": f"/play/files/{found['id']}", "size": len(found["data"] or b"")}


METHODS: dict[str, Callable[[Workspace, Params], Answer]] = {
    "views.open": open_view,
    "views.push": lambda ws, params: open_view(ws, params, push=True),
    "views.update": update_view,
    "views.publish": publish,
    "files.getUploadURLExternal": upload_url,
    "files.completeUploadExternal": complete_upload,
    "files.info": file_info,
}
