"""A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, here) that can pass,
refuse or blackhole connections, to show what the app does when its database misbehaves.

- `pass`: bytes flow both ways, as if the proxy were not there.
- `refuse`: nothing listens on the port any more; a new connection gets ECONNREFUSED.
- `blackhole`: new connections are accepted and never answered; connections already open
  stay open, and what either side sends is read and dropped (TCP acknowledges it, so the
  client sees a server that is there and says nothing: a hung host, a stuck firewall).
"""

from __future__ import annotations

import contextlib
import select
import socket
import threading
from typing import Literal

Mode = Literal["pass", "refuse", "blackhole"]


class Proxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode: Mode = "pass"
        self.port = 0
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> Proxy:
        self._listen()
        return self

    def stop(self) -> None:
        self._stopped.set()
        self._close_listener()
        with self._lock:
            for sock in list(self._sockets):
                with contextlib.suppress(OSError):
                    sock.close()
            self._sockets.clear()

    def __enter__(self) -> Proxy:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def set(self, mode: Mode) -> None:
        """Switch mode; `refuse` closes the listening socket, leaving the port it had."""
        if mode == "refuse" and self.mode != "refuse":
            self._close_listener()
        elif mode != "refuse" and self.mode == "refuse":
            self._listen()
        self.mode = mode

    # -- the work --------------------------------------------------------------------------

    def _listen(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopped.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed: refuse mode, or stop()
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.add(sock)

    def _serve(self, client: socket.socket) -> None:
        server: socket.socket | None = None
        try:
            if self.mode == "pass":
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
                self._track(server)
            self._pump(client, server)
        except OSError:
            pass
        finally:
            for sock in (client, server):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()

    def _pump(self, client: socket.socket, server: socket.socket | None) -> None:
        """Copy bytes both ways while passing; read and drop them while blackholed."""
        peers = {client: server, **({server: client} if server is not None else {})}
        while not self._stopped.is_set():
            ready, _, _ = select.select(list(peers), [], [], 0.2)
            for sock in ready:
                data = sock.recv(65536)
                if not data:
                    return
                other = peers[sock]
                if self.mode == "pass" and other is not None:
                    other.sendall(data)
