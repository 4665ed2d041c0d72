"""The REST API of export decisions and the regimes they are made under: decide, read and
replay a decision (an exporter's are its own), the regimes, their revisions' differences
and eligibility maps, and the impact of a regime or list change on licences and
counterparties."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from exportguard.api import schemas as s
from exportguard.api.common import page
from exportguard.core.decision_records import StoredDecision
from exportguard.edge.auth import Caller, CallerDep, allowed, throttled
from exportguard.services.decision_input import DecisionInput

router = APIRouter(prefix="/api/v1", responses=s.ERRORS)


# --- decisions and regimes -----------------------------------------------------------------


@router.post("/decide", tags=["decisions"], response_model=s.DecisionOut)
def decide(body: s.DecideRequest, who: Caller = allowed("decide")) -> s.DecisionOut:
    """Decide an export under the regimes; every reason with its source and certainty. A
    listed-party match says whether a reviewed false positive clears it (``match.review``);
    the verdict counts it all the same."""
    question = DecisionInput(
        items=body.items,
        to=body.to,
        on=body.date or who.service.clock().date(),
        regimes=body.regimes,
        end_users=body.party_inputs("end_users"),
        consignees=body.party_inputs("consignees"),
        intermediaries=body.party_inputs("intermediaries"),
        end_user_type=body.end_user_type,
        end_use=body.end_use,
        authority_informed=body.authority_informed,
        exporter_country=body.exporter_country,
        item_origin=body.item_origin,
        us_content=body.us_content,
        deemed_export=body.deemed_export,
        region=body.region,
    )
    decision = who.service.decisions.decide(question)
    return s.DecisionOut.model_validate(who.service.cases.review_decision(decision.to_dict()))


def _decision_visible(who: Caller, decision_id: str) -> StoredDecision:
    return who.service.decisions.stored(decision_id)  # an exporter's own (the use case)


@router.get("/decisions/{decision_id}", tags=["decisions"], response_model=s.StoredDecisionOut)
def decision(decision_id: str, who: CallerDep) -> s.StoredDecisionOut:
    return s.StoredDecisionOut.model_validate(_decision_visible(who, decision_id).as_dict())


@router.post("/decisions/{decision_id}/replay", tags=["decisions"], response_model=s.ReplayOut)
def replay(decision_id: str, who: Caller = allowed("decide")) -> s.ReplayOut:
    """Re-run with the regime revisions and snapshots the decision used."""
    stored = _decision_visible(who, decision_id)
    again = who.service.decisions.replay(decision_id).to_dict()
    same = stored.same_answer(again)
    return s.ReplayOut.model_validate({"same": same, "decision": again})


@router.get("/regimes", tags=["regimes"], response_model=s.Page[s.RegimeRow])
def regimes(who: Caller = allowed("read_regimes")) -> s.Page[s.RegimeRow]:
    found = who.service.decisions.regimes().values()
    items = [
        s.RegimeRow(id=r.id, name=r.name, revision=r.revision, digest=r.digest,
                    covers_from=r.covers_from)
        for r in found
    ]  # fmt: skip
    return s.Page[s.RegimeRow].model_validate(page(items, 200, 0))


@router.get("/regimes/{regime_id}", tags=["regimes"], response_model=s.RegimeView)
def regime(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> s.RegimeView:
    return s.RegimeView.model_validate(who.service.decisions.regime_view(regime_id, as_of))


@router.get("/regimes/{regime_id}/diff", tags=["regimes"], response_model=s.RegimeDiffOut)
def regime_diff(
    regime_id: str,
    since: Annotated[date, Query(alias="from")],
    until: Annotated[date, Query(alias="to")],
    who: Caller = allowed("read_regimes"),
) -> s.RegimeDiffOut:
    found = who.service.decisions.regime_diff(regime_id, since, until)
    return s.RegimeDiffOut.model_validate(found)


@router.get("/regimes/{regime_id}/map", tags=["regimes"], response_model=s.EligibilityMapOut)
def regime_map(
    regime_id: str, as_of: date | None = None, who: Caller = allowed("read_regimes")
) -> s.EligibilityMapOut:
    """Per country, the regime's verdict for its cyber items to a government end user for
    law enforcement, as of a date: the data behind the eligibility world map."""
    found = who.service.decisions.eligibility_map(regime_id, as_of)
    return s.EligibilityMapOut.model_validate(found)


# --- impact --------------------------------------------------------------------------------


@router.post(
    "/impact/regime", tags=["impact"], dependencies=[throttled("impact")],
    response_model=s.RegimeImpactOut,
)
def impact_regime(
    body: s.RegimeImpactRequest, who: Caller = allowed("impact")
) -> s.RegimeImpactOut:
    found = who.service.impact.regime(
        body.regime,
        since=body.since,
        until=body.until,
        from_revision=body.from_revision,
        to_revision=body.to_revision,
        dry_run=body.dry_run,
    )
    return s.RegimeImpactOut.model_validate(found)


@router.post(
    "/impact/lists", tags=["impact"], dependencies=[throttled("impact")],
    response_model=s.ListImpactOut,
)
def impact_lists(body: s.ListImpactRequest, who: Caller = allowed("impact")) -> s.ListImpactOut:
    found = who.service.impact.lists(body.since, body.until, dry_run=body.dry_run)
    return s.ListImpactOut.model_validate(found)
