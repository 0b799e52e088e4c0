"""A Socket Mode endpoint on loopback: just enough WebSocket (RFC 6455) to say hello, hand the
app envelopes and read its acks, so Socket Mode can be tested without Slack."""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import struct
import threading
from typing import Any

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def _frame(opcode: int, payload: bytes) -> bytes:
    """A server frame (servers never mask)."""
    head = bytes([0x80 | opcode])
    if len(payload) < 126:
        head += bytes([len(payload)])
    elif len(payload) < 65536:
        head += struct.pack("!BH", 126, len(payload))
    else:
        head += struct.pack("!BQ", 127, len(payload))
    return head + payload


def _read_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


class FakeSocketMode:
    def __init__(self) -> None:
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(8)
        self.acks: dict[str, dict[str, Any]] = {}
        self.connected = threading.Event()
        self._conn: socket.socket | None = None
        self._lock = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._listener.getsockname()[1]}/link/?ticket=t"

    def send(self, envelope: dict[str, Any]) -> None:
        assert self.connected.wait(10), "the app never connected over Socket Mode"
        assert self._conn is not None
        self._conn.sendall(_frame(1, json.dumps(envelope).encode()))

    def wait_ack(self, envelope_id: str, timeout: float = 5.0) -> dict[str, Any]:
        with self._lock:
            assert self._lock.wait_for(lambda: envelope_id in self.acks, timeout), "no ack"
            return self.acks[envelope_id]

    def close(self) -> None:
        self._listener.close()
        if self._conn is not None:
            self._conn.close()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            request = b""
            while b"\r\n\r\n" not in request:
                request += conn.recv(4096) or b"\r\n\r\n"
            key = next(
                line.split(b":", 1)[1].strip()
                for line in request.split(b"\r\n")
                if line.lower().startswith(b"sec-websocket-key:")
            )
            accept = base64.b64encode(hashlib.sha1(key + GUID).digest())
            conn.sendall(
                b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                b"Connection: Upgrade\r\nSec-WebSocket-Accept: " + accept + b"\r\n\r\n"
            )
            conn.sendall(_frame(1, json.dumps({"type": "hello", "num_connections": 1}).encode()))
            self._conn = conn
            self.connected.set()
            while True:
                opcode, payload = self._read_frame(conn)
                if opcode == 9:  # ping
                    conn.sendall(_frame(10, payload))
                elif opcode == 1:
                    message = json.loads(payload)
                    with self._lock:
                        self.acks[message.get("envelope_id", "")] = message
                        self._lock.notify_all()
                elif opcode == 8:
                    return
        except (OSError, ConnectionError, StopIteration, ValueError):
            return
        finally:
            conn.close()

    @staticmethod
    def _read_frame(conn: socket.socket) -> tuple[int, bytes]:
        b1, b2 = _read_exact(conn, 2)
        length = b2 & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", _read_exact(conn, 2))
        elif length == 127:
            (length,) = struct.unpack("!Q", _read_exact(conn, 8))
        mask = _read_exact(conn, 4) if b2 & 0x80 else b"\0\0\0\0"
        data = _read_exact(conn, length)
        return b1 & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))
