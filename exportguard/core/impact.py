"""What changed between two versions, and what that touches (pure).

List side: :func:`diff_entries` compares two snapshots of a list by entry id and content
digest: added, removed and changed entries. Licence side: :func:`compare` sets a
licence's (or application's, or counterparty's) old verdict beside its new one and says
whether the change matters (the new one is more restrictive, or a listing appeared).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

from exportguard.core.audit import canonical
from exportguard.core.decision_records import JsonObject
from exportguard.core.entities import ListEntry
from exportguard.core.list_records import FieldChange


def entry_digest(entry: ListEntry) -> str:
    """A digest of everything an entry says (a changed entry has a new digest)."""
    return hashlib.sha256(canonical(entry.to_dict()).encode()).hexdigest()[:24]


@dataclass(frozen=True, slots=True)
class EntryDiff:
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]

    def to_dict(self) -> dict[str, list[str]]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": list(self.changed),
        }


def diff_entries(old: Mapping[str, str], new: Mapping[str, str]) -> EntryDiff:
    """Compare two snapshots given as {entry id: digest}."""
    return EntryDiff(
        added=tuple(sorted(set(new) - set(old))),
        removed=tuple(sorted(set(old) - set(new))),
        changed=tuple(sorted(k for k in set(old) & set(new) if old[k] != new[k])),
    )


def field_changes(old: JsonObject, new: JsonObject) -> list[FieldChange]:
    """What changed in one entry between two releases, field by field (its JSON form):
    ``[{"field": "aliases", "before": [...], "after": [...]}, ...]``, in field order; a
    field missing on one side is None there."""
    fields = list(dict.fromkeys([*old, *new]))
    return [
        FieldChange(field=f, before=old.get(f), after=new.get(f))
        for f in fields
        if f != "id" and old.get(f) != new.get(f)
    ]


def digests(entries: Iterable[ListEntry]) -> dict[str, str]:
    return {e.id: entry_digest(e) for e in entries}


@dataclass(frozen=True, slots=True)
class Affected:
    """One licence, application or counterparty and how a change moves it."""

    kind: str  # licence | application | counterparty
    id: str
    label: str
    old: str
    new: str
    reason: str
    proposal: str  # what ExportGuard proposes: suspend, review, alert, none

    def to_dict(self) -> AffectedJson:
        return {
            "kind": self.kind,
            "id": self.id,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "reason": self.reason,
            "proposal": self.proposal,
        }


VERDICT_ORDER = ("no_licence_required", "licence_exception", "refer", "licence_required",
                 "not_eligible")  # fmt: skip


def more_restrictive(new: str, old: str) -> bool:
    return VERDICT_ORDER.index(new) > VERDICT_ORDER.index(old)


class AffectedJson(TypedDict):
    """:meth:`Affected.to_dict`: a licence, application or counterparty a change moves."""

    kind: str
    id: str
    label: str
    old: str
    new: str
    reason: str
    proposal: str


class ImpactAction(TypedDict):
    """What the impact policy did to one licence: ``suspended``, or ``queued for
    review`` (``review``: the review's id)."""

    id: str
    action: str
    review: NotRequired[str]


#: What a list's move from snapshot ``from`` ``to`` another touches: the ids of its
#: entries ``added``, ``removed`` and ``changed``, the licences, applications and
#: counterparties ``affected``, the ``policy`` and the ``actions`` taken.
ListImpactJson = TypedDict("ListImpactJson", {
    "kind": Literal["lists"], "source": str, "from": int | None, "to": int,
    "entries": dict[str, list[str]], "affected": list[AffectedJson],
    "policy": str, "actions": list[ImpactAction],
})  # fmt: skip

#: :data:`ListImpactJson` of an import (``from`` None: no snapshot of the list before),
#: its ``entries`` counted.
ImportImpactJson = TypedDict("ImportImpactJson", {
    "kind": Literal["lists"], "source": str, "from": int | None, "to": int,
    "entries": dict[str, int], "affected": list[AffectedJson],
    "policy": str, "actions": list[ImpactAction],
})  # fmt: skip

#: What a regime's change ``from`` one date or revision ``to`` another touches.
RegimeImpactJson = TypedDict("RegimeImpactJson", {
    "kind": Literal["regime"], "regime": str, "from": str, "to": str,
    "affected": list[AffectedJson], "policy": str, "actions": list[ImpactAction],
})  # fmt: skip
