"""How an imported list snapshot is dated (:class:`DateBasis`): the file's own date,
else the one given, else a date in its path, else its newest listing, else the import
date; and the dates refused (after today, before :data:`EARLIEST_PUBLICATION`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

from exportguard.core.snapshots import DateBasis, ParsedList
from exportguard.errors import InvalidInput

if TYPE_CHECKING:
    from exportguard.sources import detect

_PATH_DATE = re.compile(r"(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)")


def publication_date(
    parsed: ParsedList,
    unit: detect.ImportUnit,
    given: date | None,
    now: datetime,
    *,
    dates_from_paths: bool,
) -> tuple[date, DateBasis, str | None]:
    """The snapshot's publication date and where it came from (:class:`DateBasis`): the
    file's own, else the one given, else a date in the file's path (``.../2022-02-17/
    sdn.csv``; local imports only: an uploaded file's name is whatever the uploader typed),
    else the newest listing date in it, else the import date. The note says how a date
    was guessed. A date after today is refused (:class:`InvalidInput`): a list cannot be
    published in the future, and such a snapshot would shadow the real one."""
    found_date, basis, note = _date_and_basis(parsed, unit, given, now, dates_from_paths)
    check_publication_date(found_date, basis, now, [f.name for f in unit.files])
    return found_date, basis, note


#: No restricted-party list was published electronically before this date: an earlier
#: publication date is a typing or parsing error, and it would date the list as decades
#: stale (or, given, make it stand in for any as-of date).
EARLIEST_PUBLICATION = date(1980, 1, 1)


def check_publication_date(
    day: date, basis: DateBasis, now: datetime, files: Sequence[str]
) -> None:
    """:class:`InvalidInput` (field ``published``) for a date after today (a list cannot
    be published in the future, and it would shadow the real one) or before
    :data:`EARLIEST_PUBLICATION`."""
    names = ", ".join(files)
    if day > now.date():
        raise InvalidInput(
            f"{names}: publication date {day} ({basis.value}) is after today "
            f"({now.date()}); a list cannot be published in the future",
            field="published",
        )
    if day < EARLIEST_PUBLICATION:
        raise InvalidInput(
            f"{names}: publication date {day} ({basis.value}) is before "
            f"{EARLIEST_PUBLICATION}: no list of this kind was published then (a typing error?)",
            field="published",
        )


def _date_and_basis(
    parsed: ParsedList,
    unit: detect.ImportUnit,
    given: date | None,
    now: datetime,
    dates_from_paths: bool,
) -> tuple[date, DateBasis, str | None]:
    if parsed.published is not None:
        return parsed.published, DateBasis.FILE, None
    if given is not None:
        return given, DateBasis.GIVEN, None
    for file in unit.files if dates_from_paths else ():
        found = _PATH_DATE.findall(file.name)
        if found:
            try:
                day = date.fromisoformat(found[-1])
            except ValueError:
                continue
            return day, DateBasis.PATH, f"publication date {day} taken from the file path"
    newest = max((e.listed_from for e in parsed.entries if e.listed_from), default=None)
    if newest is not None:
        return (newest, DateBasis.NEWEST_LISTING,
                f"publication date {newest} is the newest listing date in the file")  # fmt: skip
    today = now.date()
    return (
        today,
        DateBasis.IMPORT_DATE,
        (
            f"the file has no publication date: dated with the import date {today}; it is used "
            "only while its source has no snapshot whose date is stated: import it again "
            "with its publication date to date it"
        ),
    )
