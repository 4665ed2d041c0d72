"""Helpers shared by the parser tests."""

from __future__ import annotations

import dataclasses
from typing import Any

from exportguard.core.entities import Identifier, ListEntry


def plain(value: Any) -> Any:
    """``value`` with every identifier reduced to ``(kind, value, country)``, so a test
    written for those three fields compares them and ignores the document details (dates,
    notes, label) that the fidelity tests (test_fidelity_ids.py) check field by field."""
    if isinstance(value, Identifier):
        return (value.kind, value.value, value.country)
    if isinstance(value, ListEntry):
        return dataclasses.replace(value, identifiers=tuple(plain(i) for i in value.identifiers))
    if isinstance(value, list | tuple):
        return type(value)(plain(v) for v in value)
    return value
