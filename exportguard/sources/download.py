"""Downloading the official feeds (``feeds.yaml``); ``ExportGuard.update_lists`` imports them.

The network is behind a small :class:`Transport` protocol: :class:`HttpTransport` (httpx,
with a size cap and a timeout) in production, any object with ``get(url) -> bytes`` in
tests (which run a local HTTP server; nothing touches the internet). One feed failing
does not stop the others; each feed imports atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Protocol

import httpx
import yaml

from exportguard.core.snapshots import SourceFile
from exportguard.errors import DownloadError, InvalidInput, SourceFormatError

#: Largest download accepted (the full OFAC SDN Enhanced XML is ~100 MB).
MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FeedFile:
    url: str
    name: str


@dataclass(frozen=True, slots=True)
class Feed:
    name: str
    description: str
    files: tuple[FeedFile, ...]


class Transport(Protocol):
    """Fetches one URL's bytes, or raises :class:`DownloadError`."""

    def get(self, url: str) -> bytes: ...


class HttpTransport:
    """HTTP(S) downloads with httpx: redirects followed, size capped, one timeout."""

    def __init__(self, *, timeout: float = 120.0, max_bytes: int = MAX_DOWNLOAD_BYTES) -> None:
        self._client = httpx.Client(
            timeout=timeout,
            follow_redirects=True,
            headers={"User-Agent": "exportguard (list update)"},
        )
        self._max = max_bytes

    def get(self, url: str) -> bytes:
        try:
            with self._client.stream("GET", url) as response:
                if response.status_code != 200:
                    raise DownloadError(f"{url}: HTTP {response.status_code}")
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self._max:
                        raise DownloadError(f"{url}: larger than {self._max} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise DownloadError(f"{url}: {exc}") from exc

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpTransport:
        return self

    def __exit__(
        self, *exc: tuple[type[BaseException] | None, BaseException | None, TracebackType | None]
    ) -> None:
        self.close()


def load_feeds(path: Path | None = None) -> list[Feed]:
    """The bundled feed table, or one from ``path``; validated."""
    if path is None:
        text = resources.files("exportguard.sources").joinpath("feeds.yaml").read_text("utf-8")
        where = "exportguard/sources/feeds.yaml"
    else:
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot read {path}: {exc.strerror}", field="feeds_file") from exc
        where = str(path)
    try:
        data = yaml.safe_load(text)
        feeds = [
            Feed(
                str(f["name"]),
                str(f.get("description", "")),
                tuple(FeedFile(str(x["url"]), str(x["name"])) for x in f["files"]),
            )
            for f in data["feeds"]
        ]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise SourceFormatError(
            f"not a valid feed table: {exc}", file=where, field="feeds"
        ) from exc
    if not feeds or any(not f.files for f in feeds):
        raise SourceFormatError("every feed needs at least one file", file=where, field="files")
    return feeds


def select(feeds: Sequence[Feed], names: Sequence[str]) -> list[Feed]:
    """The feeds named (all when ``names`` is empty); unknown names are an error."""
    if not names:
        return list(feeds)
    known = {f.name: f for f in feeds}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput(
            f"unknown feed(s) {', '.join(unknown)}; known: {', '.join(known)}", field="feed"
        )
    return [known[n] for n in names]


def fetch(feed: Feed, transport: Transport) -> list[SourceFile]:
    """The files of one feed, downloaded (named for the format detector and for messages)."""
    return [SourceFile(_display_name(f), transport.get(f.url)) for f in feed.files]


def _display_name(file: FeedFile) -> str:
    """The URL's folder and the feed's file name: the detector reads the last part, and
    messages still say where the bytes came from."""
    return f"{file.url.split('?', 1)[0].rsplit('/', 1)[0]}/{file.name}"
