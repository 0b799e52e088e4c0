"""The workspace kept between runs: channels, messages, App Home views and files are saved
next to the database (`playground.json`) when the playground stops, and loaded when it
starts, so a restart shows the history that the database remembers. `--reset` deletes both.
Modals, response URLs and triggers are not kept: they last seconds in Slack too."""

from __future__ import annotations

import base64
import json
import logging
import re
from pathlib import Path
from typing import Any

from playground.workspace import Workspace

log = logging.getLogger("nudgebot.playground")

VERSION = 1


def save(ws: Workspace, path: Path) -> None:
    with ws.lock:
        files = {
            fid: {**f, "data": base64.b64encode(f["data"]).decode() if f["data"] else None}
            for fid, f in ws.files.items()
        }
        state = {
            "version": VERSION,
            "channels": ws.channels,
            "history": ws.history,
            "homes": ws.homes,
            "files": files,
        }
        text = json.dumps(state)
    path.with_suffix(".tmp").write_text(text)
    path.with_suffix(".tmp").replace(path)


def load(ws: Workspace, path: Path) -> bool:
    """Load what `save` wrote; False (and nothing changed) when there is nothing usable."""
    try:
        state = json.loads(path.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as err:
        log.warning("%s could not be read (%s): starting with empty channels", path, err)
        return False
    if not isinstance(state, dict) or state.get("version") != VERSION:
        return False
    files: dict[str, dict[str, Any]] = state["files"]
    with ws.lock:
        ws.channels.update(state["channels"])
        ws.history.update(state["history"])
        ws.homes.update(state["homes"])
        for fid, found in files.items():
            data = found["data"]
            ws.files[fid] = {**found, "data": base64.b64decode(data) if data else None}
        numbers = [int(n) for n in re.findall(r"[FV](\d{8})", json.dumps(state["homes"]))]
        numbers += [int(fid[1:]) for fid in files if fid[1:].isdigit()]
        ws.ids_from(max(numbers, default=0) + 1)
        ws.changed()
    return True
