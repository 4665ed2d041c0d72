"""The reader regime validation is written with: every error a :class:`RegimeError`
naming the file, the line and the field (a dotted key path such as
``rules.3.when.items_in``), from the line numbers the YAML loader found.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import overload

from exportguard.core.regimes import Fact
from exportguard.errors import RegimeError

_Date = date  # the reader's own ``date`` method shadows the type in its annotations

#: A key path into a regime document: keys and list indexes (``("rules", 3, "when")``).
KeyPath = tuple[object, ...]
#: Key paths to the line they start on.
Lines = Mapping[KeyPath, int]


class RegimeReader:
    """One regime document being validated: ``data`` (the parsed mapping), ``file`` (its
    name in errors) and ``lines`` (key path -> line). :meth:`fail` makes the error for a
    key path; :meth:`keys`, :meth:`req`, :meth:`date` and :meth:`span` check and raise it,
    :meth:`keys` and :meth:`req` returning what they checked, narrowed to its type."""

    def __init__(self, data: Mapping[str, object], file: str, lines: Lines) -> None:
        self.data = data
        self.file = file
        self.lines = lines

    def fail(self, path: KeyPath, message: str) -> RegimeError:
        line = None
        for cut in range(len(path), -1, -1):
            line = self.lines.get(path[:cut])
            if line is not None:
                break
        return RegimeError(
            message, file=self.file, line=line, field=".".join(str(p) for p in path) or None
        )

    def keys(
        self, obj: object, allowed: frozenset[str] | set[str], path: KeyPath
    ) -> Mapping[str, object]:
        """``obj`` as a mapping whose every key is ``allowed`` (a misspelling would
        otherwise be ignored); a :class:`RegimeError` at the first key that is not."""
        if not isinstance(obj, Mapping):
            raise self.fail(path, "must be a mapping")
        for key in obj:
            if key not in allowed:
                raise self.fail(
                    (*path, key), f"unknown key {key!r}; allowed: {', '.join(sorted(allowed))}"
                )
        return obj

    @overload
    def req(self, obj: object, key: str, path: KeyPath, kind: type[str] = ...) -> str: ...
    @overload
    def req(
        self, obj: object, key: str, path: KeyPath, kind: type[list[object]]
    ) -> list[object]: ...
    @overload
    def req(
        self, obj: object, key: str, path: KeyPath, kind: type[dict[object, object]]
    ) -> Mapping[object, object]: ...
    @overload
    def req(self, obj: object, key: str, path: KeyPath, kind: type[object]) -> object: ...

    def req(self, obj: object, key: str, path: KeyPath, kind: type[object] = str) -> object:
        """The value of ``key`` in the mapping ``obj``, which must be there (not null or
        empty) and of ``kind``: ``str`` (text, or a number read as its text), ``list``,
        ``dict`` (any mapping), or ``object`` (any value); a :class:`RegimeError` naming
        the key otherwise."""
        if not isinstance(obj, Mapping) or key not in obj or obj[key] in (None, ""):
            raise self.fail((*path, key), f"'{key}' is required")
        value: object = obj[key]
        if kind is str:
            if not isinstance(value, str | int | float):
                raise self.fail((*path, key), f"'{key}' must be text")
            return str(value)
        if kind is list and not isinstance(value, list):
            raise self.fail((*path, key), f"'{key}' must be a list")
        if kind is dict and not isinstance(value, Mapping):
            raise self.fail((*path, key), f"'{key}' must be a mapping")
        return value

    def sequence(self, value: object, path: KeyPath) -> list[object]:
        """``value`` as a list (absent, null or empty: none); a :class:`RegimeError` at
        ``path`` if it is something else."""
        if not value:
            return []
        if not isinstance(value, list):
            raise self.fail(path, "must be a list")
        return value

    def date(self, value: object, path: KeyPath) -> date | None:
        if value is None:
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise self.fail(path, f"not a date (YYYY-MM-DD): {value!r}") from None

    def span(
        self, obj: Mapping[str, object], path: KeyPath, *, required: bool = False
    ) -> tuple[_Date | None, _Date | None]:
        """``since`` and ``until`` of ``obj``; ``until`` before ``since`` is an error."""
        raw_since = self.req(obj, "since", path, kind=object) if required else obj.get("since")
        since = self.date(raw_since, (*path, "since"))
        until = self.date(obj.get("until"), (*path, "until"))
        if since is not None and until is not None and until < since:
            raise self.fail(
                (*path, "until"),
                f"until ({until.isoformat()}) is before since ({since.isoformat()})",
            )
        return since, until


def fact_refs(
    p: RegimeReader, raw: object, path: KeyPath, facts: Mapping[str, Fact]
) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise p.fail(path, "facts must be a list of fact ids")
    for ref in raw:
        if ref not in facts:
            raise p.fail(path, f"unknown fact {ref!r}")
    return tuple(str(r) for r in raw)
