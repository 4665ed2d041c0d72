"""The list-format seam: what a parser module declares, checked once, as one typed record.

A format is a module in ``exportguard/sources`` with ``NAME`` (the format's id),
``sniff(file) -> bool`` (whether it reads this file, from its name and first bytes) and
``parse(files) -> ParsedList``; optionally ``SOURCE`` and ``LIST_NAME`` (the list it always
reads), ``group(files) -> list[list[SourceFile]]`` (which files make one import, for
multi-file sets) and ``unusable(files) -> str | None`` (why a set cannot be imported alone).
:func:`register` reads those once and refuses a module that lacks or mistypes one
(``TypeError`` at import time, not a ``getattr`` failing mid-import); ``detect`` asks the
:data:`~exportguard.sources.detect.FORMATS` registry it builds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Protocol, cast

from exportguard.core.snapshots import ParsedList, SourceFile

Files = Sequence[SourceFile]


class Sniff(Protocol):
    def __call__(self, file: SourceFile) -> bool: ...


@dataclass(frozen=True, slots=True)
class ListFormat:
    """One format a parser module reads (see the module docstring)."""

    name: str
    sniff: Sniff
    parse: Callable[[Files], ParsedList]
    group: Callable[[Files], list[list[SourceFile]]] | None = None
    unusable: Callable[[Files], str | None] | None = None
    source: str | None = None
    list_name: str | None = None

    def groups(self, files: Files) -> list[list[SourceFile]]:
        """The files as import units: the format's own grouping, else one file a unit."""
        return self.group(files) if self.group is not None else [[f] for f in files]


def register(module: ModuleType) -> ListFormat:
    """The :class:`ListFormat` a parser module declares; ``TypeError`` naming the module
    and the attribute it lacks or mistypes."""

    def text(attribute: str, required: bool) -> str | None:
        value = getattr(module, attribute, None)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise TypeError(f"{module.__name__}.{attribute}: a format's {attribute} is text")
        return value

    def function(attribute: str, required: bool) -> Callable[..., object] | None:
        value = getattr(module, attribute, None)
        if value is None and not required:
            return None
        if not callable(value):
            raise TypeError(f"{module.__name__}.{attribute}: a format's {attribute} is a function")
        return cast(Callable[..., object], value)

    return ListFormat(
        name=cast(str, text("NAME", True)),
        sniff=cast(Sniff, function("sniff", True)),
        parse=cast(Callable[[Files], ParsedList], function("parse", True)),
        group=cast(Callable[[Files], list[list[SourceFile]]] | None, function("group", False)),
        unusable=cast(Callable[[Files], str | None] | None, function("unusable", False)),
        source=text("SOURCE", False),
        list_name=text("LIST_NAME", False),
    )
