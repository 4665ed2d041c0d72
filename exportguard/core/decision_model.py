"""What a decision is asked and what it answers: a :class:`DecisionRequest` (items,
destination, date, parties, end use ...), the screenings and list snapshots given with it
(:class:`PartyScreening`, :class:`LoadedList`), and the :class:`Decision` (one
:class:`RegimeDecision` per regime, each verdict with its :class:`Reason` list).

The engine is ``core.decide``; these are its inputs and outputs, frozen and comparable.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from exportguard.core.decision_records import JsonObject
from exportguard.core.hits import Hit
from exportguard.core.json_fields import (
    day,
    flag,
    items,
    json_object,
    opt_number,
    opt_text,
    text,
    texts,
)
from exportguard.core.regimes import (
    Verdict,
)

#: Roles a party of a request can have.
ROLES = ("end user", "consignee", "intermediary")


@dataclass(frozen=True, slots=True)
class Party:
    """One party of a transaction: its role, name and (where known) country (ISO code)."""

    role: str
    name: str
    country: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {"role": self.role, "name": self.name, "country": self.country}


@dataclass(frozen=True, slots=True)
class DecisionRequest:
    """One question: items, destination, parties, use, date, and who exports what from where.

    ``exporter_country``: the country the export leaves from (for a deemed export, where
    the release happens); ``item_origin``: where the item was made or developed;
    ``us_content``: the share of US-origin controlled content by value, in percent;
    ``deemed_export``: technology or source code released to a foreign person inside the
    exporter's country, ``destination`` then being that person's country (EAR 734.13);
    ``region``: a region of the destination a rule names (``crimea``, ``dnr``, ``lnr``,
    ``other``).
    """

    items: tuple[str, ...]
    destination: str
    on: date
    parties: tuple[Party, ...] = ()
    end_user_type: str | None = None
    end_use: str | None = None
    authority_informed: bool = False
    regimes: tuple[str, ...] = ()
    exporter_country: str | None = None
    item_origin: str | None = None
    us_content: float | None = None
    deemed_export: bool = False
    region: str | None = None

    @property
    def end_users(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parties if p.role == "end user")

    def to_dict(self) -> dict[str, object]:
        return {
            "items": list(self.items), "destination": self.destination,
            "date": self.on.isoformat(), "parties": [p.to_dict() for p in self.parties],
            "end_user_type": self.end_user_type, "end_use": self.end_use,
            "authority_informed": self.authority_informed, "regimes": list(self.regimes),
            "exporter_country": self.exporter_country, "item_origin": self.item_origin,
            "us_content": self.us_content, "deemed_export": self.deemed_export,
            "region": self.region,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> DecisionRequest:
        """Inverse of :meth:`to_dict` (also reads decisions stored before parties had
        roles: ``end_user`` and ``parties`` as names). ``InvalidInput`` names a field
        missing (``items``, ``destination``, ``date``, a party's ``role`` and ``name``) or
        of another type, by its path (``parties[1].role``)."""
        parties: list[Party] = []
        for i, p in enumerate(items(data, "parties")):
            if isinstance(p, str):
                parties.append(Party("intermediary", p))
                continue
            at = f"parties[{i}]"
            party = json_object(p, at)
            at += "."
            parties.append(Party(text(party, "role", at), text(party, "name", at),
                                 opt_text(party, "country", at)))  # fmt: skip
        destination = text(data, "destination")
        end_user = opt_text(data, "end_user")
        if end_user:
            parties.insert(0, Party("end user", end_user, destination))
        return cls(
            items=texts(data, "items", needed=True), destination=destination,
            on=day(data, "date"), parties=tuple(parties),
            end_user_type=opt_text(data, "end_user_type"), end_use=opt_text(data, "end_use"),
            authority_informed=flag(data, "authority_informed"),
            regimes=texts(data, "regimes"),
            exporter_country=opt_text(data, "exporter_country"),
            item_origin=opt_text(data, "item_origin"),
            us_content=opt_number(data, "us_content"), deemed_export=flag(data, "deemed_export"),
            region=opt_text(data, "region"),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PartyScreening:
    """The screening of one party of the request, as of the decision date."""

    role: str
    name: str
    hits: tuple[Hit, ...]
    country: str | None = None


@dataclass(frozen=True, slots=True)
class LoadedList:
    """A list snapshot that was in force for the decision: its id, source and date."""

    snapshot_id: int
    source: str
    published: date


@dataclass(frozen=True, slots=True)
class Reason:
    rule: str
    text: str
    source: str
    certainty: str
    verdict: Verdict | None = None
    facts: tuple[str, ...] = ()
    match: JsonObject | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "rule": self.rule, "text": self.text, "source": self.source,
            "certainty": self.certainty,
            "verdict": self.verdict.label if self.verdict is not None else None,
            "facts": list(self.facts),
        }  # fmt: skip
        if self.match is not None:
            out["match"] = dict(self.match)
        return out


@dataclass(frozen=True, slots=True)
class RegimeDecision:
    id: str
    revision: str
    digest: str
    verdict: Verdict
    reasons: tuple[Reason, ...]
    review_policy: str | None = None
    exception: str | None = None
    conditions: tuple[str, ...] = ()
    certainty: str = "P"
    #: True, False (the regime cannot apply) or None (whether it applies is unknown).
    applies: bool | None = True
    missing_lists: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id, "revision": self.revision, "digest": self.digest,
            "verdict": self.verdict.label, "certainty": self.certainty,
            "applies": self.applies, "review_policy": self.review_policy,
            "exception": self.exception, "conditions": list(self.conditions),
            "missing_lists": list(self.missing_lists),
            "reasons": [r.to_dict() for r in self.reasons],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    regimes: tuple[RegimeDecision, ...]
    request: DecisionRequest
    versions: JsonObject
    decision_id: str
    screenings: tuple[PartyScreening, ...] = field(default=())
    certainty: str = "P"

    @property
    def fingerprint(self) -> str:
        """A digest of the question and every version that can change its answer: two
        decisions with one fingerprint must give the same answer."""
        return fingerprint(self.request, self.versions)

    def to_dict(self) -> dict[str, object]:
        return {
            "decision_id": self.decision_id,
            "fingerprint": self.fingerprint,
            "verdict": self.verdict.label,
            "certainty": self.certainty,
            "request": self.request.to_dict(),
            "regimes": [r.to_dict() for r in self.regimes],
            "versions": dict(self.versions),
        }


def fingerprint(request: DecisionRequest, versions: JsonObject) -> str:
    """A digest of ``request`` and ``versions`` (see :attr:`Decision.fingerprint`)."""
    canonical = json.dumps(
        {"request": request.to_dict(), "versions": versions}, sort_keys=True, default=str
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:20]
