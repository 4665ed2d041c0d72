"""The impact of list and regime changes on licences and counterparties."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from exportguard.api.schemas.common import Out


class AffectedOut(Out):
    """One licence, application or counterparty a change moves, and what is proposed."""

    kind: Literal["licence", "application", "counterparty"]
    id: str
    label: str
    old: str
    new: str
    reason: str
    proposal: str = Field(description="suspend, review, alert or none.")


class ImpactAction(Out):
    """What the policy did: ``suspended``, or ``queued for review`` (``review``: its id)."""

    id: str
    action: str
    review: str | None = None


class EntryCounts(Out):
    added: int
    removed: int
    changed: int


class EntryIds(Out):
    added: list[str]
    removed: list[str]
    changed: list[str]


class ImportImpactOut(Out):
    """The impact of an import on live licences: ``entries`` counts what changed."""

    kind: Literal["lists"]
    source: str
    from_: int | None = Field(alias="from")
    to: int
    entries: EntryCounts
    affected: list[AffectedOut]
    policy: str
    actions: list[ImpactAction]


class ListImpactOut(ImportImpactOut):
    """The impact of a list change between two snapshots; ``entries``: their ids."""

    entries: EntryIds  # type: ignore[assignment]


class RegimeImpactOut(Out):
    kind: Literal["regime"]
    regime: str
    from_: str = Field(alias="from", description="A date or a revision.")
    to: str
    affected: list[AffectedOut]
    policy: str
    actions: list[ImpactAction]
