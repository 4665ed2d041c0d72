"""Long tables on the pages: one page of rows at a time with the filters kept in every
link, and the same rows, filtered, as a CSV download (``?format=csv``).

A page number in the query that is not a whole number from 1 is :class:`InvalidInput`
naming ``page``; past the last page shows the last page.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from exportguard.core.screening_csv import cell
from exportguard.web.common import parse_whole


@dataclass(frozen=True, slots=True)
class Pager:
    """Page ``number`` (from 1) of ``size`` rows out of ``total``; ``filters`` are the query's
    filters, kept in the links to other pages and to the CSV."""

    path: str
    number: int
    size: int
    total: int
    filters: Mapping[str, str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 when there is none)."""
        return min(self.offset + 1, self.total)

    @property
    def last(self) -> int:
        return min(self.offset + self.size, self.total)

    def link(self, number: int) -> str:
        return f"{self.path}?{urlencode({**self.kept, 'page': number})}"

    @property
    def csv(self) -> str:
        return f"{self.path}?{urlencode({**self.kept, 'format': 'csv'})}"

    @property
    def kept(self) -> dict[str, str]:
        return {k: v for k, v in self.filters.items() if v}


def pager(request: Request, total: int, size: int, filters: Mapping[str, str]) -> Pager:
    """The page the query asks for (``page``, from 1), within ``total`` rows."""
    asked = parse_whole(request.query_params.get("page") or "1", "page")
    last = max(1, -(-total // size))
    return Pager(request.url.path, min(asked, last), size, total, dict(filters))


def wants_csv(request: Request) -> bool:
    return request.query_params.get("format") == "csv"


def csv_response(
    filename: str, columns: Sequence[str], rows: Iterable[Mapping[str, object]]
) -> Response:
    """``rows`` (their ``columns``, in order) as a CSV attachment named ``filename``."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore",
                            lineterminator="\n")  # fmt: skip
    writer.writeheader()
    writer.writerows({k: cell(v) for k, v in row.items()} for row in rows)
    disposition = f'attachment; filename="{filename}"'
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": disposition})  # fmt: skip
