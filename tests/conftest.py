"""Shared fixtures.

- ``lists_dir``: the real government list files in ``../shared/data/lists`` (never copied
  into this repository; see its PROVENANCE.md). Tests read them from there.
- ``source_file(relpath)``: a ``SourceFile`` read from ``lists_dir``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exportguard.sources._common import SourceFile

LISTS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "lists"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS_DIR.is_dir():
        pytest.fail(f"the shared list files are missing: expected them at {LISTS_DIR}")
    return LISTS_DIR


@pytest.fixture(scope="session")
def source_file(lists_dir: Path) -> Callable[[str], SourceFile]:
    def read(relpath: str) -> SourceFile:
        path = lists_dir / relpath
        return SourceFile(str(path), path.read_bytes())

    return read
