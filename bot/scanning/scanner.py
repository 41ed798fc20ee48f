"""Asks clamd about a file over its unix socket (INSTREAM) and fails closed.

Any error, timeout or unexpected reply raises ``ScannerUnavailable``; only clamd's
explicit ``stream: OK`` makes a file clean. A small asyncio client is used instead
of the ``clamd`` package in a thread: it is as fast (see ``bot/scanning/bench.py``),
needs no thread per scan, and avoids that package's quirks (BrokenPipeError on an
oversize stream over a unix socket, its own ConnectionError, a bare TimeoutError).
"""

from __future__ import annotations

import asyncio
import socket
import struct
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from bot.config import Settings
from bot.models import ScanVerdict

CHUNK_BYTES = 256 * 1024
LIMITS_PREFIX = "Heuristics.Limits.Exceeded"
STREAM_LIMIT_SIGNATURE = f"{LIMITS_PREFIX}.StreamMaxLength"


class ScannerUnavailable(RuntimeError):
    """clamd did not give a verdict (down, frozen, broken reply): the file is not clean."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str | None
    duration_s: float
    scanned_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def limits_exceeded(self) -> bool:
        """True when clamd refused the file for exceeding a scan limit (not proven clean)."""
        return bool(self.signature and self.signature.startswith(LIMITS_PREFIX))

    def verdict(self) -> ScanVerdict:
        """The shared model stored with an upload."""
        return ScanVerdict(clean=self.clean, signature=self.signature, scanned_at=self.scanned_at)


def parse_reply(reply: bytes) -> tuple[bool, str | None]:
    """(clean, signature) from clamd's INSTREAM reply; raises on anything else."""
    text = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    if "size limit exceeded" in text:
        return False, STREAM_LIMIT_SIGNATURE
    if text.endswith(" ERROR") or ": " not in text:
        raise ScannerUnavailable(f"clamd error reply: {text[:200]!r}")
    status = text.split(": ", 1)[1]
    if status == "OK":
        return True, None
    if status.endswith(" FOUND"):
        return False, status[: -len(" FOUND")].strip() or "unknown"
    raise ScannerUnavailable(f"unexpected clamd reply: {text[:200]!r}")


async def instream(socket_path: Path, data: bytes, chunk_bytes: int = CHUNK_BYTES) -> bytes:
    """Send data with clamd's INSTREAM command over a unix socket; return the raw reply."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setblocking(False)
    try:
        await loop.sock_connect(sock, str(socket_path))
        try:
            await loop.sock_sendall(sock, b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(view), chunk_bytes):
                chunk = view[start : start + chunk_bytes]
                await loop.sock_sendall(sock, struct.pack("!L", len(chunk)))
                await loop.sock_sendall(sock, chunk)
            await loop.sock_sendall(sock, struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            pass  # clamd stops reading once a limit is hit; its reply (if any) says why
        return await _read_reply(loop, sock)
    finally:
        sock.close()


async def _read_reply(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    """Read until clamd's NUL terminator or end of stream."""
    reply = b""
    while not reply.endswith(b"\0"):
        try:
            part = await loop.sock_recv(sock, 4096)
        except ConnectionResetError:
            part = b""
        if not part:
            break
        reply += part
    if not reply:
        raise ScannerUnavailable("clamd closed the connection without a reply")
    return reply


class Scanner:
    """clamd over its unix socket, bounded in time and concurrency."""

    def __init__(self, settings: Settings, *, max_concurrent: int = 8) -> None:
        self.socket_path = Path(settings.clamd_socket)
        self.timeout_s = settings.clamd_timeout_s
        self._slots = asyncio.Semaphore(max_concurrent)

    async def scan(self, data: bytes) -> ScanResult:
        """Verdict of clamd on these bytes; raises ScannerUnavailable instead of guessing."""
        started = time.monotonic()
        async with self._slots:
            try:
                reply = await asyncio.wait_for(instream(self.socket_path, data), self.timeout_s)
            except ScannerUnavailable:
                raise
            except (asyncio.TimeoutError, TimeoutError) as exc:
                raise ScannerUnavailable(f"clamd gave no verdict within {self.timeout_s} s") from exc
            except OSError as exc:
                raise ScannerUnavailable(f"clamd not reachable: {exc.__class__.__name__}") from exc
        clean, signature = parse_reply(reply)
        return ScanResult(clean=clean, signature=signature, duration_s=time.monotonic() - started)

    async def ping(self) -> bool:
        """True when clamd answers PING within a second."""
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_unix_connection(str(self.socket_path)), 1)
            try:
                writer.write(b"zPING\0")
                await writer.drain()
                return (await asyncio.wait_for(reader.readuntil(b"\0"), 1)) == b"PONG\0"
            finally:
                writer.close()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            return False
