"""A TCP proxy on 127.0.0.1 that injects network faults between Chromium and a Jupyter server.

Point the page at `proxy.base_url` (e.g. `NotebookPage(server, ctx, path, base_url=...)`), and
all of its HTTP and websocket traffic passes through the proxy.  Then:

- `cut(seconds)`: for that long every byte read from either side is discarded (a black hole:
  the sockets stay open, as when a network drops); new connections are accepted and black-holed
  too.  Afterwards every connection is reset (RST, SO_LINGER 0) on both sides, so the server and
  JupyterLab both notice and JupyterLab reconnects by itself.
- `reset_all()`: reset every open connection now.

The proxy runs an asyncio loop in a daemon thread; every public method is thread-safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

_T = TypeVar("_T")
_CHUNK = 65536


@dataclass
class ProxyStats:
    """Counters since start; "up" is browser -> server, "down" server -> browser."""

    connections: int = 0  # accepted from the browser
    black_holed_connections: int = 0  # accepted while a cut was on
    resets: int = 0  # connections ended with RST by cut() or reset_all()
    open_connections: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    discarded_up: int = 0
    discarded_down: int = 0


@dataclass
class CutRecord:
    """One cut: wall-clock times (time.time(), comparable with the page's Date.now() / 1000)."""

    started: float
    ended: float | None = None  # when the resets were done
    connections_reset: int = 0
    discarded_up: int = 0
    discarded_down: int = 0


@dataclass(eq=False)  # hashed by identity, kept in a set
class _Conn:
    client: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)


def _rst(writer: asyncio.StreamWriter | None) -> None:
    """Close with RST: SO_LINGER on, timeout 0, then abort (no FIN, no flush)."""
    if writer is None or writer.transport.is_closing():
        return
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    """`FaultProxy(server.port)` forwards 127.0.0.1:`proxy.port` to 127.0.0.1:`target_port`."""

    def __init__(self, target_port: int, target_host: str = "127.0.0.1", port: int = 0) -> None:
        self.target_host, self.target_port, self._want_port = target_host, target_port, port
        self.port = 0
        self.cuts: list[CutRecord] = []
        self._stats = ProxyStats()
        self._conns: set[_Conn] = set()
        self._tasks: set[asyncio.Future[CutRecord]] = set()
        self._black_hole = False
        self._cut_base = (0, 0)  # discarded_up/down when the current cut started
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def stats(self) -> ProxyStats:
        """A snapshot of the counters."""
        return self._call(self._snapshot())

    @property
    def black_holed(self) -> bool:
        return self._black_hole

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        if self._thread is not None:
            raise RuntimeError("FaultProxy.start() called twice")
        loop = self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=loop.run_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._accept, "127.0.0.1", self._want_port))
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        self._call(self._shutdown())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start() if self._thread is None else self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- faults ----------------------------------------------------------------------------

    def start_cut(self) -> CutRecord:
        """Black-hole everything from now on, until end_cut()."""
        return self._call(self._start_cut())

    def end_cut(self) -> CutRecord:
        """Stop black-holing and reset every connection (the black-holed ones included)."""
        return self._call(self._end_cut())

    def cut(self, seconds: float, *, wait: bool = True) -> CutRecord:
        """A network drop of `seconds`, then RST on every connection.

        With wait=False it returns at once; the record's `ended` is set when the cut is over
        (poll it, or call `wait_cut_over()`).
        """
        record = self.start_cut()
        if wait:
            time.sleep(seconds)
            return self.end_cut()
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._loop.call_later, seconds, self._end_cut_soon)
        return record

    def wait_cut_over(self, timeout: float = 60) -> CutRecord:
        deadline = time.monotonic() + timeout
        while not self.cuts or self.cuts[-1].ended is None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the proxy's cut did not end within {timeout}s")
            time.sleep(0.01)
        return self.cuts[-1]

    def reset_all(self) -> int:
        """RST every open connection now; returns how many were reset."""
        return self._call(self._reset_all())

    # -- loop side -------------------------------------------------------------------------

    def _call(self, coro: Coroutine[Any, Any, _T], timeout: float = 30) -> _T:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the FaultProxy is not running; call start()")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout)

    async def _snapshot(self) -> ProxyStats:
        return replace(self._stats, open_connections=len(self._conns))

    async def _start_cut(self) -> CutRecord:
        if self._black_hole:
            raise RuntimeError("a cut is already on")
        self._black_hole = True
        record = CutRecord(time.time())
        self._cut_base = (self._stats.discarded_up, self._stats.discarded_down)
        self.cuts.append(record)
        return record

    async def _end_cut(self) -> CutRecord:
        record = self.cuts[-1]
        if not self._black_hole:
            return record
        record.connections_reset = await self._reset_all()
        record.discarded_up = self._stats.discarded_up - self._cut_base[0]
        record.discarded_down = self._stats.discarded_down - self._cut_base[1]
        self._black_hole = False
        record.ended = time.time()
        return record

    def _end_cut_soon(self) -> None:
        # Held until done: the loop keeps only weak references to its tasks.
        task = asyncio.ensure_future(self._end_cut())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _reset_all(self) -> int:
        conns, self._conns = list(self._conns), set()
        for conn in conns:
            _rst(conn.client)
            _rst(conn.upstream)
            for task in conn.tasks:
                task.cancel()
        self._stats.resets += len(conns)
        return len(conns)

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        await self._reset_all()
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._stats.connections += 1
        conn = _Conn(writer)
        self._conns.add(conn)
        writer.transport.set_write_buffer_limits(high=4 * _CHUNK)
        if self._black_hole:
            # Accepted but never connected upstream: only the reset at the cut's end ends it.
            self._stats.black_holed_connections += 1
            await self._pump(reader, None, up=True)
            if conn in self._conns:  # the browser closed it during the cut
                self._conns.discard(conn)
                writer.close()
            return
        try:
            up_reader, conn.upstream = await asyncio.open_connection(
                self.target_host, self.target_port
            )
        except OSError:
            _rst(writer)
            self._conns.discard(conn)
            return
        if conn not in self._conns:  # reset while connecting upstream
            _rst(conn.upstream)
            return
        up_sock = conn.upstream.get_extra_info("socket")
        for sock in (up_sock, writer.get_extra_info("socket")):
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        conn.tasks = [
            asyncio.ensure_future(self._pump(reader, conn.upstream, up=True)),
            asyncio.ensure_future(self._pump(up_reader, writer, up=False)),
        ]
        await asyncio.gather(*conn.tasks, return_exceptions=True)
        if conn in self._conns:  # both sides ended normally
            self._conns.discard(conn)
            for w in (writer, conn.upstream):
                if not w.transport.is_closing():
                    w.close()

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter | None, *, up: bool
    ) -> None:
        """Copy reader -> writer, discarding whatever is read while a cut is on."""
        try:
            while data := await reader.read(_CHUNK):
                if self._black_hole or writer is None:
                    if up:
                        self._stats.discarded_up += len(data)
                    else:
                        self._stats.discarded_down += len(data)
                    continue
                if up:
                    self._stats.bytes_up += len(data)
                else:
                    self._stats.bytes_down += len(data)
                writer.write(data)
                await writer.drain()
            if writer is not None and writer.can_write_eof() and not writer.transport.is_closing():
                writer.write_eof()
        except (ConnectionError, OSError):
            pass
