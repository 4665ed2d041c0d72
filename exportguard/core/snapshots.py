"""What a parser reads, returns and what an import stores: :class:`SourceFile` (one input
file's name and bytes), :class:`ParsedList` (the entries of one
published list file or file set), :class:`Snapshot` (one stored import of one list, immutable
once stored) and :class:`DateBasis` (where a snapshot's publication date came from).

Frozen slots dataclasses like the entries they carry (:mod:`exportguard.core.entities`);
dates are ``datetime.date``, ``imported_at``/``retired_at`` ISO 8601 UTC strings.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from exportguard.core.entities import ListEntry


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file: the name to show in messages (a path or URL) and its bytes (read
    from disk, downloaded or uploaded: parsers never open files themselves)."""

    name: str
    data: bytes

    @property
    def basename(self) -> str:
        return self.name.replace("\\", "/").rsplit("/", 1)[-1]

    def head(self, size: int = 4096) -> bytes:
        """The first bytes, without a UTF-8 byte-order mark, for sniffing."""
        return self.data[:size].removeprefix(b"\xef\xbb\xbf")


@dataclass(frozen=True, slots=True)
class ParsedList:
    """What a parser returns: the entries of one published list file (or file set).

    ``published`` is the publication date the file itself carries, or ``None`` when it
    carries none (the importer then asks for one or uses the newest listing date).
    ``counts`` holds record counts worth showing (rows read, entries, names, ...).
    """

    source: str
    format: str
    entries: tuple[ListEntry, ...]
    published: date | None = None
    counts: Mapping[str, int] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()


class DateBasis(enum.StrEnum):
    """Where a snapshot's publication date came from, most to least reliable."""

    FILE = "file"  # the file states it
    GIVEN = "given"  # the importer gave it (--published)
    PATH = "path"  # a YYYY-MM-DD in the file's folder or name (local imports only)
    NEWEST_LISTING = "newest-listing"  # the newest listing date in the file
    IMPORT_DATE = "import-date"  # nothing better: the day of the import


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One import of one list: its content immutable once stored.

    ``date_basis`` says where ``published`` came from (:class:`DateBasis`); a snapshot
    dated only by its import, or by its newest listing, is never preferred to one whose
    date is stated (:attr:`date_rank`). A
    ``retired`` snapshot (an admin's act, with a reason) is kept for the record and for
    replays, but no longer screened against.
    """

    id: int
    source: str
    format: str
    published: date
    content_hash: str
    imported_at: str
    files: tuple[str, ...]
    counts: Mapping[str, int]
    date_basis: DateBasis = field(default_factory=lambda: DateBasis.FILE)
    retired_at: str | None = None
    retired_by: str | None = None
    retired_reason: str | None = None

    @property
    def dated(self) -> bool:
        """Whether the publication date is known (not just the day it was imported)."""
        return self.date_basis is not DateBasis.IMPORT_DATE

    @property
    def date_rank(self) -> int:
        """How far the publication date can be trusted to order snapshots of one list: 2
        stated (by the file, the importer or the file's folder), 1 inferred from the
        newest listing in the file (it says only "no earlier than": a 13-row sample cut
        from a later list must not replace the full list), 0 the import date. Snapshots
        of one source are ordered by date only within the best rank present."""
        if self.date_basis is DateBasis.IMPORT_DATE:
            return 0
        return 1 if self.date_basis is DateBasis.NEWEST_LISTING else 2

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form: the CLI's ``--json`` and the API's body alike."""
        return {
            "id": self.id, "source": self.source, "format": self.format,
            "published": self.published.isoformat(), "date_basis": self.date_basis.value,
            "imported_at": self.imported_at, "content_hash": self.content_hash,
            "files": list(self.files), "counts": dict(self.counts),
            "retired_at": self.retired_at, "retired_by": self.retired_by,
            "retired_reason": self.retired_reason,
        }  # fmt: skip
