"""Decisions and regimes (requests and answers)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from pydantic import Field, StrictBool

from exportguard.api.schemas.common import IsoDate, Line, Model, Num, Number, Out, Timestamp
from exportguard.api.schemas.lists import SnapshotRef
from exportguard.api.schemas.monitoring import ClearanceOut


class PartyBody(Model):
    name: str = Field(min_length=1, max_length=500)
    country: str | None = Field(
        default=None,
        max_length=100,
        description="ISO code or name; end users and consignees default to the destination.",
    )


#: A party: its name, or {name, country}.
PartyField = Annotated[str, Field(min_length=1, max_length=500)] | PartyBody


class DecideRequest(Model):
    items: list[Line] = Field(min_length=1, max_length=20)
    to: str = Field(
        min_length=1,
        max_length=100,
        description="Destination (for a deemed export: the foreign person's country).",
    )
    date: IsoDate | None = None
    regimes: list[Line] = Field(default_factory=list, max_length=10)
    end_users: list[PartyField] = Field(default_factory=list, max_length=20)
    consignees: list[PartyField] = Field(default_factory=list, max_length=20)
    intermediaries: list[PartyField] = Field(default_factory=list, max_length=20)
    end_user_type: str | None = Field(default=None, max_length=50)
    end_use: str | None = Field(default=None, max_length=50)
    authority_informed: StrictBool = False
    exporter_country: str | None = Field(
        default=None, max_length=100, description="Where the export leaves from."
    )
    item_origin: str | None = Field(
        default=None, max_length=100, description="Where the item was made or developed."
    )
    us_content: Number | None = Field(
        default=None, ge=0, le=100, description="US-origin controlled content, % of value."
    )
    deemed_export: StrictBool = False
    region: str | None = Field(
        default=None, max_length=20, description="crimea, dnr, lnr or other (Ukraine)."
    )

    end_user: str | None = Field(
        default=None, max_length=500, json_schema_extra={"deprecated": True},
        description="Kept for clients of version 0.1: one more entry of end_users.",
    )  # fmt: skip
    parties: list[Line] = Field(
        default_factory=list, max_length=20, json_schema_extra={"deprecated": True},
        description="Kept for clients of version 0.1: more intermediaries.",
    )  # fmt: skip

    def party_inputs(self, field: str) -> list[str | tuple[str, str | None]]:
        """The parties of a role, the deprecated single fields folded in."""
        found: list[str | tuple[str, str | None]] = [
            p if isinstance(p, str) else (p.name, p.country) for p in getattr(self, field)
        ]
        if field == "end_users" and self.end_user:
            found.insert(0, self.end_user)
        if field == "intermediaries":
            found.extend(self.parties)
        return found



#: A verdict, mildest first (``core.regimes.Verdict`` labels).
VerdictLabel = Literal[
    "no_licence_required", "licence_exception", "refer", "licence_required", "not_eligible"
]
#: How sure a fact is (``core.regimes.CERTAINTY``): primary source, secondary, derived,
#: unverified.
Certainty = Literal["P", "S", "D", "U"]


class PartyOut(Out):
    """A party of the transaction; ``country`` ISO 3166-1 alpha-2 where known."""

    role: Literal["end user", "consignee", "intermediary"]
    name: str
    country: str | None


class DecisionRequestOut(Out):
    """The question as decided (``DecisionRequest.to_dict``)."""

    items: list[str]
    destination: str
    date: datetime.date
    parties: list[PartyOut]
    end_user_type: str | None
    end_use: str | None
    authority_informed: bool
    regimes: list[str]
    exporter_country: str | None
    item_origin: str | None
    us_content: Num | None = Field(description="US-origin controlled content, % of value.")
    deemed_export: bool
    region: str | None


class MatchFeature(Out):
    feature: str
    contribution: float
    detail: str


class MatchReviewOut(Out):
    """Whether a reviewed false positive of the party clears the match (it is said, not
    dropped: the verdict counts it)."""

    cleared: bool
    clearance: ClearanceOut | None


class MatchOut(Out):
    """A listed-party reason's match: the party, the entry it matched and the score."""

    party: str
    role: str
    entry_id: str
    snapshot_id: int
    list_name: str
    listed_name: str
    matched_name: str
    score: float
    citation: str | None
    listed_from: datetime.date | None
    snapshot_published: datetime.date | None
    explanation: list[MatchFeature]
    review: MatchReviewOut | None = None


class ReasonOut(Out):
    """One reason: the rule, its text, source and certainty, the verdict it gives (None: a
    note), the facts it rests on; ``match`` for a listed party."""

    rule: str
    text: str
    source: str
    certainty: Certainty
    verdict: VerdictLabel | None
    facts: list[str]
    match: MatchOut | None = None


class RegimeDecisionOut(Out):
    """One regime's answer; ``applies``: true, false, or None (unknown)."""

    id: str
    revision: str
    digest: str
    verdict: VerdictLabel
    certainty: Certainty
    applies: bool | None
    review_policy: str | None
    exception: str | None = Field(description="The licence exception that applies, if any.")
    conditions: list[str]
    missing_lists: list[str]
    reasons: list[ReasonOut]


class RegimeVersion(Out):
    revision: str
    digest: str


class VersionsOut(Out):
    """Every version that can change the answer (a replay uses the same)."""

    regimes: dict[str, RegimeVersion]
    snapshots: list[SnapshotRef]
    exportguard: str
    index_format: int
    matcher_threshold: Num
    screening_threshold: Num
    vocabulary: str


class DecisionOut(Out):
    """A decision (``Decision.to_dict``): the strictest verdict of the regimes, each with
    its reasons; ``fingerprint`` digests the question and every version."""

    decision_id: str
    fingerprint: str
    verdict: VerdictLabel
    certainty: Certainty
    request: DecisionRequestOut
    regimes: list[RegimeDecisionOut]
    versions: VersionsOut


class StoredDecisionOut(Out):
    """A stored decision: who decided when, the question and the answer."""

    decision_id: str
    decided_at: Timestamp
    actor: str
    verdict: VerdictLabel
    request: DecisionRequestOut
    result: DecisionOut


class ReplayOut(Out):
    """A decision re-run on the regime revisions and snapshots it used; ``same``: the
    verdicts and regimes agree."""

    same: bool
    decision: DecisionOut


class RegimeRow(Out):
    id: str
    name: str
    revision: str
    digest: str
    covers_from: datetime.date


class CountrySetOut(Out):
    """A country set's version in force: its members (ISO codes), whether the list is
    ``complete`` and its published ``count``."""

    version: str
    since: datetime.date
    until: datetime.date | None
    complete: bool
    count: int | None
    members: list[str]
    certainty: Certainty


class RuleOut(Out):
    id: str
    kind: Literal["requirement", "country-list", "licence-exception", "listed-party", "note"]
    since: datetime.date | None
    until: datetime.date | None
    text: str
    facts: list[str]


class FactOut(Out):
    id: str
    text: str
    source: str
    certainty: Certainty


class RegimeView(Out):
    """A regime as of a date: its items (control code: description), country sets (None
    where no version is in force), the rules in force and the facts they rest on."""

    id: str
    name: str
    revision: str
    digest: str
    as_of: datetime.date
    covers_from: datetime.date
    items: dict[str, str]
    country_sets: dict[str, CountrySetOut | None]
    rules: list[RuleOut]
    facts: list[FactOut]


class CountrySetChange(Out):
    """A country set between two dates; ``note`` when a version is known only in part."""

    from_version: str | None
    to_version: str | None
    added: list[str]
    removed: list[str]
    kept: list[str]
    note: str | None = None


class RuleChanges(Out):
    added: list[str]
    removed: list[str]


class RegimeDiffOut(Out):
    regime: str
    revision: str
    from_: datetime.date = Field(alias="from")
    to: datetime.date
    country_sets: dict[str, CountrySetChange]
    rules: RuleChanges


class EligibilityMapOut(Out):
    """Per country (ISO code), the verdict for ``item`` to an ``end_user_type``."""

    regime: str
    revision: str
    as_of: datetime.date
    item: str
    end_user_type: str
    countries: dict[str, VerdictLabel]
