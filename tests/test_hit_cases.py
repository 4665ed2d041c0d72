"""Hit review cases on real list entries, on SQLite and PostgreSQL: four-eyes on true
matches and on false positives of sanctions listings, reason codes and notes, clearances
that suppress the same party's hit until the list entry changes (the SDN of 2022-02-17 and
2022-03-31), every origin (screening, batch, decision, monitoring), tenancy and assignment,
and certificates stating each hit's disposition."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from exportguard.core.hit_cases import is_sanctions_listing
from exportguard.core.permissions import Actor
from exportguard.core.snapshots import SourceFile
from exportguard.errors import (
    ConcurrentChange,
    IllegalTransition,
    InvalidInput,
    NotFound,
    PermissionDenied,
    SecondOfficerRequired,
)
from exportguard.services import ExportGuard
from exportguard.services.decision_input import DecisionInput
from tests.conftest import FIXED_NOW

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"
DPL = "us_bis_dpl/2023-11-30/dpl.txt"
CSL_SAMPLE = "us_trade_csl/sample_small/consolidated.csv"
PASSWORD = "Ledger-Quartz-Maple-9"


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


def officer(service: ExportGuard, name: str) -> ExportGuard:
    return service.for_actor(Actor(name, "officer"))


def hit_on(result: dict[str, object], entry_id: str) -> dict[str, object]:
    """The hit on one list entry of a screening's JSON form."""
    return next(h for h in result["hits"] if h["entity_id"] == entry_id)  # type: ignore[attr-defined, index]


def test_sanctions_listings_are_told_from_export_restriction_lists() -> None:
    assert is_sanctions_listing(
        "OFAC Specially Designated Nationals and Blocked Persons List (SDN)"
    )
    assert is_sanctions_listing(
        "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
    )
    assert is_sanctions_listing("UN Security Council Consolidated List")
    assert is_sanctions_listing("a list never seen before")  # four-eyes when in doubt
    assert not is_sanctions_listing("Entity List (EL) - Bureau of Industry and Security")
    assert not is_sanctions_listing("BIS Denied Persons List")
    assert not is_sanctions_listing("ITAR Debarred (DTC) - State Department")


@pytest.mark.imported(SDN_FEB)  # as service.import_files of it leaves the store
def test_four_eyes_clears_a_sdn_hit_until_the_entry_changes(
    service: ExportGuard, lists_dir: Path
) -> None:
    ann, ben = officer(service, "ann"), officer(service, "ben")
    first = ann.screen("Gennady Timchenko", type="person")
    listed = next(h for h in first.hits if "TIMCHENKO" in h.entry.name)
    case, created = ann.cases.open("screening", str(first.audit_seq), listed.entry.id)
    assert created
    assert case.state == "open"
    assert case.sanctioned
    assert case.party_name == "Gennady Timchenko"
    assert case.exporter is None
    again, created = ben.cases.open("screening", str(first.audit_seq), listed.entry.id)
    assert (again.id, created) == (case.id, False)  # one case per hit

    decided = ann.cases.decide(
        case.id,
        "false_positive",
        reason_code="birth_date_differs",
        note="our customer was born in 1979, the listed man in 1952",
    )
    assert decided.state == "pending_confirmation"
    assert decided.needs_confirmation
    assert decided.clearance is None
    with pytest.raises(SecondOfficerRequired, match="a second, different officer"):
        ann.cases.confirm(case.id)
    with pytest.raises(SecondOfficerRequired):
        ann.cases.send_back(case.id, note="I changed my mind")
    # Nothing is cleared while the decision waits.
    assert not hit_on(
        ann.cases.review(ann.screen("Gennady Timchenko", type="person")), listed.entry.id
    )["review"]["cleared"]  # type: ignore[index]
    closed = ben.cases.confirm(case.id, note="passport copy checked")
    assert (closed.state, closed.decided_by, closed.confirmed_by) == (
        "closed",
        "ann",
        "ben",
    )
    assert closed.clearance.confirmed_by == "ben"
    assert [e.action for e in closed.events] == ["open", "decide", "confirm"]
    with pytest.raises(IllegalTransition, match="closed"):
        ben.cases.decide(case.id, "true_match", reason_code="other", note="again")

    later = ann.cases.review(ann.screen("Gennady Timchenko", type="person"))
    seen = hit_on(later, listed.entry.id)
    assert seen["review"]["cleared"] is True  # type: ignore[index]
    assert seen["review"]["clearance"]["case_id"] == case.id  # type: ignore[index]
    assert later["cleared_hits"] == 1
    assert later["open_hits"] == len(later["hits"]) - 1
    # Another party (no type given) and another tenant are not cleared.
    other = ann.cases.review(ann.screen("Gennady Timchenko"))
    assert not any(h["review"]["cleared"] for h in other["hits"])
    acme = service.for_actor(Actor("acme", "exporter", "Acme Cyber"))
    theirs = acme.cases.review(acme.screen("Gennady Timchenko", type="person"))
    assert not any(h["review"]["cleared"] for h in theirs["hits"])

    document, _ = ann.audit.certificate(first.audit_seq)
    assert re.search(
        rf"false positive \(case {case.id}; decided by ann on [^;]+, "
        r"confirmed by ben on [^;]+; The date of birth differs\)",
        document,
    )
    document, _ = ann.audit.certificate(later["audit_seq"])
    assert (
        f"false positive, cleared earlier (case {case.id}; decided by ann, "
        "confirmed by ben" in document
    )

    # March changes the entry: the clearance was of February's version.
    service.import_files([read(lists_dir, SDN_MAR)])
    march = ann.cases.review(ann.screen("Gennady Timchenko", type="person"))
    assert not hit_on(march, listed.entry.id)["review"]["cleared"]  # type: ignore[index]
    kinds = [r.payload["action"] for r in service.audit.records(kind="hit-case")]
    assert kinds == ["open", "decide", "confirm"]
    assert service.audit.verify().ok


def test_a_true_match_always_waits_and_a_restriction_list_false_positive_does_not(
    service: ExportGuard, lists_dir: Path
) -> None:
    service.import_files([read(lists_dir, DPL)])
    ann, ben = officer(service, "ann"), officer(service, "ben")
    screened = ann.screen("Alexander Brazhnikov Jr", type="person")
    (hit,) = [h for h in screened.hits if h.entry.name == "ALEXANDER BRAZHNIKOV JR"]
    assert hit.entry.list_name == "BIS Denied Persons List"
    assert "<td>not reviewed</td>" in ann.audit.certificate(screened.audit_seq)[0]
    case, _ = ann.cases.open("screening", str(screened.audit_seq), hit.entry.id)
    assert not case.sanctioned
    # The case keeps the plain words the screening showed (second review of issue 13).
    assert case.hit["plain_explanation"] == [
        line for h in screened.to_dict()["hits"] if h["entity_id"] == hit.entry.id
        for line in h["plain_explanation"]
    ]
    assert case.hit["plain_explanation"]
    assert f"under review (case {case.id}, open)" in ann.audit.certificate(screened.audit_seq)[0]
    pending = ann.cases.decide(
        case.id,
        "true_match",
        reason_code="name_and_address",
        note="same Mountainside address as the order",
    )
    assert pending.state == "pending_confirmation"
    assert (
        f"true match, pending confirmation by a second officer (case {case.id}; decided by ann"
    ) in ann.audit.certificate(screened.audit_seq)[0]
    back = ben.cases.send_back(case.id, note="the order is of the son; ours is the father")
    assert back.state == "open"
    assert back.disposition is None
    assert back.events[-1].note == "the order is of the son; ours is the father"
    closed = ben.cases.decide(
        case.id,
        "false_positive",
        reason_code="country_differs",
        note="our Alexander Brazhnikov lives in Riga",
        expires_on=date(2027, 6, 1),
    )
    assert closed.state == "closed"
    assert closed.confirmed_by is None
    assert closed.clearance.expires_on == date(2027, 6, 1)
    again = ann.cases.review(ann.screen("Alexander Brazhnikov Jr", type="person"))
    assert hit_on(again, hit.entry.id)["review"]["cleared"]  # type: ignore[index]
    found, total = ann.cases.clearances()
    assert total == 1
    assert found[0].case_id == case.id
    assert found[0].name == "Alexander Brazhnikov Jr"


def test_decisions_name_their_reason_code_and_note(service: ExportGuard, lists_dir: Path) -> None:
    service.import_files([read(lists_dir, DPL)])
    ann = officer(service, "ann")
    screened = ann.screen("Alexander Brazhnikov Jr", type="person")
    case, _ = ann.cases.open("screening", str(screened.audit_seq), screened.hits[0].entry.id)
    with pytest.raises(InvalidInput) as bad:
        ann.cases.decide(case.id, "true_match", reason_code="birth_date_differs", note=" ")
    assert {e.field for e in bad.value.errors} == {"reason_code", "note"}
    assert "use one of identifier_match" in str(bad.value)
    with pytest.raises(InvalidInput, match="disposition: must be one of"):
        ann.cases.decide(case.id, "maybe", reason_code="other", note="x")
    with pytest.raises(InvalidInput, match="reason_code: must be one of"):
        ann.cases.decide(case.id, "escalate", reason_code="gut_feeling", note="x")
    with pytest.raises(InvalidInput, match="only a false positive's clearance expires"):
        ann.cases.decide(
            case.id, "true_match", reason_code="other", note="x", expires_on=date(2027, 1, 1)
        )
    with pytest.raises(InvalidInput, match="not after today"):
        ann.cases.decide(
            case.id, "false_positive", reason_code="other", note="x", expires_on=FIXED_NOW.date()
        )
    with pytest.raises(InvalidInput, match="no active user 'nobody'"):
        ann.cases.decide(
            case.id, "escalate", reason_code="senior_review", note="x", assignee="nobody"
        )
    with pytest.raises(ConcurrentChange, match="read it again"):
        ann.cases.decide(
            case.id,
            "escalate",
            reason_code="senior_review",
            note="x",
            version=case.version + 1,
        )
    escalated = ann.cases.decide(
        case.id,
        "escalate",
        reason_code="more_information",
        note="asked the customer for a passport copy",
    )
    assert escalated.state == "escalated"
    with pytest.raises(NotFound):
        ann.cases.get("H-999999")
    with pytest.raises(NotFound, match="has no hit on"):
        ann.cases.open("screening", str(screened.audit_seq), "us_bis_dpl:nobody")
    with pytest.raises(InvalidInput, match="origin: must be one of"):
        ann.cases.open("rumour", "1", "x")
    with pytest.raises(InvalidInput, match="ref: must be a whole number"):
        ann.cases.open("screening", "first", "x")
    assert service.cases.find(state="escalated")[1] == 1
    with pytest.raises(InvalidInput, match="state: must be one of"):
        service.cases.find(state="lost")


def test_exporters_reach_their_own_cases_and_assign_within_reach(
    service: ExportGuard, lists_dir: Path
) -> None:
    service.import_files([read(lists_dir, CSL_SAMPLE)], published=date(2025, 6, 25))
    for name, exporter in (
        ("acme1", "Acme Cyber"),
        ("acme2", "Acme Cyber"),
        ("globex1", "Globex Security"),
    ):
        service.accounts.create_user(name, PASSWORD, "exporter", exporter)
    service.accounts.create_user("olga", PASSWORD, "officer")
    service.accounts.create_user("audrey", PASSWORD, "auditor")
    acme1 = service.for_actor(Actor("acme1", "exporter", "Acme Cyber"))
    acme2 = service.for_actor(Actor("acme2", "exporter", "Acme Cyber"))
    globex = service.for_actor(Actor("globex1", "exporter", "Globex Security"))
    olga = service.for_actor(Actor("olga", "officer"))
    audrey = service.for_actor(Actor("audrey", "auditor"))

    screened = acme1.screen("Rosneft Trade Limited")
    hit = next(h for h in screened.hits if h.entry.name == "ROSNEFT TRADE LIMITED")
    assert "Sectoral Sanctions" in hit.entry.list_name
    with pytest.raises(NotFound):  # another company's screening does not exist for it
        globex.cases.open("screening", str(screened.audit_seq), hit.entry.id)
    case, _ = acme1.cases.open("screening", str(screened.audit_seq), hit.entry.id)
    assert case.exporter == "Acme Cyber"
    with pytest.raises(NotFound):
        globex.cases.get(case.id)
    assert globex.cases.find()[1] == 0
    assert acme2.cases.find()[1] == 1
    assert olga.cases.find(list_text="sectoral")[1] == 1
    assert olga.cases.find(list_text="us_trade_csl")[1] == 1
    assert olga.cases.find(list_text="entity list")[1] == 0
    with pytest.raises(PermissionDenied):
        audrey.cases.decide(case.id, "escalate", reason_code="other", note="x")
    assert audrey.cases.get(case.id).id == case.id  # auditors read

    assert set(acme1.cases.assignees(case.exporter)) == {"acme1", "acme2"}  # its own company's
    assert set(olga.cases.assignees(case.exporter)) == {"olga"}  # staff who decide cases: no admin
    for who in ("globex1", "audrey"):
        with pytest.raises(InvalidInput, match="may not review this case"):
            acme1.cases.assign(case.id, who)
    assigned = acme1.cases.assign(case.id, "acme2")
    assert assigned.assignee == "acme2"
    assert [c.id for c in acme2.cases.find(assignee="me")[0]] == [case.id]
    assert acme1.cases.find(assignee="me")[1] == 0
    assert olga.cases.find(assignee="none")[1] == 0

    acme1.cases.decide(
        case.id,
        "false_positive",
        reason_code="name_differs",
        note="our supplier is Rosneft Trade Services, Cyprus, no link",
    )
    with pytest.raises(NotFound):
        globex.cases.confirm(case.id)
    closed = acme2.cases.confirm(case.id)  # four-eyes inside the company
    assert closed.confirmed_by == "acme2"
    assert acme1.cases.review(acme1.screen("Rosneft Trade Limited"))["cleared_hits"] == 1
    assert globex.cases.clearances()[1] == 0
    assert olga.cases.clearances()[1] == 1


def test_cases_from_a_batch_row_and_a_decision_party(service: ExportGuard, lists_dir: Path) -> None:
    service.import_files([read(lists_dir, CSL_SAMPLE)], published=date(2025, 6, 25))
    ann, ben = officer(service, "ann"), officer(service, "ben")
    job = ann.jobs.submit(
        "id,name,country\nrow-7,China Electronics Technology Group Corporation "
        "13th Research Institute,CN\n",
        owner="ann",
        exporter=None,
        options={},
    )
    assert service.jobs.run_next("w1") == job
    result = service.jobs.get(job).result
    entry_id = next(line.split(",")[4] for line in result.splitlines()[1:] if "Entity List" in line)
    case, _ = ann.cases.open("batch", job, entry_id, row="row-7")
    assert (case.origin, case.query["row"], case.query["country"]) == (
        "batch",
        "row-7",
        "CN",
    )
    assert not case.sanctioned  # an Entity List listing
    with pytest.raises(InvalidInput, match="row: name the row"):
        ann.cases.open("batch", job, entry_id)
    with pytest.raises(NotFound, match="no hit on"):
        ann.cases.open("batch", job, entry_id, row="row-8")

    decision = ann.decisions.decide(
        DecisionInput(
            items=["4A005"],
            to="CN",
            on=date(2026, 1, 5),
            regimes=["us-ear"],
            end_users=["China Electronics Technology Group Corporation 13th Research Institute"],
        )
    )
    from_decision, _ = ann.cases.open("decision", decision.decision_id, entry_id)
    assert from_decision.query["role"] == "end user"
    assert from_decision.party_name.startswith("China Electronics Technology Group")
    ann.cases.decide(
        from_decision.id,
        "true_match",
        reason_code="name_and_address",
        note="113 Hezuo Road, Shijiazhuang: the consignee's address",
    )
    done = ben.cases.confirm(from_decision.id)
    assert (done.disposition, done.state) == ("true_match", "closed")
    assert done.clearance is None
    with pytest.raises(NotFound, match="no decision"):
        ann.cases.open("decision", "nope", entry_id)

    # A false positive cleared from a batch row shows in the review column of a later job
    # screening the same party (name, country, type) in the same tenant.
    ann.cases.decide(
        case.id, "false_positive", reason_code="name_differs", note="a namesake in Hebei"
    )
    assert ann.cases.get(case.id).state == "closed"  # an Entity List listing
    text = "id,name,country\nr1,China Electronics Technology Group Corporation 13th Research " \
           "Institute,CN\nr2,China Electronics Technology Group Corporation 13th Research " \
           "Institute,\n"  # fmt: skip
    again = ann.jobs.submit(text, owner="ann", exporter=None, options={})
    assert service.jobs.run_next("w1") == again
    lines = list(csv.DictReader(io.StringIO(service.jobs.get(again).result)))
    reviewed = {(r["id"], r["entity_id"]): r["review"] for r in lines}
    assert reviewed[("r1", entry_id)].startswith(
        f"false positive, cleared earlier (case {case.id}"
    )
    assert reviewed[("r2", entry_id)] == ""  # no country given: another party
    # A later decision naming the party says its match was cleared (the verdict stands).
    later = ann.decisions.decide(DecisionInput(
        items=["4A005"], to="CN", on=date(2026, 1, 5), regimes=["us-ear"],
        end_users=["China Electronics Technology Group Corporation 13th Research Institute"],
    ))  # fmt: skip
    reviewed = ann.cases.review_decision(later.to_dict())
    matches = [r["match"] for g in reviewed["regimes"] for r in g["reasons"] if r.get("match")]
    assert matches
    assert all(m["review"]["cleared"] for m in matches if m["entry_id"] == entry_id)
    assert reviewed["verdict"] == later.to_dict()["verdict"]
    theirs = ann.jobs.submit(text, owner="acme", exporter="Acme Cyber", options={})
    assert service.jobs.run_next("w1") == theirs
    assert not any(
        r["review"] for r in csv.DictReader(io.StringIO(service.jobs.get(theirs).result))
    )


def test_an_alert_is_decided_through_its_case(service: ExportGuard, lists_dir: Path) -> None:
    service.import_files([read(lists_dir, SDN_MAR)], published=date(2022, 3, 31))
    service.accounts.create_user("acme1", PASSWORD, "exporter", "Acme Cyber")
    service.accounts.create_user("acme2", PASSWORD, "exporter", "Acme Cyber")
    acme1 = service.for_actor(Actor("acme1", "exporter", "Acme Cyber"))
    acme2 = service.for_actor(Actor("acme2", "exporter", "Acme Cyber"))
    party = acme1.monitoring.add(exporter="Acme Cyber", name="Nord Stream 2 AG")
    (alert,) = party.alerts
    # The old alert route decides through the case: a true match waits for a second user.
    first = acme1.monitoring.resolve(alert.id, "true_match", reason="same Zug company")
    assert first.status == "acknowledged"
    assert first.case.state == "pending_confirmation"
    with pytest.raises(SecondOfficerRequired):
        acme1.monitoring.resolve(alert.id, "true_match", reason="really")
    second = acme2.monitoring.resolve(alert.id, "true_match", reason="agreed: same register")
    assert (second.status, second.resolution) == ("resolved", "true_match")
    assert second.case.confirmed_by == "acme2"

    other = acme1.monitoring.add(exporter="Acme Cyber", name="Gennady Timchenko", type="person")
    (alert,) = other.alerts
    case, created = acme1.cases.open_from_alert(alert.id)
    assert created
    assert case.origin == "monitoring"
    assert case.alert_id == alert.id
    assert acme1.monitoring.alerts(status="acknowledged", counterparty_id=other.id)
    acme1.cases.decide(
        case.id,
        "false_positive",
        reason_code="birth_date_differs",
        note="our Gennady Timchenko was born in 1980",
        expires_on=FIXED_NOW.date() + timedelta(days=400),
    )
    assert acme1.monitoring.alerts(status="resolved", counterparty_id=other.id) == []
    acme2.cases.confirm(case.id)
    (resolved,) = acme1.monitoring.alerts(status="resolved", counterparty_id=other.id)
    assert resolved.resolution == "false_positive"
    assert case.id in resolved.reason
    cleared = acme1.monitoring.get(other.id).clearances
    assert [(c.case_id, c.confirmed_by) for c in cleared] == [(case.id, "acme2")]
    assert service.monitoring.rescreen([other.id]) == []  # suppressed
    document, _ = acme1.audit.certificate(
        next(r.seq for r in service.audit.records(kind="screening") if r.subject == other.id)
    )
    assert f"false positive (case {case.id}; decided by acme1" in document
    with pytest.raises(NotFound):
        service.for_actor(Actor("g", "exporter", "Globex Security")).cases.open_from_alert(
            alert.id
        )
