"""`serve --workers N` (N > 1): N uvicorn worker processes, each with its own listening
socket on the same address (``SO_REUSEPORT``), so the kernel spreads new connections over
them.

Why not uvicorn's own supervisor: it binds one socket that every worker accepts from, and
an asyncio worker that wakes first accepts every pending connection at once. Clients that
open their keep-alive connections together (a proxy's pool, a batch client) then all land
on one worker: measured with ``bench/api_load.py`` (16 connections, 2 workers), one worker
used 31 CPU seconds and the other 18, and two workers served 54 screenings/s where one
served 50. With a socket each, the kernel hashes each connection to one of them.

The supervisor binds every socket before starting a worker (a port in use fails at once,
in the terminal), restarts a worker that dies after it has started, and stops (exit 1) if
one dies while starting (the app, the store or the settings are broken and would fail the
same way again). SIGINT and SIGTERM stop the workers gracefully. Linux and the BSDs have
``SO_REUSEPORT``; elsewhere the supervisor says so and the caller serves with one worker.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
import threading
import time
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from typing import TypedDict

#: Seconds a worker must live to count as started: one that dies sooner is a start-up
#: failure (bad settings, a store that cannot be opened), not a crash to restart from.
STARTUP_SECONDS = 30.0
#: Seconds a worker is given to finish its requests after SIGTERM before it is killed
#: (uvicorn's graceful shutdown is 20 s).
STOP_SECONDS = 25.0


class ServerOptions(TypedDict):
    """The uvicorn options every worker is started with (``uvicorn.Config``'s keywords)."""

    app: str
    factory: bool
    log_level: str
    log_config: None
    proxy_headers: bool
    forwarded_allow_ips: str | None
    timeout_graceful_shutdown: int


def reuse_port_available() -> bool:
    """Whether this system can give each worker its own socket on one port."""
    return hasattr(socket, "SO_REUSEPORT")


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port`` that other sockets may share
    (``SO_REUSEPORT``). Raises :class:`OSError` if the address is taken by another program
    or cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def _worker(options: ServerOptions, sock: socket.socket) -> None:
    import uvicorn

    uvicorn.Server(uvicorn.Config(**options)).run(sockets=[sock])


def serve(
    options: ServerOptions, host: str, port: int, workers: int,
    *, on_listen: Callable[[int], None], on_stop: Callable[[str], None],
) -> int:  # fmt: skip
    """Run ``workers`` worker processes on ``host``:``port`` until SIGINT or SIGTERM; the
    exit status (0, or 1 after a worker failed to start). ``on_listen`` is told the port
    once every socket is bound (the one the system chose for port 0), ``on_stop`` why the
    workers are stopped early. Raises :class:`OSError` when the address cannot be bound
    (nothing is started then)."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(workers):
            sockets.append(bind(host, port if not sockets else sockets[0].getsockname()[1]))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    on_listen(sockets[0].getsockname()[1])
    spawn = multiprocessing.get_context("spawn")
    stop = threading.Event()

    def start(sock: socket.socket) -> tuple[SpawnProcess, float]:
        process = spawn.Process(target=_worker, args=(options, sock), daemon=False)
        process.start()
        return process, time.monotonic()

    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}  # fmt: skip
    running = [start(sock) for sock in sockets]
    status = 0
    try:
        while not stop.wait(0.5):
            for n, (process, started) in enumerate(running):
                if process.is_alive():
                    continue
                if time.monotonic() - started < STARTUP_SECONDS:
                    on_stop(f"worker {process.pid} failed to start (exit code "
                            f"{process.exitcode}): stopping")  # fmt: skip
                    status = 1
                    stop.set()
                    break
                running[n] = start(sockets[n])
    finally:
        for process, _ in running:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in flight
        deadline = time.monotonic() + STOP_SECONDS
        for process, _ in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        for sock in sockets:
            sock.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
