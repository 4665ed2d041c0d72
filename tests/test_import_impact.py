"""Issue 16, fault 4: every list import runs the impact on licences and applications (not
only on counterparties), on SQLite and PostgreSQL, with the real SDN files of 2022-02-17 and
2022-03-31 (JSC NPO High Precision Systems, Sovkom Faktoring and Nord Stream 2 AG are
added in March)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportguard.core.licensing import Conditions, Event, State
from exportguard.core.snapshots import SourceFile
from exportguard.services import ExportGuard
from tests.conftest import Stock, StoreTemplates

SDN_FEB = "us_ofac_sdn/2022-02-17/sdn.csv"
SDN_MAR = "us_ofac_sdn/2022-03-31/sdn.csv"


def read(lists_dir: Path, rel: str) -> SourceFile:
    return SourceFile(str(lists_dir / rel), (lists_dir / rel).read_bytes())


def _licence(
    eg: ExportGuard,
    end_user: str,
    *,
    to: str = "RU",
    parties: tuple[str, ...] = (),
    state: State = State.ISSUED,
    valid_until: date = date(2030, 1, 1),
) -> str:
    lic = eg.licensing.apply(
        exporter="Acme Cyber", kind="export", regime="us-ear", items=["5A001.j"],
        destination=to, end_user=end_user, end_user_type="non-government",
        end_use="research", parties=list(parties),
    )  # fmt: skip
    if state is State.DRAFT:
        return lic.id
    eg.licensing.transition(lic.id, Event.SUBMIT, reason="complete", on=date(2021, 6, 1))
    if state is State.SUBMITTED:
        return lic.id
    eg.licensing.transition(lic.id, Event.REVIEW, reason="review", on=date(2021, 6, 1))
    eg.licensing.transition(
        lic.id, Event.APPROVE, reason="ok", on=date(2021, 6, 2),
        conditions=Conditions(valid_until=valid_until),
    )  # fmt: skip
    return lic.id


@pytest.mark.imported(SDN_FEB)
def test_an_import_flags_licences_and_applications_whose_parties_are_newly_listed(
    service: ExportGuard, lists_dir: Path
) -> None:
    end_user = _licence(service, "JSC NPO High Precision Systems")
    via = _licence(service, "Rostelecom Retail", parties=("Sovkom Faktoring",))
    application = _licence(service, "Nord Stream 2 AG", to="CH", state=State.SUBMITTED)
    expired = _licence(service, "Sovkom Faktoring", valid_until=date(2025, 12, 31))
    clean = _licence(service, "Globex Trading GmbH", to="DE")

    report = service.import_files([read(lists_dir, SDN_MAR)])

    (impact,) = report.impacts
    assert impact["source"] == "us_ofac_sdn"
    assert impact["entries"]["added"] >= 790
    affected = {a["id"]: a for a in impact["affected"]}
    assert set(affected) == {end_user, via, application}
    assert expired not in affected
    assert clean not in affected
    assert affected[application]["kind"] == "application"
    assert affected[end_user]["kind"] == "licence"
    assert ", issued" in affected[end_user]["label"]
    assert "end user 'JSC NPO High Precision Systems' matches" in affected[end_user]["reason"]
    assert "intermediary 'Sovkom Faktoring' matches" in affected[via]["reason"]
    assert "us_ofac_sdn:34761" in affected[via]["reason"]  # the entry, by id
    assert report.summary() == {
        "alerts_raised": 0,
        "licences_affected": 2,
        "applications_affected": 1,
        "reviews_queued": 3,
        "licences_suspended": 0,
    }
    reviews = {r.subject_id for r in service.licensing.reviews()}
    assert reviews == {end_user, via, application}
    # Listed in its state today: past its validity, the licence is expired, not issued.
    assert expired not in {lic.id for lic in service.licensing.find(state="issued")}
    assert [lic.id for lic in service.licensing.find(state="expired")] == [expired]
    # An import of the same file again changes nothing and queues nothing.
    again = service.import_files([read(lists_dir, SDN_MAR)])
    assert again.impacts == ()
    assert again.summary()["reviews_queued"] == 0
    assert service.audit.verify().ok


def test_a_list_new_to_the_store_counts_every_entry_as_added(
    service: ExportGuard, lists_dir: Path
) -> None:
    service.import_demo()
    lic = _licence(service, "Sovkom Faktoring")
    report = service.import_files([read(lists_dir, SDN_MAR)])
    (impact,) = report.impacts
    assert impact["from"] is None
    assert [a["id"] for a in impact["affected"]] == [lic]
    assert "imported (snapshot" in impact["affected"][0]["reason"]


def test_an_older_file_imported_late_moves_nothing(service: ExportGuard, lists_dir: Path) -> None:
    """A snapshot that does not become the one in force (it is older) touches no licence."""
    service.import_files([read(lists_dir, SDN_MAR)])
    _licence(service, "Sovkom Faktoring")
    report = service.import_files([read(lists_dir, SDN_FEB)])
    assert report.results[0].created
    assert report.impacts == ()


@pytest.mark.imported(SDN_FEB)
def test_suspend_policy_suspends_an_issued_licence_whose_end_user_is_newly_listed(
    db_url: str, lists_dir: Path
) -> None:
    from tests.conftest import FIXED_NOW

    eg = ExportGuard(db_url, actor="admin", clock=lambda: FIXED_NOW, impact_policy="suspend")
    try:
        lic = _licence(eg, "JSC NPO High Precision Systems")
        report = eg.import_files([read(lists_dir, SDN_MAR)])
        assert report.summary()["licences_suspended"] == 1
        assert eg.licensing.get(lic).state is State.SUSPENDED
    finally:
        eg.close()


def test_cli_import_prints_and_returns_the_summary(
    tmp_path: Path, lists_dir: Path, store_templates: StoreTemplates
) -> None:
    from exportguard.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store_templates.copy_into(url, Stock((SDN_FEB,)))  # as `lists import` of it leaves it
    env = {"EXPORTGUARD_DATABASE_URL": url}
    runner = CliRunner()
    eg = ExportGuard(url, actor="officer")
    _licence(eg, "Sovkom Faktoring")
    eg.close()
    second = runner.invoke(app, ["lists", "import", str(lists_dir / SDN_MAR)], env=env)
    assert second.exit_code == 0, second.output
    assert "1 licence(s) and 0 application(s) affected, 1 review(s) queued" in second.output
    again = runner.invoke(app, ["lists", "import", "--json", str(lists_dir / SDN_MAR)], env=env)
    data = json.loads(again.output)
    assert data["summary"]["licences_affected"] == 0
    assert data["impacts"] == []


def test_cli_alerts_say_what_changed(
    tmp_path: Path, lists_dir: Path, store_templates: StoreTemplates
) -> None:
    from exportguard.cli import app

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store_templates.copy_into(url, Stock((SDN_FEB,)))  # as `lists import` of it leaves it
    env = {"EXPORTGUARD_DATABASE_URL": url}
    runner = CliRunner()
    eg = ExportGuard(url, actor="officer")
    eg.monitoring.add(exporter="Acme", name="Gennady Timchenko", type="person")
    eg.close()
    assert runner.invoke(app, ["lists", "import", str(lists_dir / SDN_MAR)], env=env).exit_code == 0
    shown = runner.invoke(app, ["counterparty", "alerts"], env=env)
    assert shown.exit_code == 0, shown.output
    changed = shown.output.split("changed:", 1)[1]
    assert " -> " in changed  # each changed field, before -> after
