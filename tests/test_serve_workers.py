"""`serve --workers N`: each worker listens on its own socket of one port (SO_REUSEPORT),
so connections opened together are spread over the workers (cli/workers.py); a taken port
and a worker that cannot start are clear errors."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import psutil
import pytest

from exportguard.cli.workers import reuse_port_available

pytestmark = pytest.mark.skipif(not reuse_port_available(), reason="no SO_REUSEPORT here")

#: The installed command, beside the interpreter running the tests (.venv/bin).
EXE = [str(Path(sys.executable).with_name("exportguard"))]


class Server:
    """``exportguard serve`` with ``args`` on port 0: the port it says it listens on, and
    everything it writes to stderr (read all along, so the pipe never fills)."""

    def __init__(self, db: str, *args: str) -> None:
        self.process = subprocess.Popen(
            [*EXE, "--db", db, "serve", "--port", "0", *args],
            stderr=subprocess.PIPE, text=True, env={**os.environ, "EXPORTGUARD_DEMO": "0"},
        )  # fmt: skip
        self.lines: list[str] = []
        self.listening = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        with self.process.stderr:
            for line in self.process.stderr:
                self.lines.append(line)
                if re.search(r"ExportGuard at http://127\.0\.0\.1:(\d+)/", line):
                    self.listening.set()

    @property
    def port(self) -> int:
        assert self.listening.wait(120), "".join(self.lines)
        found = re.search(r"ExportGuard at http://127\.0\.0\.1:(\d+)/", "".join(self.lines))
        assert found is not None
        return int(found.group(1))

    def stop(self) -> int:
        """Its exit status after SIGTERM (or after it stopped by itself)."""
        if self.process.poll() is None:
            self.process.terminate()
        status = self.process.wait(120)
        self.reader.join(30)
        return status


def wait_healthy(port: int) -> None:
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        asyncio.run(asyncio.sleep(0.1))
    raise AssertionError("the service never answered /health")


def test_connections_opened_together_are_spread_over_the_workers(tmp_path: Path) -> None:
    server = Server(f"sqlite:///{tmp_path / 'eg.db'}", "--workers", "2")
    try:
        port = server.port
        wait_healthy(port)

        async def sixteen_connections() -> dict[int, int]:
            limits = httpx.Limits(max_connections=16, max_keepalive_connections=16)
            async with httpx.AsyncClient(limits=limits) as client:
                answers = await asyncio.gather(
                    *[client.get(f"http://127.0.0.1:{port}/health") for _ in range(16)]
                )
                assert {a.status_code for a in answers} == {200}
                # While the client keeps them open: which worker holds each connection.
                return {
                    child.pid: sum(c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port
                                   for c in child.net_connections())
                    for child in psutil.Process(server.process.pid).children()
                }  # fmt: skip

        held = asyncio.run(sixteen_connections())
        workers = [count for count in held.values() if count]
        assert sum(workers) == 16
        # Every worker has some (one socket for all gave one worker 13 of 16 here); with
        # the kernel's hash, all 16 on one of two workers has odds of 1 in 32,768.
        assert len(workers) == 2, held
    finally:
        assert server.stop() == 0, "".join(server.lines)[-3000:]


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [*EXE, "--db", f"sqlite:///{tmp_path / 'eg.db'}", "serve", "--port", str(port),
             "--workers", "2"],
            check=False, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in " ".join(done.stderr.split())


def test_a_worker_that_cannot_start_stops_the_service(tmp_path: Path) -> None:
    # No database server answers on port 1: every worker fails while starting, and the
    # supervisor stops instead of restarting them for ever.
    server = Server("postgresql+psycopg://nobody@127.0.0.1:1/none", "--workers", "2")
    assert server.process.wait(120) == 1
    assert server.stop() == 1
    assert "failed to start" in "".join(server.lines)
