"""Export decisions: a table of scenarios drawn from ../shared/reference/regulatory-facts.md,
with dates on both sides of every dated change, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from exportguard.errors import InvalidInput, RegimeError
from exportguard.regimes import bundled_text, load_file
from exportguard.services import ExportGuard


@pytest.fixture
def eg(service: ExportGuard) -> ExportGuard:
    service.import_demo()
    return service


def regime_of(decision: Any, regime_id: str) -> Any:
    return next(r for r in decision.regimes if r.id == regime_id)


def rules(regime: Any) -> list[str]:
    return [r.rule for r in regime.reasons]


GOV = {"end_user_type": "law-enforcement", "end_use": "law-enforcement"}

# (regime, items, destination, date, extra, expected verdict, a rule among the reasons)
SCENARIOS: list[tuple[str, list[str], str, date, dict[str, Any], str, str]] = [
    # Israel: the list of 102, cut to 37 on 2021-11-25.
    (
        "il-deca",
        ["4D004"],
        "MA",
        date(2021, 11, 24),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4D004"], "MA", date(2021, 12, 1), GOV, "not_eligible", "il-eligible-destination"),
    (
        "il-deca",
        ["4A005"],
        "AE",
        date(2021, 11, 25),
        GOV,
        "not_eligible",
        "il-eligible-destination",
    ),
    (
        "il-deca",
        ["4D004"],
        "IN",
        date(2021, 12, 1),
        GOV,
        "licence_required",
        "il-eligible-destination",
    ),
    ("il-deca", ["4D004"], "BR", date(2021, 6, 1), GOV, "refer", "il-eligible-destination"),
    ("il-deca", ["4D004"], "BR", date(2021, 12, 1), GOV, "not_eligible", "il-eligible-destination"),
    (
        "il-deca",
        ["4D004"],
        "FR",
        date(2021, 12, 1),
        {"end_user_type": "non-government", "end_use": "penetration-testing"},
        "not_eligible",
        "il-government-end-users-only",
    ),
    (
        "il-deca",
        ["4D004"],
        "FR",
        date(2021, 12, 1),
        {"end_user_type": "intelligence", "end_use": "internal-repression"},
        "not_eligible",
        "il-lawful-use-only",
    ),
    ("il-deca", ["EAR99"], "MA", date(2021, 12, 1), GOV, "no_licence_required", "il-deca:default"),
    # US: the cybersecurity items rule from 2022-03-07, License Exception ACE.
    (
        "us-ear",
        ["4A005"],
        "DE",
        date(2022, 3, 6),
        {"end_user_type": "non-government"},
        "no_licence_required",
        "us-cyber-before-rule",
    ),
    (
        "us-ear",
        ["4A005"],
        "DE",
        date(2022, 3, 7),
        {"end_user_type": "non-government", "end_use": "penetration-testing"},
        "licence_exception",
        "us-ace",
    ),
    (
        "us-ear",
        ["4D004"],
        "CN",
        date(2022, 4, 1),
        {"end_user_type": "government"},
        "licence_required",
        "us-ace:government-d",
    ),
    (
        "us-ear",
        ["4D004"],
        "CN",
        date(2022, 4, 1),
        {"end_user_type": "non-government", "end_use": "vulnerability-disclosure"},
        "licence_exception",
        "us-ace",
    ),
    (
        "us-ear",
        ["4D004"],
        "CN",
        date(2022, 4, 1),
        {"end_user_type": "non-government", "end_use": "penetration-testing"},
        "licence_required",
        "us-ace:non-government-d1-d5",
    ),
    (
        "us-ear",
        ["5A001.j"],
        "IR",
        date(2022, 4, 1),
        {"end_user_type": "non-government", "end_use": "incident-response"},
        "licence_required",
        "us-ace:e1-e2",
    ),
    ("us-ear", ["4A005"], "CA", date(2022, 4, 1), {}, "no_licence_required", "us-ear:default"),
    (
        "us-ear",
        ["4A005"],
        "FR",
        date(2022, 4, 1),
        {"end_use": "unauthorized-access"},
        "licence_required",
        "us-ace:unauthorized-access",
    ),
    (
        "us-ear",
        ["4D001.a"],
        "FR",
        date(2022, 4, 1),
        {"end_user_type": "non-government"},
        "licence_exception",
        "us-cyber-unverified-eccn",
    ),
    # EU: Regulation 2021/821 from 2021-09-09; EU001; Article 5.
    ("eu-dual-use", ["4A005"], "US", date(2022, 1, 1), {}, "licence_exception", "eu-eu001"),
    ("eu-dual-use", ["4A005"], "CN", date(2022, 1, 1), {}, "licence_required", "eu-annex-i-export"),
    ("eu-dual-use", ["4A005"], "FR", date(2022, 1, 1), {}, "no_licence_required", "eu-intra-union"),
    ("eu-dual-use", ["4A005"], "CN", date(2021, 9, 8), {}, "refer", "eu-dual-use:coverage"),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "EG",
        date(2023, 1, 1),
        {"authority_informed": True},
        "licence_required",
        "eu-art-5-informed",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "EG",
        date(2023, 1, 1),
        {"end_use": "internal-repression"},
        "refer",
        "eu-art-5-due-diligence",
    ),
    (
        "eu-dual-use",
        ["unlisted-cyber-surveillance"],
        "EG",
        date(2023, 1, 1),
        {},
        "no_licence_required",
        "eu-dual-use:default",
    ),
]


@pytest.mark.parametrize(
    ("regime", "items", "to", "on", "extra", "verdict", "rule"),
    SCENARIOS,
    ids=[f"{s[0]}-{'+'.join(s[1])}-{s[2]}-{s[3]}-{s[5]}" for s in SCENARIOS],
)
def test_scenario(
    eg: ExportGuard,
    regime: str,
    items: list[str],
    to: str,
    on: date,
    extra: dict[str, Any],
    verdict: str,
    rule: str,
) -> None:
    decision = eg.decisions.decide(items=items, to=to, on=on, regimes=[regime], **extra)
    result = regime_of(decision, regime)
    assert result.verdict.label == verdict
    assert rule in rules(result)
    for reason in result.reasons:
        assert reason.text
        assert reason.source
        assert reason.certainty in "PSDU"


def test_morocco_police_2021_12_01_is_not_eligible_overall(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["4D004"],
        to="Morocco",
        on=date(2021, 12, 1),
        end_user="Moroccan national police",
        **GOV,
    )
    assert decision.verdict.label == "not_eligible"
    data = decision.to_dict()
    assert {r["id"]: r["verdict"] for r in data["regimes"]} == {
        "eu-dual-use": "licence_required",
        "il-deca": "not_eligible",
        "us-ear": "no_licence_required",
    }
    il = next(r for r in data["regimes"] if r["id"] == "il-deca")
    assert il["reasons"][0]["certainty"] == "S"
    assert "Calcalist" in il["reasons"][0]["source"]


def test_unknown_membership_says_it_rests_on_unverified_facts(eg: ExportGuard) -> None:
    result = regime_of(
        eg.decisions.decide(
            items=["4D004"], to="BR", on=date(2021, 6, 1), regimes=["il-deca"], **GOV
        ),
        "il-deca",
    )
    reason = result.reasons[0]
    assert reason.certainty == "U"
    assert "never published" in reason.text


def test_end_use_declaration_terms_are_conditions_from_2021_12_06(eg: ExportGuard) -> None:
    before = regime_of(
        eg.decisions.decide(
            items=["4D004"], to="FR", on=date(2021, 12, 5), regimes=["il-deca"], **GOV
        ),
        "il-deca",
    )
    after = regime_of(
        eg.decisions.decide(
            items=["4D004"], to="FR", on=date(2021, 12, 6), regimes=["il-deca"], **GOV
        ),
        "il-deca",
    )
    assert before.conditions == ()
    assert len(after.conditions) == 5
    assert any("6 years" in c for c in after.conditions)


@pytest.mark.parametrize(
    ("on", "verdict"),
    [(date(2021, 10, 1), "no_licence_required"), (date(2021, 11, 4), "licence_required")],
)
def test_entity_list_counts_from_its_listing_date_even_for_ear99(
    eg: ExportGuard, on: date, verdict: str
) -> None:
    decision = eg.decisions.decide(
        items=["EAR99"],
        to="IL",
        on=on,
        regimes=["us-ear"],
        end_user="NSO Group",
        end_user_type="non-government",
    )
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == verdict
    if verdict == "licence_required":
        assert us.review_policy == "Presumption of denial."
        (reason,) = [r for r in us.reasons if r.rule == "us-listed-party"]
        assert reason.match is not None
        assert reason.match["entry_id"] == "exportguard_demo:el-nso-group"
        assert reason.match["citation"] == "86 FR 60760"
        assert reason.match["explanation"][0]["feature"] == "name"


def test_entity_list_party_defeats_ace(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["4D004"],
        to="SG",
        on=date(2022, 4, 1),
        regimes=["us-ear"],
        end_user="COSEINC",
        end_user_type="non-government",
        end_use="penetration-testing",
    )
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert us.review_policy == "Presumption of denial."
    assert "us-ace" in rules(us)  # ACE overcomes the ECCN requirement, not the listing


def test_intermediary_parties_are_screened_too(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["EAR99"],
        to="DE",
        on=date(2022, 1, 1),
        regimes=["us-ear"],
        end_user="Acme GmbH",
        parties=["Saito Tech Ltd"],
    )
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert any(r.match and r.match["role"] == "party" for r in us.reasons)


def test_decision_is_recorded_and_replays_identically(eg: ExportGuard) -> None:
    first = eg.decisions.decide(
        items=["4D004"], to="MA", on=date(2021, 12, 1), end_user="NSO Group", **GOV
    )
    stored = eg.decisions.decision(first.decision_id)
    assert stored["verdict"] == "not_eligible"
    assert stored["actor"] == "tester"
    again = eg.decisions.replay(first.decision_id)
    assert again.to_dict() == first.to_dict()
    same = eg.decisions.decide(
        items=["4D004"], to="MA", on=date(2021, 12, 1), end_user="NSO Group", **GOV
    )
    assert same.decision_id == first.decision_id


def test_installed_regime_is_used_and_old_decisions_replay_with_the_old_one(
    eg: ExportGuard, tmp_path: Path
) -> None:
    old = eg.decisions.decide(
        items=["4D004"], to="IN", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    )
    assert old.verdict.label == "licence_required"
    edited = tmp_path / "il-deca.yaml"
    edited.write_text(
        bundled_text("il-deca")
        .replace("NZ, KR, US]", "NZ, KR, US]\n        # India dropped in this test revision")
        .replace('LI, "NO", CH, GB, AU, CA, IN, JP', 'LI, "NO", CH, GB, AU, CA, JP')
        .replace('revision: "2026-11-28.1"', 'revision: "test-2"')
    )
    eg.decisions.install_regime(edited)
    new = eg.decisions.decide(
        items=["4D004"], to="IN", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    )
    assert new.verdict.label == "not_eligible"
    assert new.versions["regimes"]["il-deca"]["revision"] == "test-2"
    assert eg.decisions.replay(old.decision_id).verdict.label == "licence_required"


def test_il_deca_diff_across_the_cut(eg: ExportGuard) -> None:
    diff = eg.decisions.regime_diff("il-deca", date(2021, 11, 24), date(2021, 11, 25))
    change = diff["country_sets"]["eligible-destinations"]
    assert change["removed"] == ["AE", "MA", "MX", "SA"]
    assert len(change["kept"]) == 37
    assert change["added"] == []
    assert "known only in part" in change["note"]
    assert diff["rules"] == {"added": [], "removed": []}
    later = eg.decisions.regime_diff("il-deca", date(2021, 11, 25), date(2022, 2, 1))
    assert later["rules"]["added"] == ["il-end-use-declaration", "il-marketing-exemption"]


def test_us_country_group_changes(eg: ExportGuard) -> None:
    diff = eg.decisions.regime_diff("us-ear", date(2021, 12, 8), date(2021, 12, 10))
    assert diff["country_sets"]["D:5"]["added"] == ["KH"]
    nicaragua = eg.decisions.regime_diff("us-ear", date(2024, 3, 14), date(2024, 3, 15))
    assert nicaragua["country_sets"]["D:1"]["added"] == ["NI"]
    assert nicaragua["country_sets"]["D:5"]["added"] == ["NI"]
    gone = eg.decisions.regime_diff("us-ear", date(2026, 2, 2), date(2026, 2, 3))
    assert gone["country_sets"]["D:5"]["removed"] == ["KH"]
    view = eg.decisions.regime_view("us-ear", date(2022, 1, 1))
    assert "KH" in view["country_sets"]["D:5"]["members"]
    assert view["country_sets"]["E:1"]["members"] == ["IR", "KP", "SY"]


@pytest.mark.parametrize(
    ("kwargs", "fields"),
    [
        ({"items": ["4D004"], "to": "Atlantis"}, ["to"]),
        ({"items": ["9Z999"], "to": "FR"}, ["item"]),
        ({"items": [], "to": "FR"}, ["item"]),
        ({"items": ["4D004"], "to": "FR", "regimes": ["xx-law"]}, ["regime"]),
        ({"items": ["4D004"], "to": "FR", "end_use": "spying"}, ["end_use"]),
        ({"items": ["4D004"], "to": "FR", "end_user_type": "alien"}, ["end_user_type"]),
        ({"items": ["9Z999"], "to": "Nowhere"}, ["item", "to"]),
    ],
)
def test_bad_input_is_an_error_never_a_silent_answer(
    eg: ExportGuard, kwargs: dict[str, Any], fields: list[str]
) -> None:
    with pytest.raises(InvalidInput) as caught:
        eg.decisions.decide(on=date(2022, 1, 1), **kwargs)
    assert sorted(e.field for e in caught.value.errors) == fields


def test_items_are_normalised(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["5a001.J"], to="FR", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    )
    assert decision.request.items == ("5A001.j",)


@pytest.mark.parametrize(
    ("edit", "field", "message"),
    [
        (("    certainty: P", "    certainty: X"), "facts.0.certainty", "certainty must be one of"),
        (("kind: country-list", "kind: lottery"), "rules.0.kind", "kind must be one of"),
        (("facts: [government-only]", "facts: [no-such-fact]"), "rules.1.facts", "unknown fact"),
        (
            ("{items_in: [set:cyber]}", "{items_within: [set:cyber]}"),
            "rules.0.when.all.0",
            "unknown condition",
        ),
        (
            ("- {code: MX, facts: [dropped-four]}", "- {code: XQ, facts: [dropped-four]}"),
            "country_sets.eligible-destinations.versions.0.members.0.code",
            "not an ISO",
        ),
        (("since: 2021-12-06", "since: 2021-13-06"), "rules.4.since", "not a date"),
    ],
)
def test_bad_regime_files_name_file_line_and_field(
    tmp_path: Path, edit: tuple[str, str], field: str, message: str
) -> None:
    text = bundled_text("il-deca")
    assert edit[0] in text
    path = tmp_path / "il-deca.yaml"
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(RegimeError) as caught:
        load_file(path)
    error = caught.value
    assert error.file == str(path)
    assert error.field == field
    assert error.line is not None
    assert text.replace(edit[0], edit[1], 1).splitlines()[error.line - 1].strip()
    assert message in str(error)


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nfacts: [\n  - a: b\n")
    with pytest.raises(RegimeError) as caught:
        load_file(path)
    assert caught.value.line is not None


def test_bundled_regimes_validate() -> None:
    from exportguard.regimes import bundled

    regimes = bundled()
    assert set(regimes) == {"il-deca", "us-ear", "eu-dual-use"}
    for regime in regimes.values():
        for fact in regime.facts.values():
            assert fact.source
            assert fact.certainty in "PSDU"


def test_a_sale_within_israel_is_not_an_israeli_export(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["4D004"], to="IL", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    )
    il = regime_of(decision, "il-deca")
    assert il.verdict.label == "no_licence_required"
    assert [r.rule for r in il.reasons] == ["il-deca:default", "il-domestic"]
    assert il.conditions == ()
    assert eg.decisions.eligibility_map("il-deca", date(2022, 1, 1))["countries"]["IL"] == (
        "no_licence_required"
    )
    abroad = eg.decisions.decide(
        items=["4D004"], to="MA", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    )
    assert "il-domestic" not in [r.rule for r in regime_of(abroad, "il-deca").reasons]


def test_a_sale_within_the_us_is_not_an_ear_export(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(
        items=["4D004"], to="US", on=date(2022, 6, 1), regimes=["us-ear"], **GOV
    )
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "no_licence_required"
    assert "us-domestic" in [r.rule for r in us.reasons]
    listed = eg.decisions.decide(
        items=["EAR99"], to="US", on=date(2022, 6, 1), regimes=["us-ear"],
        end_user="NSO Group", end_user_type="non-government",
    )  # fmt: skip
    assert regime_of(listed, "us-ear").verdict.label == "licence_required"  # still reported
