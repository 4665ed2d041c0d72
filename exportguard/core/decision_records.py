"""Stored regime revisions and decisions as records (pure): what the store keeps of each
regime file installed or used (content-addressed by its digest) and of each decision
taken. Times are ISO 8601 UTC strings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypedDict


@dataclass(frozen=True, slots=True)
class RegimeRevision:
    """One kept revision of a regime (without its content: ``store.decisions.
    revision_content`` reads that): ``origin`` says where it came from (bundled, installed,
    used by a decision), ``recorded_by`` who kept it."""

    digest: str
    regime_id: str
    revision: str
    origin: str
    recorded_at: str
    recorded_by: str


#: A JSON object as stored (decoded): its values are JSON values.
JsonObject = Mapping[str, object]


class EngineVersions(TypedDict):
    """Every version besides regimes and lists that can change a decision's answer (a
    decision's ``versions`` has them): the package's, the screening index format's, the
    matcher's and the decision screening's thresholds (0 to 1), and a digest of the
    vocabularies names are normalised with."""

    exportguard: str
    index_format: int
    matcher_threshold: float
    screening_threshold: float
    vocabulary: str


@dataclass(frozen=True, slots=True)
class StoredDecision:
    """A decision as the store keeps it: who (``actor``) decided when, its ``verdict``
    label, the ``request`` asked (``DecisionRequest.to_dict``) and the ``result``
    (``Decision.to_dict``: regimes, reasons, ``versions`` of regimes and snapshots used)."""

    decision_id: str
    decided_at: str
    actor: str
    verdict: str
    request: JsonObject
    result: JsonObject

    def regime_digests(self) -> dict[str, str]:
        """regime id -> digest of the revision the decision used."""
        regimes = _object(_object(self.result.get("versions")).get("regimes"))
        return {rid: str(_object(v).get("digest")) for rid, v in regimes.items()}

    def snapshot_ids(self) -> list[int]:
        """The ids of the list snapshots the decision screened against."""
        snaps = _object(self.result.get("versions")).get("snapshots")
        return [int(str(_object(s).get("id"))) for s in (snaps if isinstance(snaps, list) else [])]

    def conditions(self) -> list[str]:
        """The licence conditions the regimes' answers name, in order, each once."""
        regimes = self.result.get("regimes")
        terms: list[str] = []
        for regime in regimes if isinstance(regimes, list) else []:
            given = _object(regime).get("conditions")
            terms.extend(str(t) for t in (given if isinstance(given, list) else [])
                         if str(t) not in terms)  # fmt: skip
        return terms

    def same_answer(self, again: JsonObject) -> bool:
        """Whether ``again`` (a decision's JSON form, as a replay gives it) has this
        decision's verdict and regime answers."""
        return bool(again.get("verdict") == self.result.get("verdict")
                    and again.get("regimes") == self.result.get("regimes"))  # fmt: skip

    def as_dict(self) -> dict[str, object]:
        """The JSON form: every field by its name (what the API and CLI show)."""
        return {"decision_id": self.decision_id, "decided_at": self.decided_at,
                "actor": self.actor, "verdict": self.verdict, "request": dict(self.request),
                "result": dict(self.result)}  # fmt: skip


def _object(value: object) -> JsonObject:
    """``value`` if it is a JSON object, else an empty one."""
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return {}
