"""Accounts to OWASP ASVS level 2: strong passwords, password change and reset, enable and
role change, expiring tokens, and never without an admin; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from exportguard.errors import AuthenticationFailed, InvalidInput
from exportguard.services import ExportGuard
from tests.conftest import FIXED_NOW

STRONG = "Ledger-Quartz-Maple-9"


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaa", "short", "password1234", "officer1officer1", "qwertyuiop12", "a" * 129],
)
def test_weak_passwords_are_refused_with_a_reason(service: ExportGuard, password: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        service.accounts.create_user("officer1", password, "officer")
    (problem,) = caught.value.errors
    assert problem.field == "password"
    assert problem.message
    assert service.accounts.users() == []


def test_a_user_changes_their_password_and_is_signed_out(service: ExportGuard) -> None:
    service.accounts.create_user("officer1", STRONG, "officer")
    session = service.accounts.sign_in("officer1", STRONG, "192.0.2.1")
    assert session.token is not None
    with pytest.raises(AuthenticationFailed):
        service.accounts.change_password("officer1", "not it", "Harbour-Violet-Canyon-4")
    with pytest.raises(InvalidInput):
        service.accounts.change_password("officer1", STRONG, "password")
    service.accounts.change_password("officer1", STRONG, "Harbour-Violet-Canyon-4")
    with pytest.raises(AuthenticationFailed):
        service.accounts.by_session(session.token)
    service.accounts.sign_in("officer1", "Harbour-Violet-Canyon-4", "192.0.2.1")


def test_an_admin_resets_enables_and_changes_roles(service: ExportGuard) -> None:
    service.accounts.create_user("alice", STRONG, "exporter", "Acme Cyber")
    service.accounts.set_active("alice", False)
    with pytest.raises(AuthenticationFailed):
        service.accounts.sign_in("alice", STRONG, "192.0.2.2")
    service.accounts.set_active("alice", True)
    service.accounts.reset_password("alice", "Orchid-Pylon-Gravel-7")
    service.accounts.sign_in("alice", "Orchid-Pylon-Gravel-7", "192.0.2.2")
    service.accounts.set_role("alice", "officer")
    (alice,) = service.accounts.users()
    assert (alice.role, alice.exporter) == ("officer", None)
    with pytest.raises(InvalidInput, match="company"):
        service.accounts.set_role("alice", "exporter")
    kinds = [r.kind for r in service.audit.records()]
    assert kinds.count("password") == 1
    assert kinds.count("user") >= 4


def test_there_is_always_an_active_admin(service: ExportGuard) -> None:
    service.accounts.create_user("root1", STRONG, "admin")
    with pytest.raises(InvalidInput, match="last active admin"):
        service.accounts.set_active("root1", False)
    with pytest.raises(InvalidInput, match="last active admin"):
        service.accounts.set_role("root1", "officer")
    service.accounts.create_user("root2", "Saffron-Beacon-Tundra-2", "admin")
    service.accounts.set_active("root1", False)
    with pytest.raises(InvalidInput, match="last active admin"):
        service.accounts.set_role("root2", "auditor")


def test_tokens_expire(db_url: str) -> None:
    now = [FIXED_NOW]
    eg = ExportGuard(db_url, actor="tester", clock=lambda: now[0])
    try:
        eg.accounts.create_user("bot", STRONG, "officer")
        _, short = eg.accounts.create_token("bot", "ci", days=1)
        _, default = eg.accounts.create_token("bot", "api")
        with pytest.raises(InvalidInput, match="1 to 366"):
            eg.accounts.create_token("bot", "forever", days=10_000)
        assert eg.accounts.by_token(short).username == "bot"
        now[0] = FIXED_NOW + timedelta(days=2)
        with pytest.raises(AuthenticationFailed, match="expired"):
            eg.accounts.by_token(short)
        assert eg.accounts.by_token(default).username == "bot"
        now[0] = FIXED_NOW + timedelta(days=91)
        with pytest.raises(AuthenticationFailed):
            eg.accounts.by_token(default)
    finally:
        eg.close()


def test_expensive_calls_are_rationed_per_user(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from exportguard.errors import TooManyAttempts
    from exportguard.services import accounts

    monkeypatch.setitem(accounts.ALLOWANCES, "certificate", 3)
    now = [FIXED_NOW]
    eg = ExportGuard(db_url, actor="tester", clock=lambda: now[0])
    try:
        for _ in range(3):
            eg.accounts.throttle("exporter", "certificate")
        with pytest.raises(TooManyAttempts, match="at most 3 a minute"):
            eg.accounts.throttle("exporter", "certificate")
        eg.accounts.throttle("officer", "certificate")  # another user is not slowed
        eg.accounts.throttle("exporter", "audit_verify")  # nor another operation
        now[0] = FIXED_NOW + timedelta(seconds=61)
        eg.accounts.throttle("exporter", "certificate")
    finally:
        eg.close()


@pytest.mark.parametrize("length", [73, 128])
def test_a_long_password_up_to_the_limit_is_judged_not_an_error(
    service: ExportGuard, length: int
) -> None:
    # zxcvbn scores 72 characters at most: a longer password is judged on its start.
    strong = (STRONG + "-") * 10
    service.accounts.create_user("officer1", strong[:length], "officer")
    assert [u.username for u in service.accounts.users()] == ["officer1"]
    with pytest.raises(InvalidInput):  # a weak start stays weak, however long
        service.accounts.create_user("officer2", "a" * length, "officer")
