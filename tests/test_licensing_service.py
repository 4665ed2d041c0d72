"""Licences, shipments, misuse reports and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from exportguard.core.licensing import Conditions, Event, State
from exportguard.errors import ConcurrentChange, IllegalTransition, InvalidInput
from exportguard.regimes import bundled_text
from exportguard.services import ExportGuard
from tests.factories import eu_regime_without_5e001a


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    return service


GOV = {"end_user_type": "law-enforcement", "end_use": "law-enforcement"}


def issued(
    eg: ExportGuard,
    *,
    to: str = "FR",
    on: date = date(2022, 1, 10),
    kind: str = "export",
    regime: str = "us-ear",
    item: str = "4D004",
    end_user: str = "Police nationale",
    conditions: Conditions | None = None,
    **kw: Any,
) -> str:
    lic = eg.licensing.apply(
        exporter="Acme Cyber",
        kind=kind,
        regime=regime,
        items=[item],
        destination=to,
        end_user=end_user,
        **{**GOV, **kw},
    )
    eg.licensing.transition(lic.id, Event.SUBMIT, reason="complete", on=on)
    eg.licensing.transition(lic.id, Event.REVIEW, reason="officer takes it", on=on)
    eg.licensing.transition(
        lic.id,
        Event.APPROVE,
        reason="meets policy",
        on=on,
        conditions=conditions or Conditions(valid_until=date(2030, 1, 1)),
    )
    return lic.id


def test_lifecycle_is_recorded_with_decision_and_audit(eg: ExportGuard) -> None:
    lic_id = issued(eg, kind="marketing", regime="il-deca", to="FR", on=date(2021, 12, 10))
    view = eg.licensing.view(lic_id)
    assert view["state"] == "issued"
    assert [e["event"] for e in view["events"]] == ["submit", "review", "approve"]
    assert view["events"][0]["decision_id"] == view["decision_id"]
    assert view["events"][0]["data"]["verdict"] == "licence_required"
    assert any("6 years" in t for t in view["conditions"]["terms"])  # end-use declaration
    assert view["conditions"]["end_users"] == ["Police nationale"]
    kinds = [r.kind for r in eg.audit.records()]
    assert kinds.count("licence-event") == 3
    assert "decision" in kinds
    assert "application" in kinds
    assert eg.audit.verify().ok


def test_illegal_transition_is_refused_and_nothing_changes(eg: ExportGuard) -> None:
    lic = eg.licensing.apply(
        exporter="Acme",
        kind="export",
        regime="us-ear",
        items=["4D004"],
        destination="FR",
        end_user="X",
        **GOV,
    )
    with pytest.raises(IllegalTransition, match="cannot approve when draft"):
        eg.licensing.transition(lic.id, Event.APPROVE, reason="skip")
    assert eg.licensing.get(lic.id).state is State.DRAFT
    assert eg.licensing.events(lic.id) == []


def test_not_eligible_decision_cannot_be_approved(eg: ExportGuard) -> None:
    lic = eg.licensing.apply(
        exporter="Acme",
        kind="marketing",
        regime="il-deca",
        items=["4D004"],
        destination="MA",
        end_user="Police",
        **GOV,
    )
    eg.licensing.transition(lic.id, "submit", reason="r", on=date(2021, 12, 1))
    eg.licensing.transition(lic.id, "review", reason="r", on=date(2021, 12, 1))
    with pytest.raises(IllegalTransition, match="not_eligible"):
        eg.licensing.transition(lic.id, "approve", reason="r")
    assert (
        eg.licensing.transition(lic.id, "refuse", reason="MA not eligible").state is State.REFUSED
    )


def test_israeli_export_licence_needs_an_issued_marketing_licence(eg: ExportGuard) -> None:
    with pytest.raises(InvalidInput, match="parent"):
        eg.licensing.apply(
            exporter="Acme Cyber",
            kind="export",
            regime="il-deca",
            items=["4D004"],
            destination="FR",
            end_user="Police",
            **GOV,
        )
    draft = eg.licensing.apply(
        exporter="Acme Cyber",
        kind="marketing",
        regime="il-deca",
        items=["4D004"],
        destination="FR",
        end_user="Police",
        **GOV,
    )
    with pytest.raises(InvalidInput, match="is draft, not issued"):
        eg.licensing.apply(
            exporter="Acme Cyber",
            kind="export",
            regime="il-deca",
            items=["4D004"],
            destination="FR",
            end_user="Police",
            parent=draft.id,
            **GOV,
        )
    marketing = issued(eg, kind="marketing", regime="il-deca", on=date(2021, 12, 10))
    with pytest.raises(InvalidInput, match="is for FR, not DE"):
        eg.licensing.apply(
            exporter="Acme Cyber",
            kind="export",
            regime="il-deca",
            items=["4D004"],
            destination="DE",
            end_user="Polizei",
            parent=marketing,
            **GOV,
        )
    export = eg.licensing.apply(
        exporter="Acme Cyber",
        kind="export",
        regime="il-deca",
        items=["4D004"],
        destination="FR",
        end_user="Police",
        parent=marketing,
        **GOV,
    )
    assert export.parent == marketing


def test_the_licence_stages_come_from_the_regime_file(eg: ExportGuard, tmp_path: Path) -> None:
    """An installed us-ear revision declaring two stages makes its export licence follow a
    marketing licence; an il-deca revision without the block needs one export licence."""
    two_stage = tmp_path / "us-ear.yaml"
    two_stage.write_text(bundled_text("us-ear").replace(
        "\nrules:",
        "\nlicensing:\n  facts: [export-scope]\n  stages:\n"
        "    - {kind: marketing, text: first}\n"
        "    - {kind: export, parent: marketing, text: then}\n\nrules:",
        1,
    ))  # fmt: skip
    eg.decisions.install_regime(two_stage)
    application = {"exporter": "Acme Cyber", "regime": "us-ear", "items": ["4D004"],
                   "destination": "FR", "end_user": "Police", **GOV}  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.apply(kind="export", **application)
    assert [e.field for e in caught.value.errors] == ["parent"]
    assert "us-ear: export licences follow an issued marketing licence" in str(caught.value)
    marketing = issued(eg, kind="marketing", regime="us-ear", on=date(2022, 1, 10))
    assert eg.licensing.apply(kind="export", parent=marketing, **application).parent == marketing

    start, end = "\nlicensing:\n", "\njurisdiction:"
    text = bundled_text("il-deca")
    one_stage = tmp_path / "il-deca.yaml"
    one_stage.write_text(text[: text.index(start)] + text[text.index(end) :])
    eg.decisions.install_regime(one_stage)
    assert eg.decisions.regime("il-deca").licensing.first == "export"
    plain = eg.licensing.apply(kind="export", **{**application, "regime": "il-deca"})
    assert plain.parent is None


def test_bad_application_input_names_every_field(eg: ExportGuard) -> None:
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.apply(
            exporter="",
            kind="lease",
            regime="xx",
            items=["9Z9"],
            destination="Atlantis",
            end_user="",
            end_use="spying",
            value=-1,
        )
    fields = {e.field for e in caught.value.errors}
    assert fields == {
        "exporter",
        "kind",
        "regime",
        "item",
        "destination",
        "end_user",
        "end_use",
        "value",
    }


def test_shipments_checked_against_conditions_and_balance(eg: ExportGuard) -> None:
    lic_id = issued(
        eg, conditions=Conditions(valid_until=date(2022, 12, 31), max_value=100.0, max_quantity=5)
    )
    left = eg.licensing.ship(
        lic_id, shipped_on=date(2022, 3, 1), value=70.0, quantity=2,
        end_user="Police nationale", end_use="law-enforcement",
    )  # fmt: skip
    assert left["value_left"] == 30.0
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.ship(
            lic_id, shipped_on=date(2023, 2, 1), value=40.0, quantity=1, end_user="Army",
            end_use="law-enforcement",
        )
    problems = " ".join(e.message for e in caught.value.errors)
    assert "expired" in problems
    assert "remaining balance 30" in problems
    assert "'Army' is not permitted" in problems
    assert len(eg.licensing.view(lic_id)["shipments"]) == 1


def test_expiry_is_computed_as_of_any_date(eg: ExportGuard) -> None:
    lic_id = issued(eg, on=date(2022, 1, 10), conditions=Conditions(valid_until=date(2022, 6, 30)))
    assert eg.licensing.state_on(lic_id, date(2022, 1, 9)) is State.DRAFT  # all on the 10th
    assert eg.licensing.state_on(lic_id, date(2022, 6, 30)) is State.ISSUED
    assert eg.licensing.state_on(lic_id, date(2022, 7, 1)) is State.EXPIRED


def test_optimistic_locking(eg: ExportGuard) -> None:
    lic_id = issued(eg)
    version = eg.licensing.get(lic_id).version
    eg.licensing.transition(
        lic_id,
        Event.AMEND,
        reason="cap",
        expected_version=version,
        conditions=Conditions(max_value=10.0),
    )
    with pytest.raises(ConcurrentChange, match="someone else"):
        eg.licensing.transition(lic_id, Event.SUSPEND, reason="stale", expected_version=version)


def test_misuse_report_opens_reviews_and_revocation_closes_them(eg: ExportGuard) -> None:
    morocco = issued(
        eg,
        to="MA",
        regime="us-ear",
        end_user="Direction Generale de la Surete Nationale",
        on=date(2022, 4, 1),
    )
    france = issued(eg, to="FR", regime="us-ear")
    report = eg.licensing.report_misuse(
        source="Citizen Lab",
        reported_on=date(2022, 7, 18),
        country="Morocco",
        suspected_operator="DGSN (Direction Generale de la Surete Nationale)",
        product="Pegasus (4D004)",
        evidence="https://example.org/report",
        confidence="high",
    )
    concerned = [m.licence for m in report.matches]
    assert concerned == [morocco]
    assert france not in concerned
    (review,) = eg.licensing.reviews()
    assert review.subject_id == morocco
    closed = eg.licensing.close_review(review.id, "revoke", reason="misuse confirmed")
    assert closed.status == "closed"
    assert eg.licensing.get(morocco).state is State.REVOKED
    assert eg.licensing.reports()[0].status == "closed"
    with pytest.raises(IllegalTransition, match="already closed"):
        eg.licensing.close_review(review.id, "no_action", reason="again")
    assert eg.audit.verify().ok


def test_audit_verify_detects_tampering_in_the_store(eg: ExportGuard) -> None:
    eg.screen("NSO Group")
    issued(eg)
    assert eg.audit.verify().ok
    with eg.engine.begin() as conn:
        conn.execute(sa.text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    result = eg.audit.verify()
    assert not result.ok
    assert "record 2: changed" in str(result.problems[0])
    with eg.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM audit_log WHERE seq = 3"))
    assert any("record 3 is missing" in str(p) for p in eg.audit.verify().problems)


def test_screening_certificate(eg: ExportGuard) -> None:
    result = eg.screen("NSO Group")
    assert result.audit_seq is not None
    document, digest = eg.audit.certificate(result.audit_seq)
    assert "NSO Group" in document
    assert "Entity List" in document
    assert "intact up to the chain" in document  # no checkpoint after it yet
    assert len(digest) == 64
    with pytest.raises(InvalidInput, match="not a screening"):
        eg.audit.certificate(1)  # the demo list import


def test_an_application_is_checked_against_its_own_regime_only(
    eg: ExportGuard, tmp_path: Path
) -> None:
    # An installed regime that does not model 5E001.a leaves applications under the other
    # regimes alone (a fresh review found every application refused by any one regime).
    edited = eu_regime_without_5e001a(tmp_path)
    eg.decisions.install_regime(edited)
    us = eg.licensing.apply(exporter="Acme Cyber", kind="dual-use", regime="us-ear",
                            items=["5E001.a"], destination="FR", end_user="Police nationale",
                            **GOV)  # fmt: skip
    assert us.items == ("5E001.a",)
    with pytest.raises(InvalidInput) as caught:
        eg.licensing.apply(exporter="Acme Cyber", kind="dual-use", regime="eu-dual-use",
                           items=["5E001.a"], destination="FR", end_user="Police nationale",
                           **GOV)  # fmt: skip
    assert [e.message for e in caught.value.errors if e.field == "item"] == [
        "eu-dual-use does not model control entry '5E001.a': leave that regime out or "
        "classify the item under it"
    ]
