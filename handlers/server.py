"""The HTTP server: waitress, refusing bodies over the limit itself, and stopping in steps.

waitress answers 413 to a request whose declared length is over `MAX_BODY` as soon as it
has read the headers, and to a chunked body as soon as it grows past it; either way it
closes the connection and keeps no more than the limit.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

from handlers.http import MAX_BODY, WSGIApp


class HttpServer:
    """waitress, with the body limit, on its own thread, stoppable in steps: stop accepting,
    let the requests in flight finish (their acks go out), close."""

    def __init__(self, wsgi: WSGIApp, host: str, port: int, threads: int = 16) -> None:
        from waitress.server import create_server

        self._server: Any = create_server(
            wsgi,
            host=host,
            port=port,
            threads=threads,
            ident="nudgebot",
            max_request_body_size=MAX_BODY,
            expose_tracebacks=False,
        )
        self._thread = threading.Thread(target=self._run, name="http", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.effective_port)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        # close() below empties the socket map, which is how the loop ends.
        with contextlib.suppress(OSError, ValueError):
            self._server.run()

    def stop_accepting(self) -> None:
        """Close the listening socket (in the server's own loop): new connections are
        refused, open ones are still served."""
        from waitress import wasyncore

        self._in_loop(lambda: wasyncore.dispatcher.close(self._server))

    def stop(self, timeout: float) -> bool:
        """Stop accepting, wait up to `timeout` s for the requests in flight (arriving,
        served or being answered), then close every connection. True if none was cut off."""
        self.stop_accepting()
        deadline = time.monotonic() + timeout
        while self._busy() and time.monotonic() < deadline:
            time.sleep(0.05)
        finished = not self._busy()
        self._in_loop(self._close_all)  # an empty socket map ends the loop
        self._thread.join(max(deadline - time.monotonic(), 1))
        self._server.task_dispatcher.shutdown(timeout=1)
        return finished

    def _in_loop(self, thunk: Callable[[], None]) -> None:
        """Run `thunk` on the server's loop thread, or here if that thread has ended."""
        if self._thread.is_alive():
            with contextlib.suppress(OSError):  # the loop closed its trigger meanwhile
                self._server.trigger.pull_trigger(thunk)
                return
        thunk()

    def _busy(self) -> bool:
        tasks = self._server.task_dispatcher
        if tasks.active_count or tasks.queue:
            return True
        # A connection is busy while a request is arriving (`request`), waiting or being
        # served (`requests`), or its answer is still being sent (`total_outbufs_len`).
        return any(
            getattr(ch, "request", None) is not None
            or getattr(ch, "requests", None)
            or getattr(ch, "total_outbufs_len", 0)
            for ch in list(self._server._map.values())
        )

    def _close_all(self) -> None:
        for channel in list(self._server._map.values()):
            with contextlib.suppress(OSError):
                channel.close()


def on_signals() -> threading.Event:
    """SIGTERM and SIGINT set the returned event (no KeyboardInterrupt, no traceback); a
    second signal while stopping exits at once."""
    stop = threading.Event()

    def handle(_signum: int, _frame: Any) -> None:
        if stop.is_set():
            os._exit(1)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
    return stop
