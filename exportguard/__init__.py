"""ExportGuard: export control of cyber-surveillance technology.

The typed Python API. Everything the CLI does is here too::

    import exportguard

    eg = exportguard.connect()                 # EXPORTGUARD_DATABASE_URL or local SQLite
    eg.import_demo()                           # or eg.import_paths(["lists/"])
    result = eg.screen("Позитив Текнолоджиз", country="RU")
    for hit in result.hits:
        print(hit.score, hit.entry.name, hit.entry.list_name)

    exportguard.screen("NSO Group")            # one-off, on the default store
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Unpack

from exportguard.core.entities import (
    Address,
    Alias,
    AliasQuality,
    EntityType,
    Identifier,
    ListEntry,
)
from exportguard.core.hits import Hit
from exportguard.core.snapshots import Snapshot
from exportguard.core.thresholds import DEFAULT_THRESHOLD
from exportguard.errors import (
    ExportGuardError,
    FieldError,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RegimeError,
    SourceFormatError,
)
from exportguard.services import ExportGuard, ImportReport, ScreeningResult
from exportguard.services.screening import ScreenOptions

__all__ = [
    "DEFAULT_THRESHOLD",
    "Address",
    "Alias",
    "AliasQuality",
    "EntityType",
    "ExportGuard",
    "ExportGuardError",
    "FieldError",
    "Hit",
    "Identifier",
    "IllegalTransition",
    "ImportReport",
    "InvalidInput",
    "ListEntry",
    "NotFound",
    "PermissionDenied",
    "RegimeError",
    "ScreenOptions",
    "ScreeningResult",
    "Snapshot",
    "SourceFormatError",
    "connect",
    "import_lists",
    "screen",
]


def connect(database_url: str | None = None, *, actor: str | None = None) -> ExportGuard:
    """An :class:`ExportGuard` on ``database_url``, else on the configured store
    (``EXPORTGUARD_DATABASE_URL``, else SQLite in the user data directory)."""
    from exportguard import settings

    config = settings.load()
    return ExportGuard(database_url or config.database_url, actor=actor or config.actor)


def screen(
    name: str, *, database_url: str | None = None, **options: Unpack[ScreenOptions]
) -> ScreeningResult:
    """Screen one party on the configured store; ``options`` (``country``, ``type``,
    ``birth_date``, ``identifiers``, ``as_of``, ``limit``, ``threshold``, ``sources``,
    ``lists``, ``record``) as :meth:`ExportGuard.screen`, whose defaults apply to those not
    given."""
    eg = connect(database_url)
    try:
        return eg.screen(name, **options)
    finally:
        eg.close()


def import_lists(
    paths: Sequence[str | Path], *, database_url: str | None = None, published: date | None = None
) -> ImportReport:
    """Import list files or folders into the configured store."""
    eg = connect(database_url)
    try:
        return eg.import_paths(paths, published=published)
    finally:
        eg.close()
