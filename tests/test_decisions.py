"""Export decisions: a table of scenarios drawn from ../shared/reference/regulatory-facts.md,
with dates on both sides of every dated change, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from exportguard.errors import InvalidInput, RegimeError
from exportguard.regimes import bundled_text, load_file
from exportguard.services import ExportGuard
from exportguard.services.audit import AuditKey
from exportguard.services.decision_input import DecisionInput
from tests.conftest import FIXED_NOW, StoreTemplates
from tests.factories import eu_regime_without_5e001a


@pytest.fixture
def eg(
    db_url: str, audit_key: AuditKey, lists_dir: Path, store_templates: StoreTemplates
) -> Iterator[ExportGuard]:
    """The demo list and small samples of the CSL and the EU FSF (the sources the US and
    EU regimes need loaded before they can clear a party); the ``service`` fixture's
    ExportGuard on a copy of that store, made once per test worker."""

    def open_(url: str) -> ExportGuard:
        return ExportGuard(url, actor="tester", clock=lambda: FIXED_NOW, audit_key=audit_key)

    def make(url: str) -> None:
        service = open_(url)
        try:
            service.import_demo()
            service.import_paths([lists_dir / "us_trade_csl" / "sample_small",
                                  lists_dir / "eu_fsf" / "sample_2026-08-05"])  # fmt: skip
        finally:
            service.close()

    store_templates.copy_into(db_url, "decisions: demo, CSL and EU FSF samples", make)
    service = open_(db_url)
    yield service
    service.close()


@pytest.fixture(scope="module")
def csl(tmp_path_factory: pytest.TempPathFactory, lists_dir: Path) -> Any:
    """The real trade.gov CSL of 2022-05-16 and the demo list (SQLite, shared by a module:
    importing the CSL takes seconds)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('csl') / 'csl.db'}"
    eg = ExportGuard(url, actor="tester", clock=lambda: FIXED_NOW)
    eg.import_paths([lists_dir / "us_trade_csl" / "2022-05-16", lists_dir / "eu_fsf"])
    eg.import_demo()
    yield eg
    eg.close()


def regime_of(decision: Any, regime_id: str) -> Any:
    return next(r for r in decision.regimes if r.id == regime_id)


def rules(regime: Any) -> list[str]:
    return [r.rule for r in regime.reasons]


def texts(regime: Any) -> str:
    return "\n".join(r.text for r in regime.reasons)


GOV = {"end_user_type": "law-enforcement", "end_use": "law-enforcement"}
NONGOV_IR = {"end_user_type": "non-government", "end_use": "incident-response"}

# The issue's examples, through the service (regime, request, verdict it must not give or
# must give). The full scenario table is in tests/core/test_decide.py.
ISSUE_EXAMPLES: list[tuple[str, dict[str, Any], str]] = [
    (
        "us-ear",
        {
            "items": ["EAR99"],
            "to": "CU",
            "end_user_type": "non-government",
            "end_use": "other",
            "on": date(2022, 6, 1),
        },
        "licence_required",
    ),
    (
        "us-ear",
        {
            "items": ["4E001.c"],
            "to": "RU",
            "end_user_type": "non-government",
            "end_use": "incident-response",
            "on": date(2022, 6, 1),
        },
        "licence_required",
    ),
    (
        "us-ear",
        {
            "items": ["4D004"],
            "to": "HK",
            "end_user_type": "non-government",
            "end_use": "penetration-testing",
            "on": date(2022, 6, 1),
        },
        "licence_required",
    ),
    ("us-ear", {"items": ["4D004"], "to": "SA", "on": date(2022, 6, 1)}, "refer"),
    (
        "eu-dual-use",
        {
            "items": ["unlisted-cyber-surveillance"],
            "to": "DE",
            "authority_informed": True,
            "on": date(2022, 6, 1),
        },
        "no_licence_required",
    ),
    ("eu-dual-use", {"items": ["4E001.a"], "to": "CN", "on": date(2022, 6, 1)}, "licence_required"),
    (
        "il-deca",
        {"items": ["4E001.a"], "to": "MA", "on": date(2022, 6, 1), **GOV},
        "licence_required",
    ),
]


@pytest.mark.parametrize(
    ("regime", "request_", "verdict"),
    ISSUE_EXAMPLES,
    ids=[f"{r}-{'+'.join(q['items'])}-{q['to']}" for r, q, _ in ISSUE_EXAMPLES],
)
def test_issue_example(
    eg: ExportGuard, regime: str, request_: dict[str, Any], verdict: str
) -> None:
    given = DecisionInput(regimes=[regime], end_users=["Acme Trading"], **request_)
    decision = eg.decisions.decide(given)
    result = regime_of(decision, regime)
    assert result.verdict.label == verdict, texts(result)
    assert result.exception is None
    assert "ACE is available" not in texts(result)


def test_morocco_police_2021_12_01_is_not_eligible_overall(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["4D004"],
        to="Morocco",
        on=date(2021, 12, 1),
        end_users=["Moroccan national police"],
        **GOV,
    ))
    assert decision.verdict.label == "not_eligible"
    data = decision.to_dict()
    assert {r["id"]: r["verdict"] for r in data["regimes"]} == {
        "eu-dual-use": "licence_required",
        "il-deca": "not_eligible",
        "us-ear": "refer",  # before 2022-03-07: 4D004's earlier control is not in the facts
    }
    il = next(r for r in data["regimes"] if r["id"] == "il-deca")
    assert il["reasons"][0]["certainty"] == "S"
    assert "Calcalist" in il["reasons"][0]["source"]


def test_unknown_membership_says_it_rests_on_unverified_facts(eg: ExportGuard) -> None:
    result = regime_of(
        eg.decisions.decide(DecisionInput(
            items=["4D004"], to="BR", on=date(2021, 6, 1), regimes=["il-deca"], **GOV
        )),
        "il-deca",
    )
    reason = result.reasons[0]
    assert reason.certainty == "U"
    assert "never published" in reason.text


def test_end_use_declaration_terms_are_conditions_from_2021_12_06(eg: ExportGuard) -> None:
    before = regime_of(
        eg.decisions.decide(DecisionInput(
            items=["4D004"], to="FR", on=date(2021, 12, 5), regimes=["il-deca"], **GOV
        )),
        "il-deca",
    )
    after = regime_of(
        eg.decisions.decide(DecisionInput(
            items=["4D004"], to="FR", on=date(2021, 12, 6), regimes=["il-deca"], **GOV
        )),
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
    decision = eg.decisions.decide(DecisionInput(
        items=["EAR99"],
        to="IL",
        on=on,
        regimes=["us-ear"],
        end_users=["NSO Group"],
        end_user_type="non-government",
    ))
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
    decision = eg.decisions.decide(DecisionInput(
        items=["4D004"],
        to="SG",
        on=date(2022, 4, 1),
        regimes=["us-ear"],
        end_users=["COSEINC"],
        end_user_type="non-government",
        end_use="penetration-testing",
    ))
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert us.review_policy == "Presumption of denial."
    assert us.exception is None
    assert "us-ace:barred" in rules(us)  # the entry bars every licence exception
    assert "us-ace" not in rules(us)
    assert "ACE is available" not in texts(us)


def test_intermediary_parties_are_screened_too(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["EAR99"],
        to="DE",
        on=date(2022, 1, 1),
        regimes=["us-ear"],
        end_users=["Acme GmbH"],
        intermediaries=["Saito Tech Ltd"],
    ))
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert any(r.match and r.match["role"] == "intermediary" for r in us.reasons)


def test_decision_is_recorded_and_replays_identically(eg: ExportGuard) -> None:
    first = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2021, 12, 1), end_users=["NSO Group"], **GOV
    ))
    stored = eg.decisions.stored(first.decision_id)
    assert stored.verdict == "not_eligible"
    assert stored.actor == "tester"
    again = eg.decisions.replay(first.decision_id)
    assert again.to_dict() == first.to_dict()
    # The same question asked again is another decision, with the same fingerprint.
    same = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2021, 12, 1), end_users=["NSO Group"], **GOV
    ))
    assert same.decision_id != first.decision_id
    assert same.fingerprint == first.fingerprint
    assert eg.decisions.stored(first.decision_id).decision_id == first.decision_id
    for key in ("exportguard", "index_format", "matcher_threshold", "vocabulary"):
        assert first.versions[key] is not None


def test_two_exporters_asking_the_same_question_keep_their_own_decisions(
    eg: ExportGuard,
) -> None:
    alice = eg.for_actor("alice").decisions.decide(DecisionInput(
        items=["4D004"], to="FR", on=date(2022, 6, 1), end_users=["Acme SA"], **GOV
    ))
    bob = eg.for_actor("bob").decisions.decide(DecisionInput(
        items=["4D004"], to="FR", on=date(2022, 6, 1), end_users=["Acme SA"], **GOV
    ))
    assert alice.decision_id != bob.decision_id
    assert eg.decisions.stored(alice.decision_id).actor == "alice"
    assert eg.decisions.stored(bob.decision_id).actor == "bob"


def test_installed_regime_is_used_and_old_decisions_replay_with_the_old_one(
    eg: ExportGuard, tmp_path: Path
) -> None:
    old = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="IN", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    ))
    assert old.verdict.label == "licence_required"
    edited = tmp_path / "il-deca.yaml"
    edited.write_text(
        bundled_text("il-deca")
        .replace("NZ, KR, US]", "NZ, KR, US]\n        # India dropped in this test revision")
        .replace('LI, "NO", CH, GB, AU, CA, IN, JP', 'LI, "NO", CH, GB, AU, CA, JP')
        .replace('revision: "2026-11-30.1"', 'revision: "test-2"')
    )
    eg.decisions.install_regime(edited)
    new = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="IN", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    ))
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
        eg.decisions.decide(DecisionInput(on=date(2022, 1, 1), **kwargs))
    assert sorted(e.field for e in caught.value.errors) == fields


def test_items_are_normalised(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["5a001.J"], to="FR", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    ))
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
        # kind 12: misspelt and unknown keys, dates out of order, overlapping versions
        (("    since: 2021-12-06", "    sinse: 2021-12-06"), "rules.4.sinse", "unknown key"),
        (
            (
                "    verdict: refer\n    text: Approval",
                "    verdict: refer\n    severity: high\n    text: Approval",
            ),
            "rules.3.severity",
            "unknown key",
        ),
        (("  - id: dec-law\n", "  - id: dec-law\n    tag: P\n"), "facts.0.tag", "unknown key"),
        (
            (
                "{code: MX, facts: [dropped-four]}",
                "{code: MX, facts: [dropped-four], sinse: 2015-01-01}",
            ),
            "country_sets.eligible-destinations.versions.0.members.0.sinse",
            "unknown key",
        ),
        (
            (
                "{code: MX, facts: [dropped-four]}",
                "{code: MX, facts: [dropped-four], since: 2020-01-01, until: 2019-01-01}",
            ),
            "country_sets.eligible-destinations.versions.0.members.0.until",
            "is before since",
        ),
        (
            ("        until: 2021-11-24\n", "        until: 2013-12-31\n"),
            "country_sets.eligible-destinations.versions.0.until",
            "is before since",
        ),
        (
            (
                "        since: 2021-11-25\n        count: 37",
                "        since: 2021-11-20\n        count: 37",
            ),
            "country_sets.eligible-destinations.versions.1.since",
            "overlaps",
        ),
        (
            ("    since: 2022-01-01\n", "    since: 2022-01-01\n    until: 2021-01-01\n"),
            "rules.5.until",
            "is before since",
        ),
        (("exporters: [IL]", "exporterz: [IL]"), "jurisdiction.exporterz", "unknown key"),
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


def test_the_bundled_regimes_are_the_yaml_files_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A regime is one file: a new ``<id>.yaml`` in the folder is bundled, listed oldest
    coverage first, and decided on; a file whose id is not its name is refused."""
    import exportguard.regimes as regime_files

    shipped = regime_files.bundled_ids()
    assert shipped == ("il-deca", "us-ear", "eu-dual-use")  # by covers_from
    assert sorted(shipped) == regime_files.file_ids()
    for rid in shipped:
        (tmp_path / f"{rid}.yaml").write_text(bundled_text(rid), encoding="utf-8")
    new = bundled_text("eu-dual-use").replace("id: eu-dual-use", "id: xx-new", 1)
    new = new.replace("covers_from: 2021-09-09", "covers_from: 2013-01-01", 1)
    (tmp_path / "xx-new.yaml").write_text(new, encoding="utf-8")
    caches = (regime_files.bundled, regime_files.bundled_ids, regime_files.bundled_text)
    monkeypatch.setattr(regime_files, "_folder", lambda: tmp_path)
    try:
        for cached in caches:
            cached.cache_clear()
        assert regime_files.file_ids() == sorted([*shipped, "xx-new"])
        assert regime_files.bundled_ids() == ("xx-new", *shipped)
        (tmp_path / "xx-wrong.yaml").write_text(new, encoding="utf-8")
        for cached in caches:
            cached.cache_clear()
        with pytest.raises(RegimeError) as caught:
            regime_files.bundled()
        assert caught.value.field == "id"
        assert "xx-wrong.yaml" in str(caught.value)
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()
    assert regime_files.bundled_ids() == shipped


def test_a_sale_within_israel_is_not_an_israeli_export(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="IL", on=date(2022, 1, 1), regimes=["il-deca"],
        exporter_country="IL", **GOV,
    ))  # fmt: skip
    il = regime_of(decision, "il-deca")
    assert il.verdict.label == "no_licence_required"
    assert [r.rule for r in il.reasons] == ["il-deca:default", "il-domestic"]
    assert il.certainty == "D"  # rests on the reading of the law's scope
    assert il.conditions == ()
    assert eg.decisions.eligibility_map("il-deca", date(2022, 1, 1))["countries"]["IL"] == (
        "no_licence_required"
    )
    abroad = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="MA", on=date(2022, 1, 1), regimes=["il-deca"], **GOV
    ))
    assert "il-domestic" not in [r.rule for r in regime_of(abroad, "il-deca").reasons]


def test_a_sale_within_the_us_is_not_an_ear_export(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="US", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["Springfield Police Department"], **GOV,
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "no_licence_required"
    assert "us-domestic" in [r.rule for r in us.reasons]
    listed = eg.decisions.decide(DecisionInput(
        items=["EAR99"], to="US", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["NSO Group"], end_user_type="non-government",
    ))  # fmt: skip
    assert regime_of(listed, "us-ear").verdict.label == "licence_required"  # still reported


# --- real lists: the trade.gov CSL of 2022-05-16 -------------------------------------------


def test_several_end_users_are_all_screened(csl: ExportGuard) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["EAR99"], to="IL", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["NSO Group", "Acme Ltd"], consignees=["Globex Logistics"],
        intermediaries=[("Saito Tech Ltd", "IL")], end_user_type="non-government",
        end_use="other", exporter_country="US",
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert [(s.role, s.name) for s in decision.screenings] == [
        ("end user", "NSO Group"), ("end user", "Acme Ltd"),
        ("consignee", "Globex Logistics"), ("intermediary", "Saito Tech Ltd"),
    ]  # fmt: skip
    matched = {r.match["party"] for r in us.reasons if r.match}
    assert {"NSO Group", "Saito Tech Ltd"} <= matched
    assert [p["role"] for p in decision.to_dict()["request"]["parties"]] == [
        "end user", "end user", "consignee", "intermediary"
    ]  # fmt: skip


def test_a_weak_match_is_a_named_refer_and_does_not_mask_the_real_listing(
    csl: ExportGuard,
) -> None:
    # "Police nationale" (FR) no longer comes near NICARAGUAN NATIONAL POLICE at all (its
    # country contradicts the entry's); a closer spelling still does, below a sure match.
    decision = csl.decisions.decide(DecisionInput(
        items=["EAR99"], to="FR", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["Nicaragua National Police"], intermediaries=[("NSO Group", "IL")],
        end_user_type="law-enforcement", end_use="law-enforcement", exporter_country="US",
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "licence_required"
    assert us.review_policy == "Presumption of denial."
    weak = [r for r in us.reasons if r.match and r.match["party"] == "Nicaragua National Police"]
    assert weak
    assert all(r.verdict is not None and r.verdict.label == "refer" for r in weak)
    assert any("NICARAGUAN NATIONAL POLICE" in r.text for r in weak)
    assert "OFAC authorisation required" not in (us.review_policy or "")


@pytest.mark.parametrize(
    ("on", "verdict"), [(date(2021, 4, 1), "refer"), (date(2022, 6, 1), "licence_required")]
)
def test_an_undated_sdn_row_of_a_later_snapshot_is_not_a_silent_block(
    csl: ExportGuard, on: date, verdict: str
) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["EAR99"], to="DE", on=on, regimes=["us-ear"], end_users=["Positive Technologies"],
        end_user_type="non-government", end_use="other", exporter_country="US",
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == verdict
    if verdict == "refer":
        assert "2022-05-16" in texts(us)
        assert "no listing date" in texts(us)
        assert "blocked person need OFAC" not in us.reasons[0].text.split("(if listed then")[0]


def test_an_eu_decision_without_eu_lists_names_them(service: ExportGuard) -> None:
    service.import_demo()
    decision = service.decisions.decide(DecisionInput(
        items=["EAR99"], to="FR", on=date(2022, 6, 1), regimes=["eu-dual-use", "us-ear"],
        end_users=["Acme SA"], end_user_type="non-government", end_use="other",
    ))  # fmt: skip
    eu = regime_of(decision, "eu-dual-use")
    assert eu.verdict.label == "refer"
    assert eu.missing_lists == ("eu-fsf",)
    assert regime_of(decision, "us-ear").missing_lists == ("csl",)
    assert decision.to_dict()["regimes"][0]["missing_lists"]


def test_a_regime_that_cannot_apply_says_so(eg: ExportGuard) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="CN", on=date(2022, 6, 1), end_users=["Acme Ltd"],
        exporter_country="DE", item_origin="DE", us_content=0, **NONGOV_IR,
    ))  # fmt: skip
    us, il = regime_of(decision, "us-ear"), regime_of(decision, "il-deca")
    assert us.applies is False
    assert il.applies is False
    assert us.verdict.label == "no_licence_required"
    assert "does not apply" in us.reasons[0].text
    assert regime_of(decision, "eu-dual-use").verdict.label == "licence_required"
    unknown = eg.decisions.decide(DecisionInput(
        items=["4D004"], to="CN", on=date(2022, 6, 1), end_users=["Acme Ltd"],
        regimes=["us-ear"], **NONGOV_IR,
    ))  # fmt: skip
    assert regime_of(unknown, "us-ear").applies is None
    assert "us-ear:jurisdiction" in rules(regime_of(unknown, "us-ear"))


def test_an_item_a_regime_does_not_model_is_refused_naming_the_regime(
    eg: ExportGuard, tmp_path: Path
) -> None:
    edited = eu_regime_without_5e001a(tmp_path)
    eg.decisions.install_regime(edited)
    with pytest.raises(InvalidInput) as caught:
        eg.decisions.decide(DecisionInput(items=["5E001.a"], to="CN", on=date(2022, 6, 1)))
    assert any("eu-dual-use does not model" in e.message for e in caught.value.errors)


def test_bad_party_and_scope_input(eg: ExportGuard) -> None:
    with pytest.raises(InvalidInput) as caught:
        eg.decisions.decide(DecisionInput(
            items=["4D004"], to="FR", on=date(2022, 6, 1), end_users=["  "],
            exporter_country="Atlantis", us_content=140, region="mordor",
        ))  # fmt: skip
    assert sorted(e.field for e in caught.value.errors) == [
        "end_users", "exporter_country", "region", "us_content"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "US", "exporter_country": "US"}, "to"),
        ({"to": "CN"}, "exporter_country"),
    ],
)
def test_a_deemed_export_is_never_a_domestic_sale(
    eg: ExportGuard, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        eg.decisions.decide(DecisionInput(
            items=["4E001.c"], on=date(2022, 6, 1), deemed_export=True, end_users=["Li Wei"],
            **NONGOV_IR, **kwargs,
        ))  # fmt: skip
    assert [e.field for e in caught.value.errors] == [field]
    decision = eg.decisions.decide(DecisionInput(
        items=["4E001.c"], to="CN", exporter_country="US", on=date(2022, 6, 1),
        deemed_export=True, end_users=["Li Wei"], regimes=["us-ear"],
        end_user_type="non-government", end_use="penetration-testing",
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label != "no_licence_required"
    assert "us-deemed-export" in rules(us)


@pytest.mark.parametrize(
    ("to", "on", "verdict"),
    [
        ("Crimea", date(2021, 6, 1), "licence_required"),
        ("Sevastopol", date(2022, 6, 1), "licence_required"),
        ("Donetsk", date(2022, 2, 23), "no_licence_required"),
        ("Luhansk", date(2022, 2, 24), "licence_required"),
        ("Ukraine", date(2022, 6, 1), "refer"),
    ],
)
def test_regions_of_ukraine_named_as_destinations(
    eg: ExportGuard, to: str, on: date, verdict: str
) -> None:
    decision = eg.decisions.decide(DecisionInput(
        items=["EAR99"], to=to, on=on, regimes=["us-ear"], end_users=["Acme"],
        end_user_type="non-government", end_use="other", exporter_country="US",
    ))  # fmt: skip
    assert decision.request.destination == "UA"
    assert regime_of(decision, "us-ear").verdict.label == verdict


def test_a_decision_is_one_write_transaction(service: ExportGuard) -> None:
    """Two write transactions per decision doubled its cost under load (issue 8, 16)."""
    from sqlalchemy import event

    service.import_demo()
    warm_up = DecisionInput(items=["4D004"], to="FR", on=date(2022, 1, 1))
    service.decisions.decide(warm_up)
    writes: list[int] = []

    def count(conn: Any) -> None:
        if conn.get_execution_options().get("immediate_write"):
            writes.append(1)

    event.listen(service.engine, "begin", count)
    try:
        service.decisions.decide(DecisionInput(items=["4D004"], to="DE", on=date(2022, 1, 1)))
    finally:
        event.remove(service.engine, "begin", count)
    assert len(writes) == 1


# --- the adversarial review of issue 10 -------------------------------------------------


def test_a_ukrainian_region_with_another_country_is_an_error(csl: ExportGuard) -> None:
    for to in ("RU", "CN"):
        with pytest.raises(InvalidInput, match="a region of Ukraine"):
            csl.decisions.decide(DecisionInput(
                items=["EAR99"], to=to, region="crimea", on=date(2022, 2, 23),
                regimes=["us-ear"], end_users=["Acme"], end_user_type="non-government",
                end_use="other"))  # fmt: skip


@pytest.mark.parametrize("name", ["华为技术有限公司", "華為技術有限公司", "화웨이", "ファーウェイ"])
def test_a_party_in_a_script_the_lists_do_not_use_is_referred(
    csl: ExportGuard, name: str
) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["EAR99"], to="CN", on=date(2022, 6, 1), regimes=["us-ear"], end_users=[name],
        end_user_type="non-government", end_use="other", exporter_country="US",
    ))  # fmt: skip
    assert decision.verdict.label == "refer"
    assert any("script" in r.text for r in regime_of(decision, "us-ear").reasons)


def test_no_licence_is_never_more_certain_than_derived(csl: ExportGuard) -> None:
    for regime, item, to in (("il-deca", "unlisted-cyber-surveillance", "MA"),
                             ("il-deca", "EAR99", "IR")):  # fmt: skip
        decision = csl.decisions.decide(DecisionInput(
            items=[item], to=to, on=date(2022, 6, 1), regimes=[regime], end_users=["Acme"],
            end_user_type="government", end_use="other", exporter_country="IL",
            item_origin="IL",
        ))  # fmt: skip
        assert decision.verdict.label == "no_licence_required"
        assert decision.certainty in ("D", "U")


def test_list_findings_are_as_certain_as_the_facts_file_says(csl: ExportGuard) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["EAR99"], to="IL", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["NSO Group"], end_user_type="non-government", end_use="other",
        exporter_country="US",
    ))  # fmt: skip
    assert decision.verdict.label == "licence_required"
    assert decision.certainty == "S"  # 744.11 and the rule's terms are [S]


@pytest.mark.parametrize(("kind", "verdict"), [("military-intelligence", "licence_required"),
                                               ("non-government", "not_eligible")])  # fmt: skip
def test_israel_counts_military_intelligence_as_governmental(
    csl: ExportGuard, kind: str, verdict: str
) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["4D004"], to="IN", on=date(2022, 6, 1), regimes=["il-deca"], end_users=["Acme"],
        end_user_type=kind, end_use="counter-terrorism", exporter_country="IL",
        item_origin="IL",
    ))  # fmt: skip
    assert decision.verdict.label == verdict


def test_deemed_exports_are_releases_of_technology_in_the_us(csl: ExportGuard) -> None:
    common = {"to": "CN", "on": date(2022, 6, 1), "regimes": ["us-ear"], "end_users": ["Acme"],
              "end_user_type": "non-government", "end_use": "research",
              "deemed_export": True}  # fmt: skip
    with pytest.raises(InvalidInput, match="equipment"):
        csl.decisions.decide(DecisionInput(items=["4A005"], exporter_country="US", **common))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="deemed reexport"):
        csl.decisions.decide(DecisionInput(items=["4E001.c"], exporter_country="DE", **common))  # type: ignore[arg-type]


def test_an_ambiguous_destination_is_an_error(csl: ExportGuard) -> None:
    with pytest.raises(InvalidInput, match="CD"):
        csl.decisions.decide(DecisionInput(items=["4D004"], to="Congo", on=date(2022, 6, 1)))


def test_ace_is_never_available_beside_an_unconfirmed_barring_match(csl: ExportGuard) -> None:
    """Aelcomp Oy is on the UVL in a snapshot (2022-05-16) without a listing date, after the
    decision date: the match is a refer, and ACE cannot be granted beside it."""
    decision = csl.decisions.decide(DecisionInput(
        items=["4D004"], to="FI", on=date(2022, 3, 10), regimes=["us-ear"],
        end_users=["Aelcomp Oy"], end_user_type="non-government",
        end_use="penetration-testing", exporter_country="US",
    ))  # fmt: skip
    us = regime_of(decision, "us-ear")
    assert us.verdict.label == "refer"
    assert us.exception is None
    texts = [r.text for r in us.reasons]
    assert not any("ACE is available" in t for t in texts)
    assert any("only if this match is ruled out" in t for t in texts)


@pytest.mark.parametrize(("on", "says"), [(date(2022, 11, 1), "169 days before"),
                                          (date(2021, 12, 1), "166 days after")])  # fmt: skip
def test_a_list_far_from_the_decision_date_is_named(csl: ExportGuard, on: date, says: str) -> None:
    decision = csl.decisions.decide(DecisionInput(
        items=["4D004"], to="IN", on=on, regimes=["us-ear"], end_users=["Acme Pvt Ltd"],
        end_user_type="non-government", end_use="penetration-testing", exporter_country="US",
    ))  # fmt: skip
    notes = [r.text for r in regime_of(decision, "us-ear").reasons if "screened against" in r.text]
    assert notes
    assert says in notes[0]
    near = csl.decisions.decide(DecisionInput(
        items=["4D004"], to="IN", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["Acme Pvt Ltd"], end_user_type="non-government",
        end_use="penetration-testing", exporter_country="US",
    ))  # fmt: skip
    assert not [r for r in regime_of(near, "us-ear").reasons if "screened against" in r.text]


def test_a_state_body_of_another_country_is_not_a_listed_party(csl: ExportGuard) -> None:
    """A fresh review: the UK's "Ministry of Defence" was taken for Burma's (Entity List,
    86 FR 13180) and the exception barred. A name of generic words only is told apart by
    its country; Burma's own ministry is still found."""
    uk = csl.decisions.decide(DecisionInput(
        items=["5A001.j"], to="GB", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["Ministry of Defence"], end_user_type="government", end_use="other",
        exporter_country="US",
    ))  # fmt: skip
    us = regime_of(uk, "us-ear")
    assert not [r for r in us.reasons if r.match and "DEFEN" in r.match["listed_name"].upper()]
    assert us.verdict.label == "licence_exception"  # ACE, not barred by Burma's ministry
    burma = csl.decisions.decide(DecisionInput(
        items=["5A001.j"], to="MM", on=date(2022, 6, 1), regimes=["us-ear"],
        end_users=["Ministry of Defence"], end_user_type="government", end_use="other",
        exporter_country="US",
    ))  # fmt: skip
    assert any(
        r.match and r.match["listed_name"].upper() == "MINISTRY OF DEFENCE"
        for r in regime_of(burma, "us-ear").reasons
    )
