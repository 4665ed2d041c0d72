"""Every state change and security event leaves an audit record: regime installs, failed
and refused sign-ins, sign-outs, batch jobs submitted and failed."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from exportguard.errors import AuthenticationFailed, TooManyAttempts
from exportguard.services import ExportGuard


def kinds(eg: ExportGuard) -> list[str]:
    return [r.kind for r in eg.audit.records()]


def test_installing_a_regime_is_audited(service: ExportGuard, tmp_path: Path) -> None:
    bundled = resources.files("exportguard.regimes").joinpath("il-deca.yaml").read_text()
    path = tmp_path / "il-deca.yaml"
    path.write_text(bundled, encoding="utf-8")
    regime = service.decisions.install_regime(path)
    (record,) = [r for r in service.audit.records() if r.kind == "regime-install"]
    assert record.subject == "il-deca"
    assert record.payload["digest"] == regime.digest
    assert record.actor == "tester"


def test_failed_and_refused_sign_ins_and_sign_outs_are_audited(service: ExportGuard) -> None:
    service.accounts.create_user("officer1", "a long passphrase here", "officer")
    with pytest.raises(AuthenticationFailed):
        service.accounts.sign_in("officer1", "wrong", "198.51.100.7")
    with pytest.raises(AuthenticationFailed):
        service.accounts.sign_in("nobody", "wrong", "198.51.100.7")
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            service.accounts.sign_in("officer1", "wrong", "198.51.100.7")
    with pytest.raises(TooManyAttempts):
        service.accounts.sign_in("officer1", "wrong", "198.51.100.7")
    failed = [r for r in service.audit.records() if r.kind == "sign-in-failed"]
    assert [r.payload["reason"] for r in failed] == ["credentials"] * 6 + ["locked"]
    assert {r.subject for r in failed} == {"officer1", "nobody"}
    session = service.accounts.sign_in("officer1", "a long passphrase here", "203.0.113.9")
    assert session.token is not None
    service.accounts.sign_out(session.token)
    assert kinds(service)[-2:] == ["sign-in", "sign-out"]
    assert service.audit.verify().ok


def test_batch_jobs_submitted_and_failed_are_audited(service: ExportGuard) -> None:
    service.import_demo()
    job = service.jobs.submit("id,name\n1,NSO Group\n", owner="tester", exporter=None,
                              options={"limit": "not a number"})  # fmt: skip
    assert service.jobs.run_next("w1") == job
    assert service.jobs.get(job).status == "failed"
    records = {r.kind: r for r in service.audit.records() if r.subject == job}
    assert set(records) == {"job-submit", "job-failed"}
    assert records["job-submit"].payload["rows"] == 1
    assert "not a number" in records["job-failed"].payload["error"]
